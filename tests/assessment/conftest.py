from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Standard

from .defaults import ensure_assessment_defaults


@pytest.fixture(autouse=True)
def _assessment_defaults(db):
    ensure_assessment_defaults()


@pytest.fixture
def standard(db):
    # The data migration's 2026 standard: 19 items, 100 points.
    ensure_assessment_defaults()
    return Standard.objects.prefetch_related("items").get(year=2026)


@pytest.fixture
def full_marks(standard):
    return {item.pk: item.points for item in standard.items.all()}


def scores_at(standard, percent: int) -> dict[int, Decimal]:
    return {item.pk: (item.points * percent / 100).quantize(Decimal("0.1")) for item in standard.items.all()}


JULY = dt.date(2026, 7, 1)


def hold_every_meeting(branch, months) -> None:
    """Log what the town's rules ask of a village branch for these months: one sitting a month as 主题党日
    and 支委会, with the 党员大会 in a quarter's last month and the 党课 and 锋领指数亮绩 in a half year's."""
    from meetings.models import MeetingType
    from meetings.services import meeting_create

    types = {t.code: t for t in MeetingType.objects.all()}
    for month in months:
        codes = ["theme_day", "committee"]
        if month.month % 3 == 0:
            codes.append("members")
        if month.month % 6 == 0:
            codes += ["lecture", "pioneer_index"]
        meeting_create(
            branch=branch,
            types=[types[c] for c in codes],
            held_on=month.replace(day=20),
            place="村党群服务中心",
            topic="学习贯彻会议精神",
            host="王书记",
            lecturer="王书记",
        )


@pytest.fixture
def theme_day_only(db):
    """The town's rules (a flushing test elsewhere may have removed them), then only the monthly 主题党日."""
    import importlib

    from django.apps import apps

    from meetings.models import MeetingRule, MeetingType

    importlib.import_module("meetings.migrations.0002_town_rules").seed(apps, None)
    MeetingRule.objects.exclude(meeting_type__code="theme_day").delete()
    return MeetingType.objects.get(code="theme_day")


def held(branch, day, meeting_type, marks=None):
    """A meeting of ``meeting_type`` logged for ``branch`` on ``day``."""
    from meetings.services import meeting_create

    meeting, _created = meeting_create(
        branch=branch,
        types=[meeting_type],
        held_on=day,
        place="村党群服务中心",
        topic="学习贯彻会议精神",
        host="王书记",
        marks=marks,
    )
    return meeting


def page_queries(client, url) -> tuple[int, str]:
    """The queries of a page seen before (the navigation's unread count is then cached), and its HTML."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()
