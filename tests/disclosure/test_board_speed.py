"""A board is cached for the public, dropped on publish, and its query count does not grow with items."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import Category
from disclosure.services import disclosure_publish


def _publish_many(branch, n, start=0):
    for i in range(start, start + n):
        disclosure_publish(
            branch=branch,
            category=Category.values[i % len(Category.values)],
            period=f"{2000 + i // 12}-{i % 12 + 1:02d}",
            source="test.bulk",
            payload={"body": f"第{i}条"},
        )


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "member", "secretary_a"])
def test_board_query_count_does_not_grow_with_items(request, site_a, role):
    client = request.getfixturevalue(role)
    _publish_many(site_a.branch, 3)
    few = _queries(client, "/public/gaofeng/")
    _publish_many(site_a.branch, 60, start=3)
    assert _queries(client, "/public/gaofeng/") == few


@pytest.mark.django_db
def test_item_page_query_count_does_not_grow_with_versions(anonymous, site_a):
    version = disclosure_publish(
        branch=site_a.branch, category=Category.DUES, period="2026-01", source="t", payload={"body": "0"}
    )
    url = f"/public/items/{version.item_id}/"
    few = _queries(anonymous, url)
    for n in range(1, 15):
        disclosure_publish(
            branch=site_a.branch, category=Category.DUES, period="2026-01", source="t", payload={"body": str(n)}
        )
    assert _queries(anonymous, url) == few


@pytest.mark.django_db
def test_a_cached_board_costs_no_query_and_publishing_drops_it(anonymous, site_a, site_b, django_assert_num_queries):
    assert anonymous.get("/public/gaofeng/").status_code == 200
    with django_assert_num_queries(0):
        cached = anonymous.get("/public/gaofeng/")
    assert "暂无发布内容" in cached.content.decode()
    other = anonymous.get("/public/gaoqiao-shequ/").content
    disclosure_publish(
        branch=site_a.branch, category=Category.DUES, period="2026-01", source="t", payload={"body": "新内容"}
    )
    assert "2026年1月党费收缴" in anonymous.get("/public/gaofeng/").content.decode()
    # Another village's board is not thrown away by this publish.
    with django_assert_num_queries(0):
        assert anonymous.get("/public/gaoqiao-shequ/").content == other


@pytest.mark.django_db
def test_another_process_publishing_is_seen_within_the_recheck_interval(anonymous, site_a, monkeypatch, settings):
    """A web process serves a cached board from its own memory and asks the shared cache for
    the board's generation at most once per PUBLIC_BOARD_RECHECK_SECONDS."""
    from disclosure import cache as board_cache

    settings.PUBLIC_BOARD_RECHECK_SECONDS = 1.0
    clock = [1000.0]
    monkeypatch.setattr(board_cache, "_clock", lambda: clock[0])
    assert "暂无发布内容" in anonymous.get("/public/gaofeng/").content.decode()
    seen = dict(board_cache._generations)
    # Another gunicorn worker publishes: the shared generation moves; this process's memo does not.
    disclosure_publish(
        branch=site_a.branch, category=Category.DUES, period="2026-01", source="t", payload={"body": "新内容"}
    )
    board_cache._generations.update(seen)
    clock[0] += 0.5
    with CaptureQueriesContext(connection) as ctx:
        assert "暂无发布内容" in anonymous.get("/public/gaofeng/").content.decode()
    assert len(ctx) == 0
    clock[0] += 0.6  # past the interval: the new generation is read and the board rendered afresh
    assert "2026年1月党费收缴" in anonymous.get("/public/gaofeng/").content.decode()


@pytest.mark.django_db
def test_an_emptied_shared_cache_never_brings_back_an_old_copy(anonymous, site_a, monkeypatch):
    from disclosure import cache as board_cache

    clock = [1000.0]
    monkeypatch.setattr(board_cache, "_clock", lambda: clock[0])
    anonymous.get("/public/gaofeng/")
    old_key = board_cache.board_key("gaofeng")
    cache.clear()  # Redis restarted: generations and pages gone; this process still holds its copy
    site_a.name = "高峰村（新）"
    site_a.save()
    clock[0] += 5
    assert board_cache.board_key("gaofeng") != old_key
    assert "高峰村（新）" in anonymous.get("/public/gaofeng/").content.decode()
