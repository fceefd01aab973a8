"""Hand-written items: draft → submitted → approved → published, at once or at a set time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosure import tasks
from disclosure.models import Category, Item
from disclosure.services import (
    item_approve,
    item_create,
    item_edit,
    item_reject,
    item_revise,
    item_submit,
    items_publish_due,
)

BODY = {"body": "传达学习镇党委会议精神。\n\n各支部认真抓好落实。"}


def _draft(branch, by, **kw):
    return item_create(
        branch=branch,
        category=kw.pop("category", Category.HIGHER_MEETINGS),
        period=kw.pop("period", "2026-03"),
        title=kw.pop("title", "传达镇党委会议精神"),
        payload=kw.pop("payload", BODY),
        by=by,
        **kw,
    )


@pytest.mark.django_db
def test_secretary_drafts_submits_and_area_head_approves_to_publish(branch_a, secretary_a_user, area_head_user):
    item = _draft(branch_a, secretary_a_user)
    assert item.state == Item.State.DRAFT and item.source.startswith("manual:") and item.author == secretary_a_user
    assert item.latest_version is None
    item = item_submit(item=item, by=secretary_a_user)
    assert item.state == Item.State.SUBMITTED and item.submitted_at
    item = item_approve(item=item, by=area_head_user)
    assert item.state == Item.State.PUBLISHED and item.approved_by == area_head_user
    version = item.latest_version
    assert version.number == 1 and version.payload == BODY and version.published_by == area_head_user


@pytest.mark.django_db
def test_a_secretary_cannot_approve_and_cannot_write_another_branch(branch_a, branch_b, secretary_a_user):
    item = item_submit(item=_draft(branch_a, secretary_a_user), by=secretary_a_user)
    with pytest.raises(PermissionDenied):
        item_approve(item=item, by=secretary_a_user)
    with pytest.raises(PermissionDenied):
        _draft(branch_b, secretary_a_user)


@pytest.mark.django_db
def test_area_head_cannot_approve_outside_the_area(branch_b, secretary_b_user, area_head_user, town_admin_user):
    item = item_submit(item=_draft(branch_b, secretary_b_user), by=secretary_b_user)
    with pytest.raises(PermissionDenied):
        item_approve(item=item, by=area_head_user)
    assert item_approve(item=item, by=town_admin_user).state == Item.State.PUBLISHED


@pytest.mark.django_db
def test_steps_out_of_order_are_refused(branch_a, secretary_a_user, area_head_user):
    item = _draft(branch_a, secretary_a_user)
    with pytest.raises(ValidationError):
        item_approve(item=item, by=area_head_user)  # not submitted yet
    item = item_submit(item=item, by=secretary_a_user)
    with pytest.raises(ValidationError):
        item_edit(item=item, title="改", payload=BODY, audience="public", by=secretary_a_user)
    with pytest.raises(ValidationError):
        item_submit(item=item, by=secretary_a_user)


@pytest.mark.django_db
def test_rejection_sends_it_back_to_draft_with_the_reason(branch_a, secretary_a_user, area_head_user):
    item = item_submit(item=_draft(branch_a, secretary_a_user), by=secretary_a_user)
    with pytest.raises(ValidationError):
        item_reject(item=item, note=" ", by=area_head_user)
    item = item_reject(item=item, note="请补充会议时间", by=area_head_user)
    assert item.state == Item.State.DRAFT and item.review_note == "请补充会议时间"
    item = item_edit(item=item, title="传达镇党委3月会议精神", payload=BODY, audience="public", by=secretary_a_user)
    assert item.title == "传达镇党委3月会议精神"


@pytest.mark.django_db
def test_approved_for_a_set_time_is_published_by_the_beat_task(branch_a, secretary_a_user, area_head_user):
    when = timezone.now() + dt.timedelta(hours=2)
    item = item_submit(item=_draft(branch_a, secretary_a_user), by=secretary_a_user)
    item = item_approve(item=item, by=area_head_user, publish_at=when)
    assert item.state == Item.State.APPROVED and item.latest_version is None
    assert tasks.items_publish_due.apply().get() == 0  # not yet
    assert items_publish_due(now=when + dt.timedelta(minutes=1)) == 1
    item.refresh_from_db()
    assert item.state == Item.State.PUBLISHED and item.latest_version.number == 1
    assert items_publish_due(now=when + dt.timedelta(minutes=2)) == 0  # a second run publishes nothing


@pytest.mark.django_db
def test_correcting_a_published_item_needs_a_reason_and_approval(branch_a, secretary_a_user, area_head_user):
    item = item_approve(
        item=item_submit(item=_draft(branch_a, secretary_a_user), by=secretary_a_user), by=area_head_user
    )
    first = item.latest_version
    with pytest.raises(ValidationError):
        item_revise(
            item=item, title=item.title, payload={"body": "改"}, audience="public", reason="", by=secretary_a_user
        )
    item = item_revise(
        item=item,
        title=item.title,
        payload={"body": "更正后的内容"},
        audience="public",
        reason="会议日期有误",
        by=secretary_a_user,
    )
    # While the correction waits, the public still reads the published version.
    assert item.state == Item.State.DRAFT and item.latest_version == first
    item = item_approve(item=item_submit(item=item, by=secretary_a_user), by=area_head_user)
    second = item.latest_version
    assert second.number == 2 and second.reason == "会议日期有误" and second.payload == {"body": "更正后的内容"}
    assert [v.number for v in item.versions.all()] == [1, 2]
    first.refresh_from_db()
    assert first.payload == BODY


@pytest.mark.django_db
def test_personal_data_is_refused_in_a_draft(branch_a, secretary_a_user):
    with pytest.raises(ValidationError):
        _draft(branch_a, secretary_a_user, payload={"body": "联系电话 13912345678"})
