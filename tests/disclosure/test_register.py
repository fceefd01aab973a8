"""The publishing register: one key, idempotent, corrections as new dated versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from disclosure.models import Audience, Category, Item, ItemVersion
from disclosure.services import disclosure_publish

PLAN = {"columns": ["月份", "主题"], "rows": [["1月", "重温入党誓词"], ["2月", "学习党章"]]}


def _publish(branch, payload=PLAN, **kw):
    args = {
        "branch": branch,
        "category": Category.THEME_DAY_PLAN,
        "period": "2026",
        "source": "meetings.plan",
        "title": "2026年主题党日计划",
        "payload": payload,
    }
    args.update(kw)
    return disclosure_publish(**args)


@pytest.mark.django_db
def test_first_publish_makes_version_one(branch_a):
    version = _publish(branch_a)
    item = version.item
    assert version.number == 1 and version.reason == "" and not version.is_correction
    assert item.state == Item.State.PUBLISHED and item.latest_version == version
    assert item.first_published_at == version.published_at
    assert "重温入党誓词" in item.search_text


@pytest.mark.django_db
def test_publishing_the_same_payload_twice_makes_no_new_version(branch_a):
    first = _publish(branch_a)
    again = _publish(branch_a, payload={"rows": PLAN["rows"], "columns": PLAN["columns"]})  # key order differs
    assert again == first
    assert ItemVersion.objects.count() == 1 and Item.objects.count() == 1


@pytest.mark.django_db
def test_changed_payload_becomes_a_dated_correction(branch_a):
    first = _publish(branch_a, at=timezone.now() - dt.timedelta(days=30))
    changed = {**PLAN, "rows": [["1月", "重温入党誓词"], ["2月", "学习新党章"]]}
    second = _publish(branch_a, payload=changed, reason="2月主题调整")
    assert second.number == 2 and second.is_correction
    assert second.reason == "2月主题调整" and second.published_at > first.published_at
    item = Item.objects.get()
    assert item.latest_version == second and item.versions.count() == 2
    # The earlier text stays as it was.
    first.refresh_from_db()
    assert first.payload == PLAN
    third = _publish(branch_a, payload={**changed, "notes": ["另行通知"]})
    assert third.reason == "数据更新"  # a correction always carries a reason


@pytest.mark.django_db
def test_each_key_part_makes_its_own_item(branch_a, branch_b):
    _publish(branch_a)
    _publish(branch_b)
    _publish(branch_a, period="2027")
    _publish(branch_a, source="meetings.plan-extra")
    _publish(branch_a, category=Category.PARTY_DOCUMENTS)
    assert Item.objects.count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "26"}, "period"),
        ({"source": "manual:abc"}, "source"),
        ({"source": ""}, "source"),
        ({"category": "gossip"}, "category"),
        ({"audience": "everyone"}, "audience"),
        ({"at": timezone.now() + dt.timedelta(days=2)}, "at"),
        ({"payload": ["not", "a", "dict"]}, "payload"),
    ],
)
def test_bad_calls_are_refused_per_field(branch_a, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _publish(branch_a, **kwargs)
    assert field in exc.value.message_dict
    assert not Item.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"body": "联系人 张三 13812345678"},
        {"rows": [["张三", "330203199001011234"]]},
        {"rows": [{"name": "张三", "phone": "0574-88123456"}]},
        {"address": "高桥镇高峰村"},
        {"rows": [{"birth_date": "1990-01-01"}]},
    ],
)
def test_personal_data_never_enters_a_payload(branch_a, payload):
    with pytest.raises(ValidationError) as exc:
        _publish(branch_a, payload=payload)
    assert "payload" in exc.value.message_dict


@pytest.mark.django_db
def test_an_office_landline_and_amounts_are_fine(branch_a):
    version = _publish(
        branch_a,
        category=Category.CANDIDATES,
        payload={"contact": "村党支部 0574-88123456", "rows": [["2026-01", "1234.50"]], "summary": "20260101000000"},
    )
    assert version.number == 1


@pytest.mark.django_db
def test_a_correction_cannot_be_dated_before_the_version_it_corrects(branch_a):
    _publish(branch_a)
    with pytest.raises(ValidationError) as exc:
        _publish(branch_a, payload={"body": "新"}, at=timezone.now() - dt.timedelta(days=3))
    assert "at" in exc.value.message_dict


@pytest.mark.django_db
def test_members_only_audience_is_kept_on_the_version(branch_a):
    version = _publish(branch_a, audience=Audience.MEMBERS)
    assert version.audience == Audience.MEMBERS and version.item.audience == Audience.MEMBERS
    # Opening it to the public is a change too: a new version, with its reason.
    opened = _publish(branch_a, audience=Audience.PUBLIC, reason="经审核向群众公开")
    assert opened.number == 2 and opened.audience == Audience.PUBLIC
