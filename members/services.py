from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch

from .models import Member, MemberTransfer

# Changing these goes through member_transfer, so the history is kept.
_NOT_BY_UPDATE = {"branch", "branch_id", "id", "pk"}


def member_create(
    *,
    name: str,
    id_number: str,
    branch: Branch,
    joined_on: dt.date,
    category: str = Member.Category.FULL,
    **details: Any,
) -> Member:
    """A new member: the required roster fields by name, any other ``Member`` field in ``details``.

    ``gender`` and ``birth_date`` follow from the ID number when not given; ``full_clean`` checks the rest.
    """
    member = Member(
        name=name, id_number=id_number, branch=branch, joined_on=joined_on, category=category, **details
    )
    member.full_clean()
    member.save()
    return member


def member_update(*, member: Member, **fields: Any) -> Member:
    bad = _NOT_BY_UPDATE.intersection(fields)
    if bad:
        raise ValueError(f"use member_transfer to change {sorted(bad)}")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_transfer(
    *, member: Member, to_branch: Branch, on: dt.date | None = None, reason: str = "", by=None
) -> MemberTransfer:
    """Move a member to another branch, keeping where they were and when."""
    if to_branch.pk == member.branch_id:
        raise ValidationError({"to_branch": _("转入组织与当前所在组织相同")})
    if not to_branch.is_active:
        raise ValidationError({"to_branch": _("转入组织已撤销")})
    transfer = MemberTransfer.objects.create(
        member=member,
        from_branch_id=member.branch_id,
        to_branch=to_branch,
        transferred_on=on or timezone.localdate(),
        reason=reason,
        recorded_by=by,
    )
    member.branch = to_branch
    member.party_group = None  # groups belong to the old branch
    member.save(update_fields=["branch", "party_group", "updated_at"])
    return transfer


def member_set_standing(*, member: Member, standing: str, on: dt.date | None = None) -> Member:
    member.standing = standing
    member.standing_since = on or timezone.localdate()
    member.full_clean()
    member.save(update_fields=["standing", "standing_since", "updated_at"])
    return member


def member_convert_to_full(*, member: Member, on: dt.date | None = None) -> Member:
    if member.category != Member.Category.PROBATIONARY:
        raise ValidationError(_("只有预备党员可以转正"))
    member.category = Member.Category.FULL
    member.full_member_on = on or timezone.localdate()
    member.full_clean()
    member.save(update_fields=["category", "full_member_on", "updated_at"])
    return member
