"""The one transfer service: every change of a member's branch goes through here.

The rule:

* Within the town (镇内转接) a transfer is *started* by someone who may write
  the member's branch and *waits* (pending) until someone who may write the
  receiving branch — its secretary in office, or a town admin — accepts it.
  The member moves on acceptance, never before. When the one who starts it may
  also write the receiving branch (a town admin), it is accepted at once.
* Leaving the town (转出) is recorded with the destination written out: the
  member stays on record at the old branch, marked transferred out, and is no
  longer counted. A branch of another town in the system is never a target:
  a secretary cannot push a member out of her sight into someone else's tree.
* The page, the API, the admin and the roster import all call these
  functions; ``by=None`` is the system (a command run without a user).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch
from branches.selectors import town_of

from .models import Member, MemberTransfer

Kind, Status = MemberTransfer.Kind, MemberTransfer.Status


def _may_write(by, branch: Branch | None) -> bool:
    return by is None or scope_for(by).covers(Cap.WRITE, branch)


def _move(member: Member, to_branch: Branch) -> None:
    member.branch = to_branch
    member.party_group = None  # groups belong to the old branch
    member.save(update_fields=["branch", "party_group", "updated_at"])


@transaction.atomic
def transfer_start(
    *,
    member: Member,
    to_branch: Branch | None = None,
    destination: str = "",
    kind: str = Kind.WITHIN,
    on: dt.date | None = None,
    reason: str = "",
    by=None,
) -> MemberTransfer:
    """Start a transfer of ``member``: within the town to ``to_branch``, or out of it to ``destination``."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if not _may_write(by, member.branch):
        raise PermissionDenied
    today = timezone.localdate()
    on = on or today
    errors: dict[str, str] = {}
    if member.transferred_out_on:
        raise ValidationError(_("该党员的组织关系已转出本镇"))
    if member.transfers.filter(status=Status.PENDING).exists():
        raise ValidationError(_("该党员已有一项待接收的转接，请等对方处理或先撤回"))
    if on > today:
        errors["on"] = _("转接日期不能晚于今天")
    destination = destination.strip()
    if kind == Kind.OUT:
        if not destination:
            errors["destination"] = _("请写明转往的党组织全称")
        to_branch = None
    elif kind == Kind.WITHIN:
        if to_branch is None:
            errors["to_branch"] = _("请选择转入的党组织")
        elif to_branch.pk == member.branch_id:
            errors["to_branch"] = _("转入组织与当前所在组织相同")
        elif not to_branch.is_active:
            errors["to_branch"] = _("转入组织已撤销")
        elif town_of(to_branch) != town_of(member.branch):
            errors["to_branch"] = _("转入组织不在本镇：转往镇外请选择“转出本镇”并写明转往的党组织")
        destination = ""
    else:
        errors["kind"] = _("转接类型不正确")
    if errors:
        raise ValidationError(errors)

    transfer = MemberTransfer(
        member=member,
        kind=kind,
        status=Status.PENDING,
        from_branch_id=member.branch_id,
        to_branch=to_branch,
        destination=destination,
        requested_on=on,
        reason=reason.strip(),
        recorded_by=by if by is not None and by.pk else None,
    )
    # 转出 takes effect when recorded; within the town the receiving side decides,
    # unless the one who starts it may write there too.
    if kind == Kind.OUT or _may_write(by, to_branch):
        _decide(transfer, accepted=True, by=by, on=on)
        if kind == Kind.OUT:
            member.transferred_out_on = on
            member.party_group = None
            member.save(update_fields=["transferred_out_on", "party_group", "updated_at"])
        else:
            _move(member, to_branch)
    transfer.full_clean()
    transfer.save()
    return transfer


def _decide(transfer: MemberTransfer, *, accepted: bool, by, on: dt.date | None = None, note: str = "") -> None:
    transfer.status = Status.ACCEPTED if accepted else Status.REJECTED
    transfer.transferred_on = (on or timezone.localdate()) if accepted else None
    transfer.decided_by = by if by is not None and by.pk else None
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()


def _pending(transfer: MemberTransfer) -> MemberTransfer:
    transfer = (
        MemberTransfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_branch", "to_branch")
        .get(pk=transfer.pk)
    )
    if transfer.status != Status.PENDING:
        raise ValidationError(_("该转接已处理，不能再次处理"))
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: MemberTransfer, by, on: dt.date | None = None) -> MemberTransfer:
    """The receiving branch takes the member in: the member moves now."""
    transfer = _pending(transfer)
    if not _may_write(by, transfer.to_branch):
        raise PermissionDenied
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if member.branch_id != transfer.from_branch_id or member.transferred_out_on:
        transfer.status = Status.CANCELLED
        transfer.decision_note = _("党员所在组织已变化，此转接失效")
        transfer.save(update_fields=["status", "decision_note"])
        raise ValidationError(_("党员所在组织已变化，此转接已失效"))
    _decide(transfer, accepted=True, by=by, on=max(on or timezone.localdate(), transfer.requested_on))
    transfer.save()
    _move(member, transfer.to_branch)
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: MemberTransfer, by, note: str = "") -> MemberTransfer:
    """The receiving branch sends it back; the member stays where they are."""
    transfer = _pending(transfer)
    if not _may_write(by, transfer.to_branch):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("请写明退回原因")})
    _decide(transfer, accepted=False, by=by, note=note)
    transfer.save()
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: MemberTransfer, by) -> MemberTransfer:
    """The sending branch takes a transfer back before it is accepted."""
    transfer = _pending(transfer)
    if not _may_write(by, transfer.from_branch):
        raise PermissionDenied
    transfer.status = Status.CANCELLED
    transfer.decided_by = by if by is not None and by.pk else None
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    return transfer


def transfers_record_moves(
    *, moves: Iterable[tuple[int, int, int]], by, on: dt.date | None = None, reason: str = ""
) -> list[MemberTransfer]:
    """Records for moves a bulk write (the roster import) has made: (member id, from, to).

    The importer holds write over both ends (the import refuses rows outside
    its scope), so these are accepted at once, exactly as :func:`transfer_start`
    would for them. Pending transfers of those members lapse.
    """
    on = on or timezone.localdate()
    now = timezone.now()
    by = by if by is not None and by.pk else None
    records = [
        MemberTransfer(
            member_id=member_id,
            kind=Kind.WITHIN,
            status=Status.ACCEPTED,
            from_branch_id=from_id,
            to_branch_id=to_id,
            requested_on=on,
            transferred_on=on,
            reason=reason,
            recorded_by=by,
            decided_by=by,
            decided_at=now,
        )
        for member_id, from_id, to_id in moves
    ]
    if records:
        MemberTransfer.objects.filter(member_id__in=[r.member_id for r in records], status=Status.PENDING).update(
            status=Status.CANCELLED, decision_note=_("名册导入已变更所在组织，此转接失效")
        )
        MemberTransfer.objects.bulk_create(records, batch_size=1000)
    return records
