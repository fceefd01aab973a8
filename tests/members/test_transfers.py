"""The transfer rule (issue 6, hole 8): within the town the receiving side accepts; leaving is a 转出.

Every door that changes a member's branch — page, API, admin, import — goes
through members.transfers and leaves a record.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from branches.models import Branch
from members import transfers
from members.models import Member, MemberTransfer
from tests.factories import BranchFactory, MemberFactory, OfficerPostFactory, UserFactory


@pytest.fixture
def other_town(db):
    """A second town beside 高桥镇, with one branch and its own town admin (a two-town district)."""
    town = BranchFactory(code="XX", name="另一个镇党委", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)
    return BranchFactory(parent=town, code="XX-V01", name="外镇村党支部")


def _transfer(client, member, **data):
    return client.post(reverse("api:members-transfer", args=[member.pk]), data, content_type="application/json")


def test_secretary_cannot_push_a_member_into_another_towns_branch(secretary_a, member_a, other_town):
    response = _transfer(secretary_a, member_a, to_branch=other_town.pk)
    assert response.status_code == 400
    assert "不在本镇" in response.json()["to_branch"][0]
    member_a.refresh_from_db()
    assert member_a.branch.code == "GQ-V01"
    assert not MemberTransfer.objects.exists()
    # She still sees the member.
    assert secretary_a.get(reverse("api:members-detail", args=[member_a.pk])).status_code == 200


def test_transfer_within_the_town_waits_for_the_receiving_secretary(
    secretary_a, secretary_b, member_a, branch_a, branch_b
):
    response = _transfer(secretary_a, member_a, to_branch=branch_b.pk, reason="搬家")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    member_a.refresh_from_db()
    assert member_a.branch == branch_a  # not moved yet

    transfer = MemberTransfer.objects.get(member=member_a)
    # The sender cannot accept her own transfer; the receiving secretary can.
    assert secretary_a.post(reverse("api:transfers-accept", args=[transfer.pk])).status_code == 403
    assert secretary_b.get(reverse("api:transfers-detail", args=[transfer.pk])).status_code == 200
    response = secretary_b.post(reverse("api:transfers-accept", args=[transfer.pk]))
    assert response.status_code == 200, response.content
    member_a.refresh_from_db()
    transfer.refresh_from_db()
    assert member_a.branch == branch_b and member_a.party_group is None
    assert transfer.status == "accepted" and transfer.transferred_on == timezone.localdate()
    assert transfer.decided_by.username == "secretary_b"


def test_receiving_secretary_can_reject_with_a_reason(secretary_a, secretary_b, member_a, branch_a, branch_b):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    transfer = MemberTransfer.objects.get(member=member_a)
    url = reverse("api:transfers-reject", args=[transfer.pk])
    response = secretary_b.post(url, {}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    assert secretary_b.post(url, {"note": "查无此人"}, content_type="application/json").status_code == 200
    member_a.refresh_from_db()
    transfer.refresh_from_db()
    assert member_a.branch == branch_a and transfer.status == "rejected" and transfer.decision_note == "查无此人"


def test_a_town_admin_transfer_is_accepted_at_once(town_admin, member_a, branch_b):
    response = _transfer(town_admin, member_a, to_branch=branch_b.pk)
    assert response.json()["status"] == "accepted"
    member_a.refresh_from_db()
    assert member_a.branch == branch_b


def test_a_town_admin_accepts_on_the_receiving_side(secretary_a, town_admin, member_a, branch_b):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    transfer = MemberTransfer.objects.get(member=member_a)
    assert town_admin.post(reverse("api:transfers-accept", args=[transfer.pk])).status_code == 200
    member_a.refresh_from_db()
    assert member_a.branch == branch_b


def test_one_pending_transfer_at_a_time_and_the_sender_may_cancel(secretary_a, member_a, branch_b, town):
    branch_c = BranchFactory(parent=town, code="GQ-V03")
    assert _transfer(secretary_a, member_a, to_branch=branch_b.pk).status_code == 201
    second = _transfer(secretary_a, member_a, to_branch=branch_c.pk)
    assert second.status_code == 400 and "待接收" in str(second.json())
    transfer = MemberTransfer.objects.get(member=member_a)
    assert secretary_a.post(reverse("api:transfers-cancel", args=[transfer.pk])).status_code == 200
    assert _transfer(secretary_a, member_a, to_branch=branch_c.pk).status_code == 201


def test_leaving_the_town_is_a_transfer_out_with_the_destination(secretary_a, member_a, branch_a):
    response = _transfer(secretary_a, member_a, kind="out")
    assert response.status_code == 400 and "转往" in response.json()["destination"][0]
    response = _transfer(secretary_a, member_a, kind="out", destination="中共宁波市鄞州区某街道某社区委员会")
    assert response.status_code == 201
    member_a.refresh_from_db()
    assert member_a.branch == branch_a and member_a.transferred_out_on == timezone.localdate()
    transfer = MemberTransfer.objects.get(member=member_a)
    assert (transfer.kind, transfer.status, transfer.to_branch) == ("out", "accepted", None)
    # Kept on record, no longer counted.
    assert not Member.objects.counted().filter(pk=member_a.pk).exists()
    html = secretary_a.get(reverse("members:detail", args=[member_a.pk])).content.decode()
    assert "转出本镇" in html or "转出至" in html


def test_receiving_secretary_sees_the_pending_transfer_on_her_page(secretary_a, secretary_b, member_a, branch_b):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    html = secretary_b.get(reverse("members:transfers")).content.decode()
    assert member_a.name in html and "接收" in html
    transfer = MemberTransfer.objects.get(member=member_a)
    response = secretary_b.post(reverse("members:transfer-accept", args=[transfer.pk]))
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.branch == branch_b


def test_start_a_transfer_on_the_page(secretary_a, member_a, branch_b, other_town):
    url = reverse("members:transfer", args=[member_a.pk])
    page = secretary_a.get(url).content.decode()
    assert branch_b.name in page and other_town.name not in page  # only the town's branches are offered
    response = secretary_a.post(url, {"kind": "within", "to_branch": other_town.pk})
    assert response.status_code == 400
    response = secretary_a.post(url, {"kind": "within", "to_branch": branch_b.pk, "reason": "工作调动"})
    assert response.status_code == 302
    assert MemberTransfer.objects.get(member=member_a).status == "pending"


def test_the_service_refuses_a_caller_without_write_on_the_member(member_a, branch_b, area_head_user):
    with pytest.raises(PermissionDenied):
        transfers.transfer_start(member=member_a, to_branch=branch_b, by=area_head_user)


def test_accepting_after_the_member_moved_elsewhere_fails_cleanly(secretary_a_user, member_a, branch_b, town):
    pending = transfers.transfer_start(member=member_a, to_branch=branch_b, by=secretary_a_user)
    branch_c = BranchFactory(parent=town, code="GQ-V03")
    transfers.transfers_record_moves(moves=[(member_a.pk, member_a.branch_id, branch_c.pk)], by=None)
    Member.objects.filter(pk=member_a.pk).update(branch=branch_c)
    pending.refresh_from_db()
    assert pending.status == "cancelled"  # the import's move made it lapse
    with pytest.raises(ValidationError):
        transfers.transfer_accept(transfer=pending, by=None)


def test_changing_the_branch_in_the_admin_records_a_transfer(town_admin, member_a, branch_a, branch_b):
    url = reverse("admin:members_member_change", args=[member_a.pk])
    form = town_admin.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update(branch=branch_b.pk, party_group="", name="张三丰")
    for k, v in list(data.items()):
        if isinstance(v, dt.date):
            data[k] = v.isoformat()
        if isinstance(v, bool) and not v:
            data.pop(k)
    response = town_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    member_a.refresh_from_db()
    assert member_a.branch == branch_b and member_a.name == "张三丰"
    transfer = MemberTransfer.objects.get(member=member_a)
    assert (transfer.from_branch, transfer.to_branch, transfer.status) == (branch_a, branch_b, "accepted")
    assert transfer.recorded_by.username == "town_admin"


def test_admin_transfer_records_cannot_be_typed_in(town_admin):
    assert town_admin.get(reverse("admin:members_membertransfer_add")).status_code == 403


def test_a_town_admin_of_another_town_cannot_accept_here(secretary_a, member_a, branch_b, other_town):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    transfer = MemberTransfer.objects.get(member=member_a)
    client = Client()
    client.force_login(
        UserFactory(username="xx_admin", role=Role.TOWN_ADMIN, branch=other_town.get_parent(), is_staff=True)
    )
    assert client.post(reverse("api:transfers-accept", args=[transfer.pk])).status_code == 404


def test_secretary_out_of_office_cannot_transfer(db, branch_a, branch_b, member_a):
    post = OfficerPostFactory(
        branch=branch_a, term_start=dt.date(2015, 1, 1), term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    client = Client()
    client.force_login(UserFactory(username="old_sec", role=Role.SECRETARY, branch=branch_a, member=post.member))
    assert _transfer(client, member_a, to_branch=branch_b.pk).status_code == 403
    assert client.post(reverse("members:transfer", args=[member_a.pk]), {"kind": "within"}).status_code == 403
    assert not MemberTransfer.objects.exists()


def test_member_factory_members_in_another_town_are_not_targets(member_a, other_town):
    from members.selectors import transfer_targets_for

    assert other_town not in transfer_targets_for(member_a)
    assert MemberFactory(branch=other_town).branch == other_town


def test_a_town_admin_accepts_a_transfer_with_the_admin_action(secretary_a, town_admin, member_a, branch_b):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    transfer = MemberTransfer.objects.get(member=member_a)
    assert transfer.status == "pending"
    response = town_admin.post(
        reverse("admin:members_membertransfer_changelist"),
        {"action": "accept", "_selected_action": [transfer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    transfer.refresh_from_db()
    member_a.refresh_from_db()
    assert transfer.status == "accepted" and member_a.branch == branch_b
    assert "已接收 1 项转接" in response.content.decode()


def test_town_staff_cannot_accept_with_the_admin_action(secretary_a, town_staff, member_a, branch_b):
    _transfer(secretary_a, member_a, to_branch=branch_b.pk)
    transfer = MemberTransfer.objects.get(member=member_a)
    town_staff.post(
        reverse("admin:members_membertransfer_changelist"), {"action": "accept", "_selected_action": [transfer.pk]}
    )
    transfer.refresh_from_db()
    assert transfer.status == "pending"
