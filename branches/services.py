from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Area, Branch, OfficerPost, PartyGroup


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
