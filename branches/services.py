from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for

from .models import Area, Branch, OfficerPost, PartyGroup

# treebeard's positions: these put the branch under the reference node, the rest beside it.
_CHILD_POSITIONS = {"first-child", "last-child", "sorted-child"}


@transaction.atomic
def branch_create(
    *,
    code: str,
    name: str,
    kind: str,
    unit: str,
    parent: Branch | None = None,
    area: Area | None = None,
    founded_on: dt.date | None = None,
) -> Branch:
    branch = Branch(code=code, name=name, kind=kind, unit=unit, area=area, founded_on=founded_on)
    branch.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Branch.add_root(instance=branch)
    return parent.add_child(instance=branch)


@transaction.atomic
def branch_dissolve(*, branch: Branch, on: dt.date) -> Branch:
    branch.is_active = False
    branch.dissolved_on = on
    branch.full_clean(exclude=["path", "depth", "numchild"])
    branch.save(update_fields=["is_active", "dissolved_on", "updated_at"])
    return branch


def party_group_create(*, branch: Branch, name: str) -> PartyGroup:
    group = PartyGroup(branch=branch, name=name)
    group.full_clean()
    group.save()
    return group


def officer_post_assign(
    *, branch: Branch, member, post: str, term_start: dt.date, term_end: dt.date | None = None
) -> OfficerPost:
    officer = OfficerPost(branch=branch, member=member, post=post, term_start=term_start, term_end=term_end)
    officer.full_clean()
    officer.save()
    return officer


def officer_post_end(*, officer: OfficerPost, on: dt.date) -> OfficerPost:
    officer.term_end = on
    officer.full_clean()
    officer.save(update_fields=["term_end"])
    return officer


def branch_new_parent(*, target: Branch | None, pos: str) -> Branch | None:
    """The parent a branch gets when moved to ``pos`` of ``target`` (None: a root of the tree)."""
    if target is None:
        return None
    return target if pos in _CHILD_POSITIONS else target.get_parent()


def branch_move_check(*, user, branch: Branch | None, new_parent: Branch | None) -> None:
    """A branch is moved (or added) only by someone who may write it and its new parent.

    Staying under the same parent (reordering, or saving a form unchanged) needs
    write scope on the branch alone. Only a superuser makes a new root.
    """
    scope = scope_for(user)
    if branch is not None and branch.pk:
        if not scope.covers(Cap.WRITE, branch):
            raise PermissionDenied(_("无权调整该党组织"))
        current = branch.get_parent(update=True)
        if (current.pk if current else None) == (new_parent.pk if new_parent else None):
            return
    if not (scope.everything if new_parent is None else scope.covers(Cap.WRITE, new_parent)):
        raise PermissionDenied(_("无权将党组织移动到该位置"))


@transaction.atomic
def branch_move(*, branch: Branch, target: Branch, pos: str, by) -> Branch:
    """Move ``branch`` to ``pos`` of ``target`` (treebeard's positions), if ``by`` may write both ends."""
    branch_move_check(user=by, branch=branch, new_parent=branch_new_parent(target=target, pos=pos))
    branch.move(target, pos=pos)
    moved = Branch.objects.get(pk=branch.pk)
    moved.save()  # signal handlers (history) see the move
    return moved
