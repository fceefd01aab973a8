"""七个一 sites and their fixtures, and the one publishing register (党务公开).

The register: an :class:`Item` is one thing on a board, keyed by
(branch, category, period, source). What the public reads is its
:class:`ItemVersion` rows: each is written once and never changed (the model,
its queryset and, in the database, a trigger refuse updates). A correction is
a new version with a reason. The item row holds the working copy that the
draft → submitted → approved → published workflow moves along.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch

# Words the public URLs use under /public/: a site may not take them as its slug.
RESERVED_SLUGS = frozenset({"b", "area", "items", "feed", "search", "static", "media", "admin", "api"})
PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2])|-Q(?P<quarter>[1-4])|-H(?P<half>[12]))?$")


def validate_period(value: str) -> None:
    """A period is a year, a month, a quarter or a half year: 2026, 2026-03, 2026-Q1, 2026-H2."""
    if not PERIOD_RE.match(value or ""):
        raise ValidationError(_("期间格式应为 2026、2026-03、2026-Q1 或 2026-H1 之一"), code="invalid_period")


def period_display(period: str) -> str:
    """2026 → 2026年; 2026-03 → 2026年3月; 2026-Q1 → 2026年第一季度; 2026-H2 → 2026年下半年."""
    m = PERIOD_RE.match(period or "")
    if not m:
        return period
    year = m["year"]
    if m["month"]:
        return f"{year}年{int(m['month'])}月"
    if m["quarter"]:
        return f"{year}年第{'一二三四'[int(m['quarter']) - 1]}季度"
    if m["half"]:
        return f"{year}年{'上' if m['half'] == '1' else '下'}半年"
    return f"{year}年"


def validate_site_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s”是保留地址，请换一个"), code="reserved_slug", params={"slug": value})


class Site(models.Model):
    """A village, community or fishery site with its 七个一 and its public board."""

    branch = models.OneToOneField(Branch, on_delete=models.PROTECT, related_name="site", verbose_name=_("党组织"))
    name = models.CharField(_("阵地名称"), max_length=50, help_text=_("公开页面上显示的名称，如“高峰村”"))
    slug = models.SlugField(
        _("公开地址"),
        max_length=40,
        unique=True,
        validators=[validate_site_slug],
        help_text=_("公开页面地址 /public/<地址>/ 中的一段，小写字母、数字和连字符，如 gaofeng"),
    )
    office_phone = models.CharField(
        _("办公电话"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^0\d{2,3}-?\d{7,8}$", _("请填写办公座机号码（如 0574-88123456），不能填写个人手机号"))
        ],
        help_text=_("可选。公开在党员风采墙上的支部办公电话，不能是个人手机号"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("七个一阵地")
        verbose_name_plural = _("七个一阵地")
        ordering = ["branch__path"]

    def __str__(self) -> str:
        return self.name


class Fixture(models.Model):
    """One of a site's seven fixtures, with the outcome of its latest check."""

    class Kind(models.TextChoices):
        FLAG = "flag", _("一旗（党旗）")
        EMBLEM = "emblem", _("一徽（党徽）")
        ROOM = "room", _("一室（党员活动室）")
        WALL = "wall", _("一墙（党员风采墙）")
        BOARD = "board", _("一栏（党务公开栏）")
        BOOK = "book", _("一本（智慧党建记录本）")
        CABINET = "cabinet", _("一柜（党建档案柜）")

    class Status(models.TextChoices):
        UNCHECKED = "unchecked", _("未检查")
        MEETS = "meets", _("达标")
        NEEDS_FIXING = "needs_fixing", _("需整改")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="fixtures", verbose_name=_("阵地"))
    kind = models.CharField(_("项目"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UNCHECKED)
    last_checked_at = models.DateTimeField(_("最近检查时间"), null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("最近检查人"),
    )

    class Meta:
        verbose_name = _("七个一项目")
        verbose_name_plural = _("七个一项目")
        ordering = ["site", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "kind"], name="fixture_unique_kind_per_site")]

    def __str__(self) -> str:
        return f"{self.site.name} · {self.get_kind_display()}"


class FixtureCheck(models.Model):
    """One inspection of one fixture: the outcome, a photo, who checked and when."""

    class Result(models.TextChoices):
        MEETS = "meets", _("达标")
        NEEDS_FIXING = "needs_fixing", _("需整改")

    fixture = models.ForeignKey(Fixture, on_delete=models.CASCADE, related_name="checks", verbose_name=_("项目"))
    result = models.CharField(_("检查结果"), max_length=20, choices=Result.choices)
    note = models.TextField(_("情况说明"), blank=True, max_length=1000)
    photo = models.ImageField(_("现场照片"), upload_to="disclosure/checks/%Y/%m/", blank=True)
    checked_at = models.DateTimeField(_("检查时间"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人")
    )

    class Meta:
        verbose_name = _("七个一检查记录")
        verbose_name_plural = _("七个一检查记录")
        ordering = ["-checked_at", "-id"]
        # The API lists checks newest first, 50 a page, off this index (not a sort of the district's checks).
        indexes = [models.Index(fields=["-checked_at", "-id"], name="check_newest_first")]

    def __str__(self) -> str:
        return f"{self.fixture} {self.get_result_display()}"

    def clean(self) -> None:
        if self.result == self.Result.NEEDS_FIXING and not self.note.strip():
            raise ValidationError({"note": _("需整改时请写明问题")})


class Category(models.TextChoices):
    DUES = "dues", _("党费收缴")
    PIONEER_POINTS = "pioneer_points", _("锋领指数积分")
    APPRAISAL = "appraisal", _("民主评议结果")
    THEME_DAY_PLAN = "theme_day_plan", _("主题党日计划")
    CANDIDATES = "candidates", _("发展党员公示")
    PARTY_DOCUMENTS = "party_documents", _("党内文件")
    HIGHER_MEETINGS = "higher_meetings", _("上级会议精神")
    SECRETARY_PROJECTS = "secretary_projects", _("书记领衔项目")
    VILLAGE_AFFAIRS = "village_affairs", _("村务公开")
    FINANCES = "finances", _("财务公开")


class Audience(models.TextChoices):
    PUBLIC = "public", _("公开")
    MEMBERS = "members", _("仅党员")


class Item(models.Model):
    """One entry of the register; its published text lives in versions."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已审核待发布")
        PUBLISHED = "published", _("已发布")

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="disclosure_items", verbose_name=_("党组织")
    )
    category = models.CharField(_("类别"), max_length=30, choices=Category.choices)
    period = models.CharField(_("期间"), max_length=7, validators=[validate_period])
    source = models.CharField(
        _("来源"), max_length=60, help_text=_("由哪个模块生成，如 meetings.plan；手工填写的为 manual:…")
    )
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    # The working copy: what the next version will say.
    title = models.CharField(_("标题"), max_length=120)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    publish_at = models.DateTimeField(_("定时发布时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作者"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    # The newest published version (None until first published): one join for a board.
    latest_version = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("最新版本")
    )
    first_published_at = models.DateTimeField(_("首次发布时间"), null=True, blank=True, db_index=True)
    last_published_at = models.DateTimeField(_("最近发布时间"), null=True, blank=True, db_index=True)
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["-last_published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "category", "period", "source"], name="item_unique_key"),
        ]
        indexes = [
            models.Index(fields=["branch", "category", "period"], name="item_branch_cat_period"),
            # The API lists the newest published first, 50 a page, off this index (not a sort of the district's items).
            models.Index(fields=["-last_published_at", "-id"], name="item_newest_published_first"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.get_category_display()} {self.period}"

    @property
    def is_manual(self) -> bool:
        return self.source.startswith("manual:")


class ItemVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableVersionError(_("已发布的版本不能修改"))

    def delete(self):
        raise ImmutableVersionError(_("已发布的版本不能删除"))


class ImmutableVersionError(ValidationError):
    pass


class ItemVersion(models.Model):
    """One published text of an item: written once, never updated or deleted."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions", verbose_name=_("公开事项"))
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=120)
    payload = models.JSONField(_("内容"), default=dict)
    payload_hash = models.CharField(_("内容摘要"), max_length=64)
    reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开版本")
        verbose_name_plural = _("公开版本")
        ordering = ["item", "number"]
        indexes = [models.Index(fields=["-published_at", "-id"], name="version_newest_first")]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_unique_number"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="item_version_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError(_("已发布的版本不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError(_("已发布的版本不能删除"))

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class DuesMonth(models.Model):
    """党费收缴: one branch's dues for one month, entered or imported by the secretary."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="dues_months", verbose_name=_("党组织"))
    month = models.CharField(_("月份"), max_length=7, validators=[validate_period])
    members_due = models.PositiveIntegerField(_("应交人数"))
    members_paid = models.PositiveIntegerField(_("实交人数"))
    amount_paid = models.DecimalField(_("实交金额（元）"), max_digits=10, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党费收缴月表")
        verbose_name_plural = _("党费收缴月表")
        ordering = ["branch", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="dues_month_unique"),
            models.CheckConstraint(condition=Q(members_paid__lte=models.F("members_due")), name="dues_paid_le_due"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.month}"

    def clean(self) -> None:
        if self.month and not re.match(r"^\d{4}-\d{2}$", self.month):
            raise ValidationError({"month": _("月份格式应为 2026-03")})
        if self.members_paid is not None and self.members_due is not None and self.members_paid > self.members_due:
            raise ValidationError({"members_paid": _("实交人数不能多于应交人数")})
