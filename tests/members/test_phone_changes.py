"""A secretary in office changes her roster from the phone; nobody else can (issue 9, item 2).

Each change goes through the member services, through the page and the API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from members.models import Member
from members.pii import make_id_number
from tests.factories import MemberFactory, OfficerPostFactory, UserFactory

TODAY = timezone.localdate()


@pytest.fixture
def probationary(branch_a):
    return MemberFactory(
        branch=branch_a,
        name="王小明",
        category=Member.Category.PROBATIONARY,
        full_member_on=None,
        joined_on=TODAY - dt.timedelta(days=400),
    )


@pytest.fixture
def former_secretary(branch_a):
    """A secretary of branch_a whose term ended yesterday."""
    post = OfficerPostFactory(branch=branch_a, term_start=dt.date(2015, 1, 1), term_end=TODAY - dt.timedelta(days=1))
    client = Client()
    client.force_login(UserFactory(username="former", role=Role.SECRETARY, branch=branch_a, member=post.member))
    return client


def _new_member_data(**extra):
    return {
        "name": "赵新",
        "id_number": make_id_number("330203", dt.date(1996, 5, 4), 21),
        "joined_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "phone": "13900001111",
        **extra,
    }


def test_secretary_adds_a_probationary_member_from_the_branch_page(secretary_a, branch_a, group_a):
    page = secretary_a.get(reverse("branches:detail", args=[branch_a.pk])).content.decode()
    add_url = reverse("members:add", args=[branch_a.pk])
    assert add_url in page
    response = secretary_a.post(add_url, _new_member_data(party_group=group_a.pk))
    assert response.status_code == 302, response.content.decode()
    member = Member.objects.get(name="赵新")
    assert (member.category, member.branch, member.party_group) == ("probationary", branch_a, group_a)
    assert (member.name_pinyin, member.name_initials) == ("zhaoxin", "zx")
    assert member.birth_date == dt.date(1996, 5, 4)


def test_add_form_says_what_is_wrong_per_field_in_chinese(secretary_a, branch_a):
    response = secretary_a.post(
        reverse("members:add", args=[branch_a.pk]),
        {"name": "", "id_number": "330203199605040000", "joined_on": "2099-01-01", "phone": "12345"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写姓名"]
    assert "校验位" in errors["id_number"][0]
    assert "手机号" in errors["phone"][0]
    assert "晚于今天" in errors["joined_on"][0]


def test_secretary_edits_a_phone_number(secretary_a, member_a):
    url = reverse("members:edit", args=[member_a.pk])
    assert secretary_a.post(url, {"phone": "138-1234"}).status_code == 400
    response = secretary_a.post(url, {"phone": "13512345678", "job": "村医", "address": member_a.address})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.phone, member_a.job) == ("13512345678", "村医")


def test_party_group_must_be_the_members_branch(secretary_a, member_a, branch_b):
    from tests.factories import PartyGroupFactory

    foreign = PartyGroupFactory(branch=branch_b)
    response = secretary_a.post(reverse("members:edit", args=[member_a.pk]), {"party_group": foreign.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["party_group"] == ["请选择本支部的党小组"]


def test_secretary_marks_floating_and_lost_contact(secretary_a, member_a):
    url = reverse("members:flags", args=[member_a.pk])
    response = secretary_a.post(url, {"is_floating": "on"})
    assert response.status_code == 400
    assert "流入地" in response.context["form"].errors["floating_to"][0]
    response = secretary_a.post(
        url,
        {
            "is_floating": "on",
            "floating_to": "上海市浦东新区",
            "is_lost_contact": "on",
            "lost_contact_since": "2025-03-01",
        },
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.is_floating and member_a.floating_to == "上海市浦东新区"
    assert member_a.is_lost_contact and member_a.lost_contact_since == dt.date(2025, 3, 1)


def test_secretary_records_a_conversion_with_the_meeting_date(secretary_a, probationary):
    url = reverse("members:convert", args=[probationary.pk])
    early = (probationary.joined_on + dt.timedelta(days=100)).isoformat()
    response = secretary_a.post(url, {"conversion_meeting_on": early})
    assert response.status_code == 400
    assert "预备期" in response.context["form"].errors["conversion_meeting_on"][0]
    meeting = (TODAY - dt.timedelta(days=5)).isoformat()
    assert secretary_a.post(url, {"conversion_meeting_on": meeting}).status_code == 302
    probationary.refresh_from_db()
    assert probationary.category == "full"
    assert probationary.conversion_meeting_on == TODAY - dt.timedelta(days=5)
    assert probationary.full_member_on == probationary.joined_on.replace(year=probationary.joined_on.year + 1)


def test_api_does_the_same_changes(secretary_a, branch_a, probationary, member_a):
    data = {**_new_member_data(), "branch": branch_a.pk, "category": "probationary"}
    assert secretary_a.post(reverse("api:members-list"), data, content_type="application/json").status_code == 201
    response = secretary_a.patch(
        reverse("api:members-detail", args=[member_a.pk]), {"phone": "1381234"}, content_type="application/json"
    )
    assert response.status_code == 400 and "手机号" in response.json()["phone"][0]
    response = secretary_a.post(
        reverse("api:members-convert", args=[probationary.pk]),
        {"conversion_meeting_on": (TODAY - dt.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "full"
    response = secretary_a.post(
        reverse("api:members-flags", args=[member_a.pk]),
        {"is_floating": True, "floating_to": "杭州", "is_lost_contact": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["is_floating"] is True


def test_category_cannot_be_patched_past_the_conversion_rule(secretary_a, probationary):
    secretary_a.patch(
        reverse("api:members-detail", args=[probationary.pk]), {"category": "full"}, content_type="application/json"
    )
    probationary.refresh_from_db()
    assert probationary.category == "probationary"


@pytest.mark.parametrize("who", ["former_secretary", "area_head", "member", "town_staff"])
def test_others_cannot_make_any_of_these_changes(request, who, branch_a, member_a, probationary):
    client = request.getfixturevalue(who)
    before = list(Member.objects.order_by("pk").values())
    pages = [
        (reverse("members:add", args=[branch_a.pk]), _new_member_data()),
        (reverse("members:edit", args=[member_a.pk]), {"phone": "13500000000"}),
        (reverse("members:flags", args=[member_a.pk]), {"is_lost_contact": "on", "lost_contact_since": "2025-01-01"}),
        (reverse("members:convert", args=[probationary.pk]), {"conversion_meeting_on": TODAY.isoformat()}),
        (reverse("members:transfer", args=[member_a.pk]), {"kind": "out", "destination": "外地"}),
    ]
    for url, data in pages:
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, data).status_code in (403, 404), url
    api = [
        ("post", reverse("api:members-list"), {**_new_member_data(), "branch": branch_a.pk}),
        ("patch", reverse("api:members-detail", args=[member_a.pk]), {"phone": "13500000000"}),
        (
            "post",
            reverse("api:members-flags", args=[member_a.pk]),
            {"is_floating": True, "floating_to": "x", "is_lost_contact": False},
        ),
        ("post", reverse("api:members-convert", args=[probationary.pk]), {"conversion_meeting_on": TODAY.isoformat()}),
        ("post", reverse("api:members-transfer", args=[member_a.pk]), {"kind": "out", "destination": "外地"}),
    ]
    for method, url, data in api:
        response = getattr(client, method)(url, data, content_type="application/json")
        assert response.status_code in (400, 403, 404), (url, response.status_code)
        if response.status_code == 400:  # the branch field refuses: no write scope there
            assert "branch" in response.json()
    assert list(Member.objects.order_by("pk").values()) == before
    page = client.get(reverse("branches:detail", args=[branch_a.pk]))
    if page.status_code == 200:
        assert reverse("members:add", args=[branch_a.pk]) not in page.content.decode()


def test_the_api_flags_body_must_state_both_booleans(secretary_a, member_a):
    url = reverse("api:members-flags", args=[member_a.pk])
    response = secretary_a.post(url, {"is_floating": "false"})  # a form body leaving out is_lost_contact
    assert response.status_code == 400 and "is_lost_contact" in response.json()
