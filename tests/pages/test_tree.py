import datetime as dt

from django.urls import reverse
from django.utils import timezone

from members.models import Member
from tests.factories import BranchFactory, MemberFactory, OfficerPostFactory


def test_tree_shows_branches_with_member_counts(town_admin, town, branch_a, branch_b):
    MemberFactory.create_batch(3, branch=branch_a)
    MemberFactory(branch=branch_a, standing=Member.Standing.EXPELLED)  # not counted
    MemberFactory.create_batch(2, branch=branch_b)
    response = town_admin.get(reverse("branches:tree"))
    assert response.status_code == 200
    roots = response.context["roots"]
    assert [n.branch for n in roots] == [town]
    counts = {c.branch.pk: c.total_members for c in roots[0].children}
    assert counts == {branch_a.pk: 3, branch_b.pk: 2}
    assert roots[0].total_members == 5
    html = response.content.decode()
    assert "<details" in html  # collapsible on phones
    assert branch_a.name in html and branch_b.name in html


def test_town_staff_see_expiring_terms_and_due_for_conversion(town_staff, branch_a):
    today = timezone.localdate()
    OfficerPostFactory(branch=branch_a, post="propaganda", term_end=today + dt.timedelta(days=30))
    OfficerPostFactory(branch=branch_a, post="discipline", term_end=today + dt.timedelta(days=400))
    MemberFactory(
        branch=branch_a,
        category=Member.Category.PROBATIONARY,
        joined_on=today - dt.timedelta(days=400),
        full_member_on=None,
    )
    response = town_staff.get(reverse("branches:tree"))
    assert response.context["expiring_count"] == 1
    assert response.context["due_count"] == 1
    html = response.content.decode()
    assert "任期将满" in html
    assert reverse("branches:expiring_terms") in html
    assert reverse("members:due_for_conversion") in html


def test_area_head_sees_no_town_boxes(area_head, branch_a):
    response = area_head.get(reverse("branches:tree"))
    assert response.status_code == 200
    assert "expiring" not in response.context
    assert reverse("branches:expiring_terms") not in response.content.decode()


def test_secretary_tree_is_only_their_branch(secretary_a, branch_a, branch_b):
    response = secretary_a.get(reverse("branches:tree"))
    assert [n.branch for n in response.context["roots"]] == [branch_a]


def test_expiring_terms_page_is_for_town_staff_only(town_staff, area_head, secretary_a, member, branch_a):
    today = timezone.localdate()
    post = OfficerPostFactory(branch=branch_a, post="organisation", term_end=today + dt.timedelta(days=10))
    response = town_staff.get(reverse("branches:expiring_terms"))
    assert response.status_code == 200
    html = response.content.decode()
    assert post.member.name in html
    assert "10 天" in html
    for client in (area_head, secretary_a, member):
        response = client.get(reverse("branches:expiring_terms"))
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


def test_expiring_terms_empty_state(town_admin):
    assert "暂无任期将满" in town_admin.get(reverse("branches:expiring_terms")).content.decode()


def test_dissolved_branch_marked_in_tree(town_admin, town):
    BranchFactory(parent=town, name="已撤并村党支部", is_active=False, dissolved_on=dt.date(2017, 12, 31))
    assert "已撤销" in town_admin.get(reverse("branches:tree")).content.decode()


def test_member_login_has_no_tree(member):
    assert member.get(reverse("branches:tree")).status_code == 403


def test_expiring_terms_are_paged_by_50_soonest_first_and_escaped(town_staff, town):
    today = timezone.localdate()
    branch = BranchFactory(parent=town, name="<b>渔业</b>党支部")
    for days in range(1, 56):
        OfficerPostFactory(branch=branch, post="organisation", term_end=today + dt.timedelta(days=days))
    first = town_staff.get(reverse("branches:expiring_terms"))
    assert [p.days_left for p in first.context["posts"]] == list(range(1, 51))
    html = first.content.decode()
    assert "共 55 人" in html and "第 1 / 2 页" in html
    assert "&lt;b&gt;渔业&lt;/b&gt;党支部" in html and "<b>渔业" not in html
    assert '<span class="badge badge--red">30 天</span>' in html and '<span class="badge">31 天</span>' in html
    assert f'href="{reverse("branches:detail", args=[branch.pk])}"' in html
    second = town_staff.get(reverse("branches:expiring_terms") + "?page=2")
    assert [p.days_left for p in second.context["posts"]] == list(range(51, 56))
    # The tree page shows the soonest five and counts them all.
    tree = town_staff.get(reverse("branches:tree"))
    assert tree.context["expiring_count"] == 55
    assert [p.days_left for p in tree.context["expiring"]] == [1, 2, 3, 4, 5]
