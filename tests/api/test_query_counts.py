"""The API's list pages cost the same number of queries whatever the town's size."""

import pytest
from django.urls import reverse

from tests.factories import BranchFactory, MemberFactory, PartyGroupFactory


def _grow(town, branches: int, members_per_branch: int) -> None:
    for i in range(branches):
        branch = BranchFactory(parent=town, code=f"GROW-{branches}-{i}")
        group = PartyGroupFactory(branch=branch)
        MemberFactory.create_batch(members_per_branch, branch=branch, party_group=group)


@pytest.mark.parametrize("branches,members_per_branch", [(2, 5), (12, 30)])
def test_member_list_page_of_50_has_fixed_query_count(
    town_admin, town, branches, members_per_branch, django_assert_max_num_queries
):
    _grow(town, branches, members_per_branch)
    with django_assert_max_num_queries(8):
        response = town_admin.get(reverse("api:members-list"), {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(50, branches * members_per_branch)


@pytest.mark.parametrize("branches", [3, 40])
def test_branch_list_has_fixed_query_count(town_admin, town, branches, django_assert_max_num_queries):
    _grow(town, branches, 1)
    with django_assert_max_num_queries(8):
        response = town_admin.get(reverse("api:branches-list"), {"page_size": 200})
    assert response.status_code == 200
    assert response.json()["count"] == branches + 1
