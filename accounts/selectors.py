from __future__ import annotations

from django.db.models import QuerySet

from .models import User
from .scope import Cap, scope_for


def users_manageable_by(user) -> QuerySet[User]:
    """Logins a town admin may manage: those tied to their part of the tree."""
    scope = scope_for(user)
    if scope.everything:
        return User.objects.all()
    if not scope.has(Cap.MANAGE_LOGINS):
        return User.objects.none()
    return User.objects.filter(
        scope.q(Cap.MANAGE_LOGINS, "branch__")
        | scope.q(Cap.MANAGE_LOGINS, "area__town__")
        | scope.q(Cap.MANAGE_LOGINS, "member__branch__"),
        is_superuser=False,
    )


def may_manage_logins(user) -> bool:
    return user.is_active and user.is_staff and scope_for(user).has(Cap.MANAGE_LOGINS)
