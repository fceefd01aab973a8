"""A villager's pages: town → area → board → item, the 更正 trail, old addresses, search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Category, Item
from disclosure.services import disclosure_publish, item_approve, item_create, item_submit
from tests.factories import BranchFactory, OfficerPostFactory

DUES = {"month": "2026-01", "members_due": 30, "members_paid": 29, "amount_paid": "1234.00"}


def _dues(branch, payload=DUES, **kw):
    return disclosure_publish(
        branch=branch, category=Category.DUES, period="2026-01", source="disclosure.dues", payload=payload, **kw
    )


@pytest.mark.django_db
def test_town_index_leads_to_area_and_board(anonymous, site_a, site_b):
    index = anonymous.get(reverse("public:index")).content.decode()
    assert 'href="/public/gaofeng/"' in index and "高峰村" in index
    assert f'href="/public/area/{site_a.branch.area.code}/"' in index
    area = anonymous.get(reverse("public:area", args=[site_a.branch.area.code])).content.decode()
    assert 'href="/public/gaofeng/"' in area and "高桥社区" not in area


@pytest.mark.django_db
def test_board_shows_items_by_category_and_marks_corrections(anonymous, site_a):
    first = _dues(site_a.branch, at=timezone.now() - dt.timedelta(days=3))
    _dues(site_a.branch, payload={**DUES, "members_paid": 30, "amount_paid": "1270.00"}, reason="补交1人")
    board = anonymous.get("/public/gaofeng/").content.decode()
    assert "高峰村党务公开栏" in board and "党费收缴" in board
    assert f'href="/public/items/{first.item_id}/"' in board and "更正" in board
    assert "0574-88123456" in board  # the branch office phone


@pytest.mark.django_db
def test_item_page_shows_current_text_reason_date_and_earlier_version(anonymous, site_a):
    first = _dues(site_a.branch, at=timezone.now() - dt.timedelta(days=3))
    second = _dues(site_a.branch, payload={**DUES, "members_paid": 30, "amount_paid": "1270.00"}, reason="补交1人")
    page = anonymous.get(reverse("public:item", args=[first.item_id])).content.decode()
    assert "1270.00" in page and "1234.00" in page  # the earlier text stays readable
    assert "更正：补交1人" in page
    assert f"{timezone.localtime(second.published_at):%Y年%-m月%-d日}" in page
    assert page.index("1270.00") < page.index("更正记录") < page.index("1234.00")


@pytest.mark.django_db
def test_category_template_falls_back_to_generic(anonymous, site_a):
    version = disclosure_publish(
        branch=site_a.branch,
        category=Category.THEME_DAY_PLAN,
        period="2026",
        source="meetings.plan",
        payload={"columns": ["月份", "主题"], "rows": [["1月", "重温入党誓词"]], "body": "全年计划如下。"},
    )
    page = anonymous.get(reverse("public:item", args=[version.item_id])).content.decode()
    assert '<th scope="col">主题</th>' in page and "<td>重温入党誓词</td>" in page and "全年计划如下。" in page
    assert "2026年主题党日计划" in page


@pytest.mark.django_db
def test_old_code_address_redirects_to_the_readable_one(anonymous, site_a, town):
    response = anonymous.get("/public/b/GQ-V01/")
    assert response.status_code == 301 and response["Location"] == "/public/gaofeng/"
    # A branch below a site lands on that site's board.
    sub = BranchFactory(parent=site_a.branch, code="GQ-V01-1", name="高峰村第一党支部")
    assert anonymous.get(f"/public/b/{sub.code}/")["Location"] == "/public/gaofeng/"
    # A branch with no board keeps its own page.
    organ = BranchFactory(parent=town, code="GQ-JG", name="高桥镇机关党支部", unit="organ")
    assert anonymous.get(f"/public/b/{organ.code}/").status_code == 200
    assert anonymous.get("/public/b/NOPE/").status_code == 404
    assert anonymous.get("/public/nope/").status_code == 404


@pytest.mark.django_db
def test_member_wall_shows_names_and_posts_never_personal_phones(anonymous, site_a):
    post = OfficerPostFactory(branch=site_a.branch, post="secretary")
    page = anonymous.get(reverse("public:wall", args=["gaofeng"])).content.decode()
    assert post.member.name in page and "书记" in page
    assert post.member.phone not in page and post.member.id_number not in page
    assert "0574-88123456" in page


@pytest.mark.django_db
def test_search_finds_published_public_items_only(anonymous, site_a, secretary_a_user):
    _dues(site_a.branch)
    item_create(
        branch=site_a.branch,
        category=Category.PARTY_DOCUMENTS,
        period="2026-02",
        title="党费使用草稿",
        payload={"body": "草稿"},
        by=secretary_a_user,
    )
    page = anonymous.get(reverse("public:search"), {"q": "党费"}).content.decode()
    assert "共找到 1 条" in page and "草稿" not in page
    assert "共找到 0 条" in anonymous.get(reverse("public:search"), {"q": "不存在的词"}).content.decode()
    assert anonymous.get(reverse("public:search")).status_code == 200


@pytest.mark.django_db
def test_board_category_lists_every_item_of_one_category(anonymous, site_a):
    for month in range(1, 9):
        disclosure_publish(
            branch=site_a.branch,
            category=Category.DUES,
            period=f"2026-{month:02d}",
            source="disclosure.dues",
            payload={**DUES, "month": f"2026-{month:02d}"},
        )
    board = anonymous.get("/public/gaofeng/").content.decode()
    assert board.count("/public/items/") == 5 and "/public/gaofeng/list/?category=dues" in board
    listing = anonymous.get("/public/gaofeng/list/?category=dues").content.decode()
    assert listing.count("/public/items/") == 8
    assert anonymous.get("/public/gaofeng/list/?category=gossip").status_code == 404


@pytest.mark.django_db
def test_scheduled_item_appears_on_the_board_once_published(anonymous, site_a, secretary_a_user, area_head_user):
    item = item_create(
        branch=site_a.branch,
        category=Category.VILLAGE_AFFAIRS,
        period="2026-03",
        title="村务公开三月",
        payload={"body": "三月村务"},
        by=secretary_a_user,
    )
    item = item_approve(
        item=item_submit(item=item, by=secretary_a_user),
        by=area_head_user,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert "村务公开三月" not in anonymous.get("/public/gaofeng/").content.decode()
    from disclosure.services import items_publish_due

    items_publish_due(now=timezone.now() + dt.timedelta(hours=2))
    assert Item.objects.get(pk=item.pk).state == Item.State.PUBLISHED
    assert "村务公开三月" in anonymous.get("/public/gaofeng/").content.decode()


@pytest.mark.django_db
def test_list_page_links_carry_only_the_boards_own_parameters(anonymous, site_a):
    """A crawler that keeps "&amp;" literally must not be led into ever-longer addresses."""
    for n in range(45):
        disclosure_publish(
            branch=site_a.branch, category=Category.DUES, period=f"{2000 + n // 12}-{n % 12 + 1:02d}",
            source="disclosure.dues", payload={"body": str(n)},
        )  # fmt: skip
    page = anonymous.get("/public/gaofeng/list/?category=dues&amp;page=2").content.decode()
    assert 'href="?category=dues&amp;page=2" rel="next"' in page
    assert "amp%3B" not in page and "amp;amp" not in page
    page = anonymous.get("/public/gaofeng/list/?page=2&utm=x").content.decode()
    assert 'href="?page=1" rel="prev"' in page and "utm" not in page
