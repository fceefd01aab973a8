"""Rows for a secretary's day-to-day changes (members:add/edit/flags/convert/transfer) and transfers.

"own" members and branches sit in branch_a (secretary_a's, in the area head's
area), "other" ones in branch_b. Transfers have a third branch, branch_c, at
the other end, so each pair of transfers splits the roles like the tree does.
"""

from __future__ import annotations

from . import API_LOGGED_IN, DENY, LOGGED_IN, LOGIN, OK, Row, everyone, scoped


def _writers(ok: str, *, anonymous: str = LOGIN) -> dict:
    """Only who may write the object's branch gets ``ok``: the town admin, secretary_a on own, secretary_b on other."""
    return {
        "anonymous": (anonymous, anonymous),
        "town_admin": (ok, ok),
        "town_staff": (DENY, DENY),
        "area_head": (DENY, DENY),
        "secretary_a": (ok, DENY),
        "secretary_b": (DENY, ok),
        "member": (DENY, DENY),
    }


ROWS: dict[tuple[str, str], Row] = {
    ("favicon", "get"): Row(everyone(OK)),  # a redirect to the static file
    # Pages. An empty POST comes back with its errors (400) where a field is required.
    ("members:add", "get"): Row(_writers(OK), target="branch"),
    ("members:add", "post"): Row(_writers("400"), target="branch"),
    ("members:edit", "get"): Row(_writers(OK), target="member"),
    ("members:edit", "post"): Row(_writers(OK), target="member"),  # every field may be left empty
    ("members:flags", "get"): Row(_writers(OK), target="member"),
    ("members:flags", "post"): Row(_writers(OK), target="member"),  # unticked: neither floating nor lost
    # member_a and member_b are full members: the page sends the writer back to the record.
    ("members:convert", "get"): Row(_writers(OK), target="member"),
    ("members:convert", "post"): Row(_writers(OK), target="member"),
    ("members:transfer", "get"): Row(_writers(OK), target="member"),
    ("members:transfer", "post"): Row(_writers("400"), target="member"),
    ("members:transfers", "get"): Row({**LOGGED_IN, "member": DENY}),
    # Accept/reject: own waits for branch_a, other for branch_b. Cancel: own was sent by branch_a.
    ("members:transfer-accept", "post"): Row(_writers(OK), target="transfer_accept"),
    ("members:transfer-reject", "post"): Row(_writers(OK), target="transfer_reject"),  # no reason: told so
    ("members:transfer-cancel", "post"): Row(_writers(OK), target="transfer_cancel"),
    # API.
    ("api:members-convert", "post"): Row(_writers("400", anonymous=DENY), target="member"),
    # The API body states both booleans (a form body that leaves one out is a 400, portal.api.RequiredBooleanField).
    ("api:members-flags", "post"): Row(
        _writers(OK, anonymous=DENY), target="member", data={"is_floating": "false", "is_lost_contact": "false"}
    ),
    ("api:transfers-list", "get"): Row(API_LOGGED_IN),
    ("api:transfers-detail", "get"): Row(scoped(DENY), target="transfer_view"),
    ("api:transfers-accept", "post"): Row(_writers(OK, anonymous=DENY), target="api_transfer_accept"),
    ("api:transfers-reject", "post"): Row(_writers("400", anonymous=DENY), target="api_transfer_reject"),
    ("api:transfers-cancel", "post"): Row(_writers(OK, anonymous=DENY), target="api_transfer_cancel"),
}


def targets(request, world: dict) -> dict:
    from django.utils import timezone

    from branches.models import Branch
    from members.models import MemberTransfer
    from tests.factories import BranchFactory, MemberFactory

    branch_a = Branch.objects.get(pk=world["branch"][0])
    branch_b = Branch.objects.get(pk=world["branch"][1])
    branch_c = BranchFactory(parent=branch_a.get_parent(), code="GQ-V99", name="第三村党支部")
    today = timezone.localdate()

    def pending(src: Branch, dst: Branch) -> int:
        member = MemberFactory(branch=src)
        return MemberTransfer.objects.create(
            member=member, kind="within", status="pending", from_branch=src, to_branch=dst, requested_on=today
        ).pk

    found = {"transfer_view": (pending(branch_a, branch_c), pending(branch_b, branch_c))}
    for prefix in ("", "api_"):
        found[f"{prefix}transfer_accept"] = (pending(branch_c, branch_a), pending(branch_c, branch_b))
        found[f"{prefix}transfer_reject"] = (pending(branch_c, branch_a), pending(branch_c, branch_b))
        found[f"{prefix}transfer_cancel"] = (pending(branch_a, branch_c), pending(branch_b, branch_c))
    return found
