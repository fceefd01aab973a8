from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, User, role_uses_admin_site


def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    display_name: str = "",
    branch=None,
    area=None,
    member=None,
) -> User:
    user = User(
        username=username,
        role=role,
        display_name=display_name or (member.name if member else ""),
        branch=branch,
        area=area,
        member=member,
        # Town roles use the Django admin; everybody else the portal pages.
        is_staff=role_uses_admin_site(role),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def member_login_create(*, member, password: str | None = None) -> User:
    """Give a member a login whose username is their phone number."""
    if not member.phone:
        raise ValidationError(_("该党员没有登记联系电话，无法开通账号"))
    if User.objects.filter(member=member).exists():
        raise ValidationError(_("该党员已开通账号"))
    if User.objects.filter(username=member.phone).exists():
        raise ValidationError(_("该手机号已被其他账号使用"))
    return user_create(username=member.phone, role=Role.MEMBER, password=password, member=member)


def user_deactivate(*, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def user_activate(*, user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
