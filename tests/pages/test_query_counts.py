"""The roster and tree pages run a fixed number of queries, whatever the size."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from tests.factories import BranchFactory, MemberFactory, OfficerPostFactory, PartyGroupFactory

# Measured: roster 12 (town admin) or 14 (secretary: the scope checks the post, and her
# own record joins her scope by the ids of the branches she may read, which lets PostgreSQL
# use an index at 108,000 members: members.selectors._member_q), tree 9 (at its first view town
# staff's tree is their committee's subtree, read with its party groups to be kept in the cache:
# seen again, it comes from there), each counting the nav's unread-notice count; the same at every
# size. An N+1 would blow these at the larger size. The laptop default (no Redis) reads the session
# from the database: one query more.
SESSION_QUERIES = 0 if settings.SESSION_ENGINE == "portal.sessions" else 1
MAX_ROSTER_QUERIES = 14 + SESSION_QUERIES
MAX_TREE_QUERIES = 9 + SESSION_QUERIES


def _fill_branch(branch, n_members):
    groups = [PartyGroupFactory(branch=branch) for _ in range(3)]
    for i in range(n_members):
        MemberFactory(branch=branch, party_group=groups[i % 3])
    for post in ("deputy_secretary", "organisation", "propaganda"):
        OfficerPostFactory(branch=branch, post=post)


@pytest.mark.parametrize("n_members", [10, 120])
def test_roster_page_query_count_is_fixed(n_members, town_admin, secretary_a, branch_a, django_assert_max_num_queries):
    _fill_branch(branch_a, n_members)
    url = reverse("branches:detail", args=[branch_a.pk])
    for client in (town_admin, secretary_a):
        with django_assert_max_num_queries(MAX_ROSTER_QUERIES):
            response = client.get(url)
        assert response.status_code == 200
        with django_assert_max_num_queries(MAX_ROSTER_QUERIES):
            filtered = client.get(url + "?category=full&party_group=none&q=%E5%BC%A0")
        assert filtered.status_code == 200 and filtered.context["filtered"]


@pytest.mark.parametrize("n_children", [2, 12])
def test_general_branch_roster_query_count_is_fixed(n_children, town_admin, town, django_assert_max_num_queries):
    general = BranchFactory(parent=town, kind="general_branch")
    for _ in range(n_children):
        _fill_branch(BranchFactory(parent=general), 5)
    with django_assert_max_num_queries(MAX_ROSTER_QUERIES):
        response = town_admin.get(reverse("branches:detail", args=[general.pk]))
    assert response.status_code == 200
    assert len(response.context["members"]) == min(50, n_children * 8)


@pytest.mark.parametrize("n_branches", [3, 30])
def test_tree_page_query_count_is_fixed(n_branches, town_admin, area_head, town, area, django_assert_max_num_queries):
    soon = timezone.localdate() + dt.timedelta(days=20)
    for i in range(n_branches):
        branch = BranchFactory(parent=town, area=area if i % 2 else None)
        MemberFactory.create_batch(2, branch=branch)
        MemberFactory(branch=branch, category=Member.Category.PROBATIONARY, full_member_on=None)
        OfficerPostFactory(branch=branch, term_end=soon)
    for client in (town_admin, area_head):
        with django_assert_max_num_queries(MAX_TREE_QUERIES):
            response = client.get(reverse("branches:tree"))
        assert response.status_code == 200


@pytest.mark.parametrize("n_members", [5, 60])
def test_member_page_and_public_pages_query_count_is_fixed(
    n_members, town_admin, anonymous, branch_a, member_a, django_assert_max_num_queries
):
    _fill_branch(branch_a, n_members)
    with django_assert_max_num_queries(8):
        member_page = town_admin.get(reverse("members:detail", args=[member_a.pk]))
    # One more than the branch page itself: is there a board to send the reader on to?
    with django_assert_max_num_queries(5):
        branch_page = anonymous.get(reverse("public:branch", args=[branch_a.code]))
    # Boards, branches without one, and the latest publications.
    with django_assert_max_num_queries(3):
        index = anonymous.get(reverse("public:index"))
    assert (member_page.status_code, branch_page.status_code, index.status_code) == (200, 200, 200)
    assert branch_page.context["page"].member_count >= n_members
