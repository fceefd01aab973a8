from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from portal.history import history


class Area(models.Model):
    """片区: a supervision grouping of units, not a party organisation.

    Its head and liaison cadres are the users whose role is area head or
    liaison cadre with this area (see accounts.User).
    """

    town = models.ForeignKey(
        "Branch", on_delete=models.PROTECT, related_name="areas", verbose_name=_("所属镇党委")
    )
    name = models.CharField(_("名称"), max_length=50)
    code = models.SlugField(_("编码"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="area_unique_name_in_town")]

    def __str__(self) -> str:
        return self.name


class Branch(MP_Node):
    """A party organisation: district/town committee, general branch or branch.

    Materialized path (treebeard): "this branch and all below it" is one
    ``path__startswith`` query.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    class Unit(models.TextChoices):
        DISTRICT = "district", _("区")
        TOWN = "town", _("镇")
        VILLAGE = "village", _("建制村")
        COMMUNITY = "community", _("社区")
        FISHERY = "fishery", _("渔业社")
        ORGAN = "organ", _("机关")
        ENTERPRISE = "enterprise", _("非公企业")
        SOCIAL = "social", _("社会组织")

    code = models.CharField(_("组织编码"), max_length=40, unique=True)
    name = models.CharField(_("组织名称"), max_length=100, db_index=True)
    kind = models.CharField(_("组织类别"), max_length=20, choices=Kind.choices, default=Kind.BRANCH)
    unit = models.CharField(_("所在单位类型"), max_length=20, choices=Unit.choices)
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="branches", verbose_name=_("片区")
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("正常运行"), default=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = history(excluded_fields=["updated_at", "created_at", "numchild"])

    # No node_order_by: sorted insertion would rewrite siblings' paths, and a
    # path held in memory (a user's scope) must stay true. New branches go last.

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True, dissolved_on__isnull=True) | Q(is_active=False),
                name="branch_active_has_no_dissolved_date",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, prefix: str = "") -> Q:
        """Q matching this branch and everything below it, for a relation prefix like ``branch__``."""
        return Q(**{f"{prefix}path__startswith": self.path})


class PartyGroup(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="party_groups", verbose_name=_("党支部"))
    name = models.CharField(_("党小组名称"), max_length=100)
    leader = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党小组长"),
    )

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="party_group_unique_name")]

    def __str__(self) -> str:
        return f"{self.branch.name} · {self.name}"


class OfficerPostQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> OfficerPostQuerySet:
        on = on or timezone.localdate()
        return self.filter(term_start__lte=on).filter(Q(term_end__isnull=True) | Q(term_end__gte=on))

    def expiring(self, within_days: int = 90, on: dt.date | None = None) -> OfficerPostQuerySet:
        on = on or timezone.localdate()
        return self.current(on).filter(term_end__lte=on + dt.timedelta(days=within_days))


class OfficerPost(models.Model):
    """An officer post held by a member for a term (书记, 副书记, 委员…)."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        ORGANISATION = "organisation", _("组织委员")
        PROPAGANDA = "propaganda", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="officer_posts", verbose_name=_("党组织"))
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="officer_posts", verbose_name=_("党员")
    )
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    objects = OfficerPostQuerySet.as_manager()
    history = history()

    class Meta:
        verbose_name = _("班子成员任职")
        verbose_name_plural = _("班子成员任职")
        ordering = ["branch", "post", "-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="officer_post_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.get_post_display()} {self.member.name}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.term_start <= on and (self.term_end is None or self.term_end >= on)

    @property
    def rank(self) -> int:
        """Where the post stands among a branch's officers: in the order of ``Post`` (书记 first)."""
        return self.post_rank(self.post)

    @staticmethod
    def post_rank(post: str) -> int:
        """``rank`` for a post given by its value (rows read with ``values()``)."""
        return _POST_RANK.get(post, len(_POST_RANK))


_POST_RANK = {value: i for i, value in enumerate(OfficerPost.Post.values)}
