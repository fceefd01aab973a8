from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory


def test_anonymous_home_goes_to_login(anonymous):
    response = anonymous.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_town_admin_lands_on_this_quarter_at_a_glance(town_admin):
    # Offered by assessment through portal.home: core never imports the feature app.
    assert town_admin.get(reverse("home"))["Location"] == reverse("assessment:dashboard")


def test_town_staff_lands_on_this_quarter_at_a_glance(town_staff):
    assert town_staff.get(reverse("home"))["Location"] == reverse("assessment:dashboard")


def test_area_head_lands_on_tree_of_their_area(area_head, branch_a, branch_b):
    assert area_head.get(reverse("home"))["Location"] == reverse("branches:tree")
    html = area_head.get(reverse("branches:tree")).content.decode()
    assert branch_a.name in html
    assert branch_b.name not in html


def test_secretary_lands_on_their_branch(secretary_a, branch_a):
    assert secretary_a.get(reverse("home"))["Location"] == reverse("branches:detail", args=[branch_a.pk])


def test_member_lands_on_own_record(member, member_a):
    assert member.get(reverse("home"))["Location"] == reverse("members:detail", args=[member_a.pk])


def test_superuser_without_a_tree_lands_on_tree(db):
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(reverse("home"))["Location"] == reverse("branches:tree")


def test_user_without_scope_gets_a_friendly_page(db):
    client = Client()
    client.force_login(UserFactory(username="lost", role=Role.SECRETARY))  # no branch tied
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未分配" in html
    assert "镇党建办" in html


def test_nav_follows_role(town_admin, secretary_a, member):
    town_html = town_admin.get(reverse("branches:tree")).content.decode()
    assert reverse("branches:expiring_terms") in town_html
    assert "镇党建办管理员" in town_html
    secretary_html = secretary_a.get(reverse("home"), follow=True).content.decode()
    assert reverse("branches:expiring_terms") not in secretary_html
    assert "本支部" in secretary_html
    member_html = member.get(reverse("home"), follow=True).content.decode()
    assert "我的信息" in member_html
    assert reverse("branches:tree") not in member_html
