"""The API's meeting list: each meeting's type codes in the types' order, in queries that do not grow with the page."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

TODAY = timezone.localdate()


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("api:meetings-list"), params)
    assert response.status_code == 200
    return response.json()["results"], len(ctx)


def test_the_list_gives_each_meetings_type_codes_in_one_query_for_the_page(secretary_a, branch_a, log):
    for days in range(6):
        log(branch_a, TODAY - dt.timedelta(days=days), "lecture", "members")
    log(branch_a, TODAY - dt.timedelta(days=9), "theme_day")
    _get(secretary_a)  # the session's first request reads a few things once
    small, few = _get(secretary_a, page_size=2)
    rows, queries = _get(secretary_a, page_size=50)
    assert queries == few and len(small) == 2 and len(rows) == 7
    assert [r["types"] for r in rows] == [["members", "lecture"]] * 6 + [["theme_day"]]  # by the types' order
    one = secretary_a.get(reverse("api:meetings-detail", args=[rows[0]["id"]])).json()
    assert one["types"] == ["members", "lecture"]  # the record reads them through the relation, the same
