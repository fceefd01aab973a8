"""Hole 10: ``?branch=<id>`` answers alike for ids that do not exist and ids out of scope; choices are scoped."""

from __future__ import annotations

from django.urls import reverse


def test_out_of_scope_and_missing_branch_ids_get_the_same_answer(secretary_a, branch_a, branch_b, member_a):
    url = reverse("api:members-list")
    outside = secretary_a.get(url, {"branch": branch_b.pk})
    missing = secretary_a.get(url, {"branch": 999_999})
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["branch"][0].replace(str(branch_b.pk), "N") == missing.json()["branch"][0].replace(
        "999999", "N"
    )
    own = secretary_a.get(url, {"branch": branch_a.pk})
    assert own.status_code == 200 and own.json()["count"] >= 1


def test_party_group_filter_is_scoped_too(secretary_a, branch_b, group_a):
    from tests.factories import PartyGroupFactory

    other = PartyGroupFactory(branch=branch_b)
    url = reverse("api:members-list")
    assert secretary_a.get(url, {"party_group": other.pk}).status_code == 400
    assert secretary_a.get(url, {"party_group": group_a.pk}).status_code == 200
    groups = reverse("api:party-groups-list")
    assert secretary_a.get(groups, {"branch": branch_b.pk}).status_code == 400


def test_browsable_api_filter_form_lists_only_visible_branches(secretary_a, branch_a, branch_b):
    page = secretary_a.get(reverse("api:members-list"), HTTP_ACCEPT="text/html").content.decode()
    assert branch_a.name in page
    assert branch_b.name not in page
