"""Drafts, items awaiting approval and members-only items are 404 to anyone not allowed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Audience, Category
from disclosure.services import disclosure_publish, item_approve, item_create, item_submit


def _manual(branch, by, title):
    return item_create(
        branch=branch, category=Category.PARTY_DOCUMENTS, period="2026-04", title=title, payload={"body": title}, by=by
    )


@pytest.mark.django_db
def test_unpublished_items_are_404_for_everyone_on_public_pages(
    anonymous, town_admin, secretary_a, site_a, secretary_a_user, area_head_user
):
    draft = _manual(site_a.branch, secretary_a_user, "草稿文件")
    submitted = item_submit(item=_manual(site_a.branch, secretary_a_user, "待审文件"), by=secretary_a_user)
    scheduled = item_approve(
        item=item_submit(item=_manual(site_a.branch, secretary_a_user, "定时文件"), by=secretary_a_user),
        by=area_head_user,
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    for client in (anonymous, town_admin, secretary_a):
        board = client.get("/public/gaofeng/").content.decode()
        for item in (draft, submitted, scheduled):
            assert client.get(reverse("public:item", args=[item.pk])).status_code == 404
            assert item.title not in board
    for url in ("/public/feed/", "/public/gaofeng/feed/", "/public/search/?q=文件"):
        body = anonymous.get(url).content.decode()
        assert "草稿文件" not in body and "待审文件" not in body and "定时文件" not in body


@pytest.fixture
def members_only(site_a):
    return disclosure_publish(
        branch=site_a.branch,
        category=Category.APPRAISAL,
        period="2026",
        source="assessment.appraisal",
        title="2026年民主评议党员结果",
        payload={"columns": ["姓名", "等次"], "rows": [["张三", "优秀"]]},
        audience=Audience.MEMBERS,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, sees",
    [
        ("anonymous", False),
        ("secretary_b", False),
        ("town_admin", True),
        ("town_staff", True),
        ("area_head", True),
        ("secretary_a", True),
        ("member", True),  # member_a belongs to branch_a
    ],
)
def test_members_only_items_are_for_the_branch_and_its_readers(request, site_a, members_only, role, sees):
    client = request.getfixturevalue(role)
    response = client.get(reverse("public:item", args=[members_only.item_id]))
    assert response.status_code == (200 if sees else 404)
    board = client.get("/public/gaofeng/").content.decode()
    assert ("2026年民主评议党员结果" in board) is sees


@pytest.mark.django_db
def test_members_only_items_never_reach_feeds_or_search(anonymous, member, site_a, members_only):
    for client in (anonymous, member):
        for url in ("/public/feed/", "/public/gaofeng/feed/", "/public/search/?q=民主评议"):
            assert "民主评议党员结果" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_members_only_board_render_is_never_served_to_the_public(anonymous, member, site_a, members_only):
    assert "民主评议党员结果" in member.get("/public/gaofeng/").content.decode()
    assert "民主评议党员结果" not in anonymous.get("/public/gaofeng/").content.decode()
    assert "民主评议党员结果" in member.get("/public/gaofeng/").content.decode()


@pytest.mark.django_db
def test_an_item_turned_members_only_leaves_the_public_pages(anonymous, site_a):
    public = disclosure_publish(
        branch=site_a.branch,
        category=Category.APPRAISAL,
        period="2025",
        source="assessment.appraisal",
        title="2025年评议",
        payload={"body": "结果"},
    )
    assert anonymous.get(reverse("public:item", args=[public.item_id])).status_code == 200
    disclosure_publish(
        branch=site_a.branch,
        category=Category.APPRAISAL,
        period="2025",
        source="assessment.appraisal",
        title="2025年评议",
        payload={"body": "结果"},
        audience=Audience.MEMBERS,
        reason="改为党内公开",
    )
    assert anonymous.get(reverse("public:item", args=[public.item_id])).status_code == 404
    assert "2025年评议" not in anonymous.get("/public/gaofeng/").content.decode()
