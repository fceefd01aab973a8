import datetime as dt

from django.urls import reverse
from django.utils import timezone

from branches.models import Branch
from members.models import Member
from tests.factories import BranchFactory, MemberFactory, OfficerPostFactory, PartyGroupFactory


def _url(branch, **params):
    url = reverse("branches:detail", args=[branch.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def _names(response):
    return [m.name for m in response.context["members"]]


def test_secretary_sees_own_branch_roster(secretary_a, branch_a, member_a):
    response = secretary_a.get(_url(branch_a))
    assert response.status_code == 200
    assert member_a.name in _names(response)
    assert "支部委员会" in response.content.decode()


def test_secretary_cannot_see_other_branch(secretary_a, branch_b):
    response = secretary_a.get(_url(branch_b))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_area_head_cannot_see_branch_outside_area(area_head, branch_a, branch_b):
    assert area_head.get(_url(branch_a)).status_code == 200
    assert area_head.get(_url(branch_b)).status_code == 404


def test_member_cannot_see_branch_page(member, branch_a):
    assert member.get(_url(branch_a)).status_code == 404


def test_unknown_branch_is_404(town_admin):
    assert town_admin.get(reverse("branches:detail", args=[999999])).status_code == 404


def test_roster_is_paginated_by_50(town_admin, branch_a):
    MemberFactory.create_batch(55, branch=branch_a)
    first = town_admin.get(_url(branch_a))
    assert len(first.context["members"]) == 50
    assert first.context["page"].paginator.count == 55
    html = first.content.decode()
    assert "第 1 / 2 页" in html
    second = town_admin.get(_url(branch_a, page=2))
    assert len(second.context["members"]) == 5


def test_roster_search_by_name(town_admin, branch_a, member_a):
    MemberFactory(branch=branch_a, name="王五")
    response = town_admin.get(_url(branch_a, q="张"))
    assert _names(response) == ["张三"]


def test_roster_filters_by_category_standing_and_group(town_admin, branch_a, member_a):
    group = PartyGroupFactory(branch=branch_a, name="第二党小组")
    probationary = MemberFactory(
        branch=branch_a, name="赵六", category=Member.Category.PROBATIONARY, full_member_on=None
    )
    suspended = MemberFactory(branch=branch_a, name="孙七", standing=Member.Standing.SUSPENDED, party_group=group)
    assert _names(town_admin.get(_url(branch_a, category="probationary"))) == [probationary.name]
    assert _names(town_admin.get(_url(branch_a, standing="suspended"))) == [suspended.name]
    assert _names(town_admin.get(_url(branch_a, party_group=group.pk))) == [suspended.name]
    assert set(_names(town_admin.get(_url(branch_a, party_group="none")))) == {member_a.name, probationary.name}


def test_party_group_choices_are_the_branch_groups_only(town_admin, branch_a, branch_b):
    PartyGroupFactory(branch=branch_a, name="第一党小组")
    PartyGroupFactory(branch=branch_b, name="社区第九党小组")
    response = town_admin.get(_url(branch_a))
    labels = [label for _, label in response.context["filterset"].form.fields["party_group"].choices]
    assert "第一党小组" in labels
    assert "社区第九党小组" not in labels


def test_empty_roster_says_no_members(town_admin, branch_b):
    assert "暂无党员" in town_admin.get(_url(branch_b)).content.decode()


def test_roster_shows_officers_and_groups(town_admin, branch_a):
    post = OfficerPostFactory(branch=branch_a, post="secretary", term_end=timezone.localdate() + dt.timedelta(days=300))
    PartyGroupFactory(branch=branch_a, name="第一党小组")
    html = town_admin.get(_url(branch_a)).content.decode()
    assert post.member.name in html
    assert "书记" in html
    assert "第一党小组" in html


def test_general_branch_roster_covers_its_subtree(town_admin, town):
    general = BranchFactory(parent=town, name="高桥渔业党总支", kind=Branch.Kind.GENERAL_BRANCH)
    sub1 = BranchFactory(parent=general, name="渔业第一党支部")
    sub2 = BranchFactory(parent=general, name="渔业第二党支部")
    MemberFactory(branch=sub1, name="钱一")
    MemberFactory(branch=sub2, name="钱二")
    response = town_admin.get(_url(general))
    assert set(_names(response)) == {"钱一", "钱二"}
    assert [c.branch for c in response.context["children"]] == [sub1, sub2]
    html = response.content.decode()
    assert reverse("branches:detail", args=[sub1.pk]) in html


def test_area_head_gets_no_phone_on_roster(area_head, branch_a, member_a):
    html = area_head.get(_url(branch_a)).content.decode()
    assert "13812345678" not in html and "tel:" not in html


def test_town_admin_can_tap_to_call_from_roster(town_admin, branch_a, member_a):
    html = town_admin.get(_url(branch_a)).content.decode()
    assert 'href="tel:13812345678"' in html


def test_parent_link_only_when_user_may_open_it(town_admin, secretary_a, town, branch_a):
    parent_url = reverse("branches:detail", args=[town.pk])
    assert parent_url in town_admin.get(_url(branch_a)).content.decode()
    assert parent_url not in secretary_a.get(_url(branch_a)).content.decode()


def test_admin_edit_link_only_for_writers(town_admin, town_staff, branch_a):
    admin_url = reverse("admin:branches_branch_change", args=[branch_a.pk])
    assert admin_url in town_admin.get(_url(branch_a)).content.decode()
    assert admin_url not in town_staff.get(_url(branch_a)).content.decode()


def test_pagination_keeps_the_filters(town_admin, branch_a):
    MemberFactory.create_batch(51, branch=branch_a, category=Member.Category.FULL)
    html = town_admin.get(_url(branch_a, category="full")).content.decode()
    assert "?category=full&amp;page=2" in html


def _mixed_roster(town, branch_a):
    """A general branch with two sub-branches and party groups, plus members 党员人数 leaves out."""
    general = BranchFactory(parent=town, name="高桥渔业党总支", kind=Branch.Kind.GENERAL_BRANCH)
    sub1 = BranchFactory(parent=general, name="渔业第一党支部")
    sub2 = BranchFactory(parent=general, name="渔业第二党支部")
    g1 = PartyGroupFactory(branch=sub1, name="第一党小组")
    g2 = PartyGroupFactory(branch=sub2, name="第一党小组")
    MemberFactory.create_batch(3, branch=sub1, party_group=g1)
    MemberFactory.create_batch(2, branch=sub2, party_group=g2)
    MemberFactory(branch=sub2)  # in no group
    MemberFactory(branch=sub2, party_group=g2, standing=Member.Standing.SUSPENDED)  # still counted
    MemberFactory(branch=sub1, party_group=g1, standing=Member.Standing.EXPELLED)
    MemberFactory(branch=sub2, party_group=g2, transferred_out_on=dt.date(2024, 5, 1))
    MemberFactory.create_batch(4, branch=branch_a)
    return general, sub1, g1, g2


def test_unfiltered_count_is_the_roster_the_page_lists(town_admin, town_staff, secretary_a, town, branch_a, member_a):
    """The page takes its unfiltered total from the tree's counts: it must be the roster's own length."""
    general, sub1, g1, g2 = _mixed_roster(town, branch_a)
    cases = [(town_admin, town), (town_admin, general), (town_staff, sub1), (secretary_a, branch_a)]
    for client, branch in cases:
        response = client.get(_url(branch, page=1))
        counted = Member.objects.counted().in_subtree(branch).count()
        listed = [m.pk for n in range(1, 3) for m in client.get(_url(branch, page=n)).context["members"]]
        assert response.context["page"].paginator.count == counted == len(set(listed)), branch.name
        assert f"党员人数 {counted}" in response.content.decode()
    assert counted == 6  # branch_a: member_a, the secretary and four more

    # A filter is counted by the database, not taken from the tree.
    response = town_admin.get(_url(general, standing="expelled"))
    assert response.context["page"].paginator.count == 1
    assert "找到 1 人" in response.content.decode()


def test_party_group_counts_come_from_the_members_counted(town_admin, town, branch_a):
    general, _sub1, g1, g2 = _mixed_roster(town, branch_a)
    rows = {g.pk: g for g in town_admin.get(_url(general)).context["party_groups"]}
    assert (rows[g1.pk].n_members, rows[g2.pk].n_members) == (3, 3)  # not the expelled, not the transferred out
    assert rows[g1.pk].label == "渔业第一党支部 · 第一党小组"
    html = town_admin.get(_url(general)).content.decode()
    assert f'href="?party_group={g2.pk}#roster">渔业第二党支部 · 第一党小组</a> <span class="muted small">3 人' in html
