from __future__ import annotations

import datetime as dt

import pytest

from meetings import compliance as compliance_module
from meetings import tally as tally_module
from meetings.models import MeetingRule, MeetingType
from meetings.services import meeting_create


def ensure_town_rules() -> None:
    """Put the town's meeting types and rules (the data migration's rows) back if a flush removed them."""
    import importlib

    from django.apps import apps

    importlib.import_module("meetings.migrations.0002_town_rules").seed(apps, None)


@pytest.fixture
def types(db) -> dict[str, MeetingType]:
    # A transactional test elsewhere flushes the tables, data migrations' rows included: put the town's rules back.
    ensure_town_rules()
    return {t.code: t for t in MeetingType.objects.all()}


@pytest.fixture
def log(types):
    """log(branch, day, "theme_day", "members", group=None, marks=None) -> Meeting, through the service."""

    def _log(branch, day: dt.date, *codes: str, group=None, marks=None, **fields):
        meeting, _created = meeting_create(
            branch=branch,
            types=[types[c] for c in codes],
            held_on=day,
            place=fields.pop("place", "村党群服务中心"),
            topic=fields.pop("topic", "学习贯彻会议精神"),
            host=fields.pop("host", "王书记"),
            lecturer=fields.pop("lecturer", "王书记" if "lecture" in codes else ""),
            party_group=group,
            marks=marks,
            **fields,
        )
        return meeting

    return _log


@pytest.fixture
def only_rule(types):
    """Keep one rule (by type code), end every other: tests judge one thing at a time."""

    def _only(code: str) -> MeetingRule:
        MeetingRule.objects.exclude(meeting_type__code=code).delete()
        return MeetingRule.objects.get(meeting_type__code=code)

    return _only


@pytest.fixture
def counted(monkeypatch):
    """counted() -> the branches whose meetings were read since the last call (``meeting_type_links``, the one
    query every count of meetings goes through)."""
    seen: list[int] = []
    real = compliance_module.meeting_type_links

    def spy(branch_ids, *args, **kwargs):
        branch_ids = list(branch_ids)
        seen.extend(branch_ids)
        return real(branch_ids, *args, **kwargs)

    monkeypatch.setattr(compliance_module, "meeting_type_links", spy)
    monkeypatch.setattr(tally_module, "meeting_type_links", spy)

    def take() -> set[int]:
        found = set(seen)
        seen.clear()
        return found

    return take
