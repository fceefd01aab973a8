"""Holes 1 and 4: every admin door goes through the scope (tree move, import, export, actions, form choices)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from accounts.models import Role, User
from branches.models import Branch, OfficerPost, PartyGroup
from members.models import Member

from .conftest import paths

MOVE = "admin:branches_branch_move"


def _form_data(client, url: str) -> dict:
    """What the admin's change form would post back unchanged."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or hasattr(value, "field"):  # unset, unticked, a file
            continue
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


# -- hole 1: the tree's move view ------------------------------------------------------------


def test_read_only_town_staff_cannot_move_a_branch(district):
    before = paths(district.east_branch, district.east_branch2)
    response = district.office.post(
        reverse(MOVE), {"node_id": district.east_branch2.pk, "sibling_id": district.east_branch.pk, "as_child": 1}
    )
    assert response.status_code == 403
    assert paths(district.east_branch, district.east_branch2) == before


def test_probe_office_moving_across_towns_is_refused(district):
    before = paths(district.west_branch, district.east_branch)
    response = district.office.post(
        reverse(MOVE), {"node_id": district.west_branch.pk, "sibling_id": district.east_branch.pk, "as_child": 1}
    )
    assert response.status_code in (403, 404)
    assert paths(district.west_branch, district.east_branch) == before


def test_town_admin_moves_a_branch_within_the_town(district):
    response = district.admin.post(
        reverse(MOVE), {"node_id": district.east_branch2.pk, "sibling_id": district.east_branch.pk, "as_child": 1}
    )
    assert response.status_code == 200
    moved = Branch.objects.get(pk=district.east_branch2.pk)
    assert moved.get_parent().pk == district.east_branch.pk


def test_town_admin_cannot_move_into_or_out_of_another_town(district):
    before = paths(district.west_branch, district.east_branch, district.east_branch2)
    into = district.admin.post(
        reverse(MOVE), {"node_id": district.east_branch.pk, "sibling_id": district.west_branch.pk, "as_child": 1}
    )
    out_of = district.admin.post(
        reverse(MOVE), {"node_id": district.west_branch.pk, "sibling_id": district.east_branch.pk, "as_child": 1}
    )
    # Beside the other town's committee means under the district: not the admin's to write either.
    beside = district.admin.post(
        reverse(MOVE), {"node_id": district.east_branch2.pk, "sibling_id": district.east.pk, "as_child": 0}
    )
    assert into.status_code == 404 and out_of.status_code == 404
    assert beside.status_code == 403
    assert paths(district.west_branch, district.east_branch, district.east_branch2) == before


def test_move_view_refuses_get(district):
    assert district.admin.get(reverse(MOVE)).status_code == 405


def test_branch_change_form_cannot_put_a_branch_in_another_town(district):
    url = reverse("admin:branches_branch_change", args=[district.east_branch.pk])
    data = _form_data(district.admin, url)
    assert str(district.west.pk) not in [
        str(pk) for pk, _ in district.admin.get(url).context["adminform"].form.fields["_ref_node_id"].choices
    ]
    data.update({"_ref_node_id": district.west.pk, "_position": "first-child"})
    response = district.admin.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert Branch.objects.get(pk=district.east_branch.pk).get_parent().pk == district.east.pk
    # Made a root of the tree: the same.
    data.update({"_ref_node_id": "", "_position": "first-child"})
    district.admin.post(url, data)
    assert Branch.objects.get(pk=district.east_branch.pk).get_parent().pk == district.east.pk


def test_branch_change_form_saves_unchanged_and_moves_within_town(district):
    url = reverse("admin:branches_branch_change", args=[district.east_branch2.pk])
    data = _form_data(district.admin, url)
    data["name"] = "东二村党支部（改）"
    assert district.admin.post(url, data).status_code == 302
    data.update({"_ref_node_id": district.east_branch.pk, "_position": "first-child"})
    assert district.admin.post(url, data).status_code == 302
    moved = Branch.objects.get(pk=district.east_branch2.pk)
    assert (moved.name, moved.get_parent().pk) == ("东二村党支部（改）", district.east_branch.pk)


# -- hole 1: import, export, actions ---------------------------------------------------------


def test_read_only_staff_cannot_open_the_admin_import(district):
    assert district.office.get(reverse("admin:members_member_import")).status_code == 403
    assert district.office.post(reverse("admin:members_member_process_import"), {}).status_code == 403


def test_admin_export_holds_only_the_own_town(district):
    response = district.admin.post(
        reverse("admin:members_member_export"), {"format": "1", "resource": "0", "memberresource_name": "on"}
    )
    assert response.status_code == 200
    body = response.content
    assert "东甲".encode() in body and "西乙".encode() not in body


def test_delete_action_skips_rows_outside_write_scope(district):
    district.admin.post(
        reverse("admin:members_member_changelist"),
        {"action": "delete_selected", "_selected_action": [district.west_member.pk], "post": "yes"},
    )
    assert Member.objects.filter(pk=district.west_member.pk).exists()


def test_read_only_staff_action_changes_nothing(district):
    district.office.post(
        reverse("admin:members_member_changelist"),
        {"action": "create_logins", "_selected_action": [district.east_member.pk]},
    )
    assert not User.objects.filter(member=district.east_member).exists()


# -- hole 4: every related-object choice limited and checked -----------------------------------


def test_add_user_form_refuses_another_towns_branch(district):
    response = district.admin.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "intruder",
            "password1": "Gq-strong-pass-2018",
            "password2": "Gq-strong-pass-2018",
            "role": Role.TOWN_ADMIN,
            "branch": district.west.pk,
        },
    )
    assert response.status_code == 200
    assert "branch" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="intruder").exists()


def test_add_user_form_refuses_another_towns_area_and_member(district):
    for field, value, role in (
        ("area", district.west_area.pk, Role.AREA_HEAD),
        ("member", district.west_member.pk, Role.MEMBER),
    ):
        response = district.admin.post(
            reverse("admin:accounts_user_add"),
            {
                "username": f"x-{field}",
                "password1": "Gq-strong-pass-2018",
                "password2": "Gq-strong-pass-2018",
                "role": role,
                field: value,
            },
        )
        assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(username__startswith="x-").exists()


def test_member_cannot_be_moved_into_another_town_in_admin(district):
    url = reverse("admin:members_member_change", args=[district.east_member.pk])
    data = _form_data(district.admin, url)
    data["branch"] = district.west_branch.pk
    response = district.admin.post(url, data)
    assert response.status_code == 200
    assert "branch" in response.context["adminform"].form.errors
    assert Member.objects.get(pk=district.east_member.pk).branch_id == district.east_branch.pk


def test_member_cannot_join_another_towns_party_group(district):
    url = reverse("admin:members_member_change", args=[district.east_member.pk])
    data = _form_data(district.admin, url)
    data["party_group"] = district.west_group.pk
    response = district.admin.post(url, data)
    assert "party_group" in response.context["adminform"].form.errors
    assert Member.objects.get(pk=district.east_member.pk).party_group_id is None


def test_officer_post_and_party_group_cannot_be_created_in_another_town(district):
    post = district.admin.post(
        reverse("admin:branches_officerpost_add"),
        {
            "branch": district.west_branch.pk,
            "member": district.west_member.pk,
            "post": "secretary",
            "term_start": "2024-01-01",
        },
    )
    errors = post.context["adminform"].form.errors
    assert "branch" in errors and "member" in errors
    group = district.admin.post(
        reverse("admin:branches_partygroup_add"), {"branch": district.west_branch.pk, "name": "渗透组"}
    )
    assert "branch" in group.context["adminform"].form.errors
    assert not OfficerPost.objects.filter(branch=district.west_branch).exists()
    assert not PartyGroup.objects.filter(name="渗透组").exists()


def test_own_town_choices_still_save(district):
    response = district.admin.post(
        reverse("admin:branches_partygroup_add"), {"branch": district.east_branch.pk, "name": "东二组"}
    )
    assert response.status_code == 302
    response = district.admin.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "east_sec",
            "password1": "Gq-strong-pass-2018",
            "password2": "Gq-strong-pass-2018",
            "role": Role.SECRETARY,
            "branch": district.east_branch.pk,
        },
    )
    assert response.status_code == 302


def test_save_is_checked_again_beyond_the_form(district, rf):
    """Whatever a form lets through, save_model refuses a relation outside the scope."""
    import pytest
    from django.contrib import admin
    from django.core.exceptions import PermissionDenied

    request = rf.post("/")
    request.user = district.east_admin
    member = Member.objects.get(pk=district.east_member.pk)
    member.branch = district.west_branch
    with pytest.raises(PermissionDenied):
        admin.site._registry[Member].save_model(request, member, form=None, change=True)
    assert Member.objects.get(pk=district.east_member.pk).branch_id == district.east_branch.pk
