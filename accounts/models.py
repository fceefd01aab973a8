from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.history import history


class Role(models.TextChoices):
    TOWN_ADMIN = "town_admin", _("镇党建办管理员")
    TOWN_STAFF = "town_staff", _("镇党建办工作人员")
    AREA_HEAD = "area_head", _("片区区长")
    LIAISON = "liaison", _("联村干部")
    SECRETARY = "secretary", _("支部书记")
    BRANCH_COMMITTEE = "branch_committee", _("支委委员")
    MEMBER = "member", _("党员")


# Which of role's ties (branch, area, member) must be set.
ROLE_NEEDS = {
    Role.TOWN_ADMIN: "branch",
    Role.TOWN_STAFF: "branch",
    Role.AREA_HEAD: "area",
    Role.LIAISON: "area",
    Role.SECRETARY: "branch",
    Role.BRANCH_COMMITTEE: "branch",
    Role.MEMBER: "member",
}

# Roles that work in the Django admin (it gives them is_staff).
ADMIN_SITE_ROLES = {Role.TOWN_ADMIN, Role.TOWN_STAFF}


def role_uses_admin_site(role: str) -> bool:
    return role in ADMIN_SITE_ROLES


class User(AbstractUser):
    """A login. What it may see is decided by accounts.scope from role and ties.

    Town roles are tied to their town committee (a branch), area roles to an
    area, branch roles to their branch, a member login to its member record.
    """

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属党组织"),
    )
    area = models.ForeignKey(
        "branches.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("片区")
    )
    member = models.OneToOneField(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("对应党员"),
    )

    # Who changed a login's role, ties or state; never its password hash or each login time.
    history = history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # A new password, or a deactivated login, ends every API token at once.
        password_changed = self._password is not None
        super().save(*args, **kwargs)
        if self.pk and (password_changed or not self.is_active):
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user_id=self.pk).delete()

    def clean(self) -> None:
        super().clean()
        if self.is_superuser:
            return
        need = ROLE_NEEDS.get(self.role)
        if need and getattr(self, f"{need}_id") is None:
            label = {"branch": _("所属党组织"), "area": _("片区"), "member": _("对应党员")}[need]
            raise ValidationError({need: _("该角色必须指定%(label)s") % {"label": label}})
