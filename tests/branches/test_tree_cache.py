"""A branch page's subtree, counts and party groups come from the cache (branches.tree_cache),
and every change to what they are counted from shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches import tree_cache
from branches.models import Branch, PartyGroup
from branches.services import branch_move
from members.models import Member
from tests.factories import BranchFactory, MemberFactory, PartyGroupFactory


def _page(client, branch):
    response = client.get(reverse("branches:detail", args=[branch.pk]))
    assert response.status_code == 200
    return response


def _counts(client, branch) -> dict[str, int]:
    """Each branch of the page's tree by name, with its 党员人数 (the subtree's)."""
    response = _page(client, branch)
    node = response.context["node"]
    return {n.branch.name: n.total_members for n in node.walk()}


def _groups(client, branch) -> dict[int, int]:
    return {g.pk: g.n_members for g in _page(client, branch).context["party_groups"]}


def _member_count_queries(client, branch) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, branch)
    return sum('COUNT("members_member"."id")' in q["sql"] for q in queries.captured_queries)


def test_second_view_takes_the_tree_from_the_cache(town_admin, town, branch_a, branch_b, member_a):
    assert _member_count_queries(town_admin, town) == 1
    assert _member_count_queries(town_admin, town) == 0
    assert _counts(town_admin, town)[branch_a.name] == 1


def test_a_member_added_shows_at_once(town_admin, town, branch_a, branch_b):
    before = _counts(town_admin, town)
    MemberFactory(branch=branch_b)
    after = _counts(town_admin, town)
    assert after[branch_b.name] == before[branch_b.name] + 1
    assert after[town.name] == before[town.name] + 1


def test_a_member_deleted_shows_at_once(town_admin, town, branch_a, member_a):
    before = _counts(town_admin, town)[branch_a.name]
    member_a.delete()
    assert _counts(town_admin, town)[branch_a.name] == before - 1


def test_standing_and_transfer_out_show_at_once(town_admin, town, branch_a, member_a):
    other = MemberFactory(branch=branch_a)
    before = _counts(town_admin, town)[branch_a.name]
    member_a.standing = Member.Standing.EXPELLED
    member_a.save()
    assert _counts(town_admin, town)[branch_a.name] == before - 1
    other.transferred_out_on = dt.date(2024, 5, 1)
    other.save(update_fields=["transferred_out_on"])
    assert _counts(town_admin, town)[branch_a.name] == before - 2


def test_a_move_to_another_branch_shows_at_once(town_admin, town, branch_a, branch_b, member_a):
    before = _counts(town_admin, town)
    member_a.branch = branch_b
    member_a.save()
    after = _counts(town_admin, town)
    assert (after[branch_a.name], after[branch_b.name]) == (before[branch_a.name] - 1, before[branch_b.name] + 1)
    assert after[town.name] == before[town.name]


def test_a_category_or_group_change_shows_at_once(town_admin, town, branch_a, member_a):
    group = PartyGroupFactory(branch=branch_a, name="第一党小组")
    assert _groups(town_admin, town)[group.pk] == 0
    member_a.party_group = group
    member_a.save()
    assert _groups(town_admin, town)[group.pk] == 1
    assert _groups(town_admin, branch_a)[group.pk] == 1


def test_branches_and_party_groups_show_at_once(town_admin, town, branch_a):
    _counts(town_admin, town)
    new = BranchFactory(parent=town, code="GQ-V09", name="新建村党支部")
    assert new.name in _counts(town_admin, town)
    new.name = "改名村党支部"
    new.save()
    assert "改名村党支部" in _counts(town_admin, town)
    group = PartyGroupFactory(branch=branch_a, name="第二党小组")
    assert group.pk in _groups(town_admin, town)
    MemberFactory(branch=branch_a, party_group=group)
    assert _groups(town_admin, town)[group.pk] == 1
    # Deleting a group clears its members' group in SQL, behind Member's signals.
    total, group_pk = _counts(town_admin, town)[branch_a.name], group.pk
    group.delete()
    assert group_pk not in _groups(town_admin, town)
    node = _page(town_admin, branch_a).context["node"]
    assert (node.total_members, node.own_by_group.get(group_pk)) == (total, None)
    assert not PartyGroup.objects.filter(pk=group_pk).exists()


def test_a_moved_branch_shows_at_once(town_admin, town_admin_user, town, branch_a, branch_b, member_a):
    assert branch_a.name not in _counts(town_admin, branch_b)
    branch_move(branch=Branch.objects.get(pk=branch_a.pk), target=branch_b, pos="last-child", by=town_admin_user)
    assert _counts(town_admin, Branch.objects.get(pk=branch_b.pk))[branch_a.name] == 1
    assert _counts(town_admin, town)[branch_b.name] == 1 + Member.objects.counted().filter(branch=branch_b).count()


def test_a_bulk_write_shows_once_forgotten(town_admin, town, branch_a):
    """bulk_create and COPY bypass the signals: the roster import calls forget_trees after writing."""
    before = _counts(town_admin, town)[branch_a.name]
    Member.objects.bulk_create([MemberFactory.build(branch=branch_a) for _ in range(3)])
    tree_cache.forget_trees()
    assert _counts(town_admin, town)[branch_a.name] == before + 3


def test_a_secretary_page_is_kept_too(secretary_a, branch_a, member_a):
    assert _member_count_queries(secretary_a, branch_a) == 1
    assert _member_count_queries(secretary_a, branch_a) == 0
    MemberFactory(branch=branch_a)
    assert _counts(secretary_a, branch_a)[branch_a.name] == Member.objects.counted().filter(branch=branch_a).count()


def test_an_area_head_page_is_kept_and_renewed(area_head, branch_a, member_a):
    assert _member_count_queries(area_head, branch_a) == 1
    assert _member_count_queries(area_head, branch_a) == 0
    MemberFactory(branch=branch_a)
    assert _counts(area_head, branch_a)[branch_a.name] == 2


def test_with_the_cache_down_the_tree_is_counted(town_admin, town, branch_a, member_a, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set", down)
    assert _counts(town_admin, town)[branch_a.name] == 1
    assert _member_count_queries(town_admin, town) == 1
    MemberFactory(branch=branch_a)
    assert _counts(town_admin, town)[branch_a.name] == 2


@pytest.mark.parametrize("login", ["town_admin", "secretary_a"])
def test_cached_and_counted_pages_are_the_same(request, login, town, branch_a, member_a):
    client = request.getfixturevalue(login)
    branch = town if login == "town_admin" else branch_a
    PartyGroupFactory(branch=branch_a, name="第一党小组")
    MemberFactory.create_batch(3, branch=branch_a)
    first = _page(client, branch).content.decode()
    second = _page(client, branch).content.decode()
    strip = __import__("re").compile(r'(csrfmiddlewaretoken" value=")[^"]+').sub
    assert strip(r"\1", first) == strip(r"\1", second)


def test_a_roster_import_shows_at_once(town_admin, town_admin_user, town, branch_a, branch_b, member_a):
    from members.roster import roster_import_file
    from tests.members.roster_files import person, xlsx_bytes

    before = _counts(town_admin, town)
    rows = [person(1, branch=branch_a.name), person(2, branch=branch_b.name)]
    report = roster_import_file(source=xlsx_bytes(rows), file_name="t.xlsx", user=town_admin_user)
    assert report.created == 2, report.message
    after = _counts(town_admin, town)
    assert (after[branch_a.name], after[branch_b.name]) == (before[branch_a.name] + 1, before[branch_b.name] + 1)


def _tree(client):
    """The tree page (``branches:tree``): each branch by name with its 党员人数, and the member counts it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("branches:tree"))
    assert response.status_code == 200
    counted = sum(
        'COUNT("members_member"."id")' in q["sql"] and "GROUP BY" in q["sql"] for q in queries.captured_queries
    )
    totals = {}
    for root in response.context["roots"]:
        totals.update({n.branch.name: n.total_members for n in root.walk()})
    return totals, counted


def test_the_tree_page_of_a_town_is_its_committees_kept_subtree(town_admin, town, branch_a, branch_b, member_a):
    """Town staff read their town's whole tree: the tree page takes it from the cache as the town's page does,
    and a change shows at once."""
    first, counted = _tree(town_admin)
    assert counted == 1 and first[branch_a.name] == 1 and first[town.name] == 1
    again, counted = _tree(town_admin)
    assert counted == 0 and again == first
    assert _member_count_queries(town_admin, town) == 0  # the same kept subtree as the town's page
    MemberFactory(branch=branch_b)
    after, counted = _tree(town_admin)
    assert counted == 1 and after[branch_b.name] == 1 and after[town.name] == 2


def test_an_area_heads_tree_page_is_counted_from_the_branches_it_reads(area_head, town, branch_a, member_a):
    """An area head reads some of a town's branches, not one branch's subtree: counted, never the town's."""
    totals, counted = _tree(area_head)
    assert counted == 1 and town.name not in totals and totals[branch_a.name] == 1
