import datetime as dt

import pytest
from django.urls import reverse

from members.models import Member, MemberTransfer
from members.pii import make_id_number
from tests.factories import MemberFactory

LIST = reverse("api:members-list")


def detail(member):
    return reverse("api:members-detail", args=[member.pk])


def test_anonymous_gets_nothing(anonymous, member_a):
    assert anonymous.get(LIST).status_code in (401, 403)
    assert anonymous.get(detail(member_a)).status_code in (401, 403)


def test_secretary_lists_only_own_branch_with_full_data(secretary_a, member_a, member_b):
    rows = secretary_a.get(LIST).json()["results"]
    names = {r["name"] for r in rows}
    assert "张三" in names and "李四" not in names
    row = next(r for r in rows if r["name"] == "张三")
    assert row["phone"] == "13812345678"
    assert row["personal_data_masked"] is False


def test_area_head_sees_masked_personal_data(area_head, member_a):
    row = area_head.get(detail(member_a)).json()
    assert row["phone"] == "138****5678"
    assert row["id_number"] == member_a.id_number[:6] + "*" * 10 + member_a.id_number[-2:]
    assert member_a.address not in str(row)
    assert row["personal_data_masked"] is True


def test_secretary_cannot_read_other_branch_member(secretary_a, member_b):
    assert secretary_a.get(detail(member_b)).status_code == 404


def test_town_staff_cannot_edit(town_staff, member_a):
    response = town_staff.patch(detail(member_a), {"job": "工人"}, content_type="application/json")
    assert response.status_code == 403
    member_a.refresh_from_db()
    assert member_a.job == "农民"


def test_secretary_edits_own_member(secretary_a, member_a):
    response = secretary_a.patch(detail(member_a), {"job": "工人"}, content_type="application/json")
    assert response.status_code == 200, response.content
    member_a.refresh_from_db()
    assert member_a.job == "工人"


def test_create_fills_birth_date_and_gender_from_id_number(secretary_a, branch_a):
    number = make_id_number("330203", dt.date(1990, 3, 5), 123)  # 17th digit 3: male
    payload = {
        "name": "王五",
        "id_number": number.lower(),
        "branch": branch_a.pk,
        "joined_on": "2015-07-01",
        "full_member_on": "2016-07-01",
    }
    response = secretary_a.post(LIST, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = Member.objects.get(id_number=number)
    assert created.birth_date == dt.date(1990, 3, 5)
    assert created.gender == "M"


def test_create_rejects_bad_check_digit_with_chinese_reason(secretary_a, branch_a):
    number = make_id_number("330203", dt.date(1990, 3, 5), 123)
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = secretary_a.post(
        LIST, {"name": "王五", "id_number": bad, "branch": branch_a.pk, "joined_on": "2015-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "校验位" in response.json()["id_number"][0]
    assert not Member.objects.filter(name="王五").exists()


def test_secretary_cannot_create_in_other_branch(secretary_a, branch_b):
    number = make_id_number("330203", dt.date(1991, 1, 1), 11)
    response = secretary_a.post(
        LIST, {"name": "赵六", "id_number": number, "branch": branch_b.pk, "joined_on": "2015-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Member.objects.filter(name="赵六").exists()


def test_transfer_keeps_history(town_admin, member_a, branch_b):
    old_branch = member_a.branch
    response = town_admin.post(
        reverse("api:members-transfer", args=[member_a.pk]),
        {"to_branch": branch_b.pk, "on": "2026-03-01", "reason": "工作调动"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    member_a.refresh_from_db()
    assert member_a.branch == branch_b
    transfer = MemberTransfer.objects.get(member=member_a)
    assert (transfer.from_branch, transfer.to_branch, transfer.transferred_on) == (
        old_branch,
        branch_b,
        dt.date(2026, 3, 1),
    )
    history = town_admin.get(reverse("api:members-transfers", args=[member_a.pk])).json()
    assert history["count"] == 1
    assert history["results"][0]["from_branch_name"] == old_branch.name


def test_member_sees_own_record_only(member, member_a, member_b):
    rows = member.get(LIST).json()["results"]
    assert [r["name"] for r in rows] == ["张三"]
    assert rows[0]["phone"] == "13812345678"


@pytest.mark.parametrize(
    "filter_, matching, other",
    [
        (
            {"category": "probationary"},
            {"category": Member.Category.PROBATIONARY, "full_member_on": None},
            {"category": Member.Category.FULL},
        ),
        (
            {"standing": "normal"},
            {"standing": Member.Standing.NORMAL},
            {"standing": Member.Standing.SUSPENDED, "standing_since": dt.date(2024, 1, 1)},
        ),
    ],
)
def test_filters_apply(town_admin, branch_a, filter_, matching, other):
    MemberFactory(branch=branch_a, name="符合", **matching)
    MemberFactory(branch=branch_a, name="不符合", **other)
    response = town_admin.get(LIST, filter_)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["符合"]
    assert all(r[k] == v for r in rows for k, v in filter_.items())


def test_token_auth_works(town_admin_user, member_a):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=town_admin_user).key}")
    assert client.get(LIST).status_code == 200
