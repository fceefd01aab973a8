"""The register's API lists: the items list without content (the record has it), the checks list scoped
by branch ID and newest first, and query counts that do not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Fixture
from disclosure.services import disclosure_publish, item_create
from disclosure.sites import fixture_check_record, site_create

ITEMS = reverse("api:disclosure-items-list")
CHECKS = reverse("api:disclosure-checks-list")


def _item(pk):
    return reverse("api:disclosure-items-detail", args=[pk])


def _without_payload(record: dict) -> dict:
    reply = dict(record)
    for part in ("published", "working"):
        if reply[part] is not None:
            reply[part] = {k: v for k, v in reply[part].items() if k != "payload"}
    return reply


@pytest.fixture
def published(branch_a):
    return disclosure_publish(
        branch=branch_a, category="dues", period="2026-01", source="test.lists", payload={"body": "公开正文"}
    )


def test_the_list_is_the_record_without_content(town_admin, anonymous, secretary_a_user, branch_a, published):
    draft = item_create(
        by=secretary_a_user,
        branch=branch_a,
        category="party_documents",
        period="2026-02",
        audience="public",
        title="草稿",
        payload={"body": "草稿正文"},
    )
    for client, ids in ((town_admin, {published.item_id, draft.pk}), (anonymous, {published.item_id})):
        rows = client.get(ITEMS).json()["results"]
        assert {row["id"] for row in rows} == ids
        for row in rows:
            record = client.get(_item(row["id"])).json()
            # The list gives every field of the record but the content, which only the record gives.
            assert row == _without_payload(record)
            assert "payload" in (record["published"] or record["working"])
            assert "payload" not in (row["published"] or {}) and "payload" not in (row["working"] or {})
    public = anonymous.get(_item(published.item_id)).json()
    assert public["published"]["payload"] == {"body": "公开正文"} and public["working"] is None


def test_items_list_queries_do_not_grow_with_the_page(town_admin, branch_a):
    for month in range(1, 4):
        disclosure_publish(
            branch=branch_a, category="dues", period=f"2025-{month:02d}", source="test.lists", payload={"n": month}
        )
    town_admin.get(ITEMS)  # the session and the scope read once
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            assert len(town_admin.get(ITEMS, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_checks_are_listed_newest_first_within_scope(town_admin, area_head, secretary_b, area_head_user, branch_a):
    site = site_create(branch=branch_a, name="高峰村", slug="gaofeng")
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    board = site.fixtures.get(kind=Fixture.Kind.BOARD)
    now = timezone.now()
    older = fixture_check_record(fixture=board, result="meets", by=area_head_user, at=now - dt.timedelta(days=2))
    newer = fixture_check_record(fixture=flag, result="meets", by=area_head_user, at=now - dt.timedelta(days=1))
    for client in (town_admin, area_head):
        body = client.get(CHECKS).json()
        assert body["count"] == 2 and [row["id"] for row in body["results"]] == [newer.pk, older.pk]
        assert [row["id"] for row in client.get(CHECKS, {"site": site.pk}).json()["results"]] == [newer.pk, older.pk]
    # Another branch's secretary reads none of them, in the list or as a record.
    assert secretary_b.get(CHECKS).json()["count"] == 0
    assert secretary_b.get(reverse("api:disclosure-checks-detail", args=[newer.pk])).status_code == 404


def test_checks_list_queries_do_not_grow_with_the_page(town_admin, area_head_user, branch_a):
    site = site_create(branch=branch_a, name="高峰村", slug="gaofeng")
    for fixture in site.fixtures.all()[:3]:
        fixture_check_record(fixture=fixture, result="meets", by=area_head_user)
    town_admin.get(CHECKS)
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            assert len(town_admin.get(CHECKS, {"page_size": size}).json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
