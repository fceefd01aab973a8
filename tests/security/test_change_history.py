"""Hole 11: change history on members, branches, officer posts and logins — who, what, when, which door."""

from __future__ import annotations

import json

from django.urls import reverse

from accounts.models import Role, User
from branches.models import Branch, OfficerPost
from members.models import Member

from .test_admin_doors import _form_data


def test_an_admin_change_to_a_member_is_recorded_with_who_and_door(district):
    url = reverse("admin:members_member_change", args=[district.east_member.pk])
    data = _form_data(district.admin, url)
    data["job"] = "村会计"
    assert district.admin.post(url, data).status_code == 302
    record = Member.history.filter(id=district.east_member.pk).latest("history_date")
    assert (record.history_user, record.history_door, record.job) == (district.east_admin, "admin", "村会计")
    assert record.history_type == "~"


def test_an_api_change_is_recorded_as_the_api(secretary_a, secretary_a_user, member_a):
    response = secretary_a.patch(
        reverse("api:members-detail", args=[member_a.pk]),
        json.dumps({"job": "网格员"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    record = Member.history.filter(id=member_a.pk).latest("history_date")
    assert (record.history_user, record.history_door, record.job) == (secretary_a_user, "api", "网格员")


def test_history_is_shown_to_the_town_admin_on_the_record(district):
    url = reverse("admin:members_member_change", args=[district.east_member.pk])
    data = _form_data(district.admin, url)
    data["job"] = "村会计"
    district.admin.post(url, data)
    page = district.admin.get(reverse("admin:members_member_history", args=[district.east_member.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "east_admin" in text and "管理后台" in text


def test_another_towns_admin_sees_no_history_of_ours(district):
    other = User.objects.create(username="west_admin", role=Role.TOWN_ADMIN, branch=district.west, is_staff=True)
    from .conftest import login

    client = login(other)
    response = client.get(reverse("admin:members_member_history", args=[district.east_member.pk]))
    assert response.status_code in (302, 403, 404)
    assert "东甲" not in response.content.decode()


def test_branch_move_officer_post_and_login_changes_are_recorded(district):
    district.admin.post(
        reverse("admin:branches_branch_move"),
        {"node_id": district.east_branch2.pk, "sibling_id": district.east_branch.pk, "as_child": 1},
    )
    moved = Branch.history.filter(id=district.east_branch2.pk).latest("history_date")
    assert moved.history_user == district.east_admin and moved.history_door == "admin"
    assert moved.path.startswith(Branch.objects.get(pk=district.east_branch.pk).path)

    district.admin.post(
        reverse("admin:branches_officerpost_add"),
        {
            "branch": district.east_branch.pk,
            "member": district.east_member.pk,
            "post": "secretary",
            "term_start": "2024-01-01",
        },
    )
    post = OfficerPost.history.get(branch_id=district.east_branch.pk)
    assert (post.history_type, post.history_user) == ("+", district.east_admin)

    secretary = User.objects.create(username="east_sec", role=Role.SECRETARY, branch=district.east_branch)
    district.admin.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [secretary.pk]}
    )
    change = User.history.filter(id=secretary.pk).latest("history_date")
    assert change.is_active is False and change.history_user == district.east_admin
    assert not hasattr(change, "password")  # a hash never lands in the history
