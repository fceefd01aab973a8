"""Writes to the roster. Every door (page, API, admin, import, command) calls these.

A member's branch changes only through the transfer service (``members.transfers``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch

from .models import Member, MemberTransfer
from .transfers import transfer_accept, transfer_cancel, transfer_reject, transfer_start

__all__ = [
    "member_add_probationary",
    "member_convert_to_full",
    "member_create",
    "member_insert",
    "member_set_flags",
    "member_set_standing",
    "member_transfer",
    "member_update",
    "transfer_accept",
    "transfer_cancel",
    "transfer_reject",
    "transfer_start",
]

# Changing these goes through the transfer service, so the history is kept;
# category and the conversion through member_convert_to_full.
_NOT_BY_UPDATE = {"branch", "branch_id", "id", "pk", "transferred_out_on"}


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
    return member_insert(member=member)


def member_insert(*, member: Member) -> Member:
    """Save a new member built elsewhere (the admin's form)."""
    member.full_clean()
    member.save()
    return member


def member_add_probationary(*, branch: Branch, joined_on: dt.date, **fields: Any) -> Member:
    """A new probationary member (预备党员) of ``branch``, from the day they were admitted."""
    return member_create(
        branch=branch, joined_on=joined_on, category=Member.Category.PROBATIONARY, full_member_on=None, **fields
    )


def member_update(*, member: Member, **fields: Any) -> Member:
    bad = _NOT_BY_UPDATE.intersection(fields)
    if bad:
        raise ValueError(f"use the transfer service to change {sorted(bad)}")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    return member


def member_set_flags(
    *,
    member: Member,
    is_floating: bool,
    floating_to: str = "",
    is_lost_contact: bool,
    lost_contact_since: dt.date | None = None,
) -> Member:
    """Mark or clear 流动党员 (with where they went) and 失联党员 (with since when)."""
    errors: dict[str, str] = {}
    floating_to = floating_to.strip()
    if is_floating and not floating_to:
        errors["floating_to"] = _("请填写流入地（外出务工、居住的地方）")
    if is_lost_contact and not lost_contact_since:
        errors["lost_contact_since"] = _("请填写失去联系的日期")
    if lost_contact_since and lost_contact_since > timezone.localdate():
        errors["lost_contact_since"] = _("失联日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    return member_update(
        member=member,
        is_floating=is_floating,
        floating_to=floating_to if is_floating else "",
        is_lost_contact=is_lost_contact,
        lost_contact_since=lost_contact_since if is_lost_contact else None,
    )


def member_transfer(
    *, member: Member, to_branch: Branch, on: dt.date | None = None, reason: str = "", by=None
) -> MemberTransfer:
    """A move within the town (see ``members.transfers.transfer_start``)."""
    return transfer_start(member=member, to_branch=to_branch, on=on, reason=reason, by=by)


def member_set_standing(*, member: Member, standing: str, on: dt.date | None = None) -> Member:
    member.standing = standing
    member.standing_since = on or timezone.localdate()
    member.full_clean()
    member.save(update_fields=["standing", "standing_since", "updated_at"])
    return member


@transaction.atomic
def member_convert_to_full(*, member: Member, on: dt.date | None = None, meeting_on: dt.date | None = None) -> Member:
    """Record 转正, decided by the members' meeting (支部党员大会) held on ``meeting_on``.

    Full membership counts from ``on``, by default the day the probation year
    ends (入党日期满一年), which is how the conversion is dated when the meeting
    approves it on time.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.category != Member.Category.PROBATIONARY:
        raise ValidationError(_("只有预备党员可以转正"))
    today = timezone.localdate()
    probation_ends = _one_year_after(member.joined_on)
    errors: dict[str, str] = {}
    if meeting_on is not None:
        if meeting_on > today:
            errors["conversion_meeting_on"] = _("党员大会日期不能晚于今天")
        elif meeting_on < probation_ends:
            errors["conversion_meeting_on"] = _("预备期（至 %(day)s）未满，党员大会尚不能讨论转正") % {
                "day": probation_ends.isoformat()
            }
        on = on or probation_ends
    on = on or today
    if on > today:
        errors["full_member_on"] = _("转正日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    member.category = Member.Category.FULL
    member.full_member_on = on
    member.conversion_meeting_on = meeting_on
    member.full_clean()
    member.save(update_fields=["category", "full_member_on", "conversion_meeting_on", "updated_at"])
    return member


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
