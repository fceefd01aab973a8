"""The register's workflow on its pages: draft, submit, return, approve, publish now or later, correct."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Item, ItemVersion
from disclosure.services import disclosure_publish, items_publish_due

NEW = {
    "branch": "",
    "category": "higher_meetings",
    "period": "2026-03",
    "audience": "public",
    "title": "传达镇党委3月会议精神",
    "summary": "镇党委会议要点",
    "body": "一、抓好春耕。\n\n二、做好防汛准备。",
}


def _create(client, branch, **changes):
    return client.post(reverse("disclosure:item-create"), {**NEW, "branch": branch.pk, **changes})


def test_the_whole_workflow_on_the_pages(secretary_a, area_head, anonymous, branch_a):
    # A secretary drafts on a phone, then submits.
    response = _create(secretary_a, branch_a)
    item = Item.objects.get()
    assert response["Location"] == reverse("disclosure:item", args=[item.pk])
    assert item.state == Item.State.DRAFT and item.payload == {"summary": "镇党委会议要点", "body": NEW["body"]}
    detail = secretary_a.get(reverse("disclosure:item", args=[item.pk])).content.decode()
    assert "提交审核" in detail and "审核通过" not in detail
    secretary_a.post(reverse("disclosure:item-submit", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED

    # The area head finds it under 待我审核 and returns it with a reason.
    listing = area_head.get(reverse("disclosure:items") + "?mine=review").content.decode()
    assert "待我审核（1）" in listing and "传达镇党委3月会议精神" in listing
    assert "审核通过" in area_head.get(reverse("disclosure:item", args=[item.pk])).content.decode()
    area_head.post(reverse("disclosure:item-reject", args=[item.pk]), {"review_note": "请写明会议日期"})
    item.refresh_from_db()
    assert item.state == Item.State.DRAFT and item.review_note == "请写明会议日期"
    assert "请写明会议日期" in secretary_a.get(reverse("disclosure:item", args=[item.pk])).content.decode()

    # The secretary fixes it and resubmits in one step; the area head approves and publishes now.
    secretary_a.post(
        reverse("disclosure:item-edit", args=[item.pk]),
        {**NEW, "title": "传达镇党委3月12日会议精神", "submit": "1"},
    )
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED and item.title == "传达镇党委3月12日会议精神"
    assert anonymous.get(reverse("public:item", args=[item.pk])).status_code == 404  # not yet published
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    item.refresh_from_db()
    assert item.state == Item.State.PUBLISHED and item.latest_version.number == 1
    assert "传达镇党委3月12日会议精神" in anonymous.get(reverse("public:item", args=[item.pk])).content.decode()


def test_submitting_straight_from_the_new_item_form(secretary_a, branch_a):
    _create(secretary_a, branch_a, submit="1")
    assert Item.objects.get().state == Item.State.SUBMITTED


def test_a_correction_is_a_new_dated_version_with_its_reason(secretary_a, area_head, anonymous, branch_a):
    _create(secretary_a, branch_a, submit="1")
    item = Item.objects.get()
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    first = ItemVersion.objects.get()

    # No reason: refused on the field, nothing changes.
    url = reverse("disclosure:item-revise", args=[item.pk])
    response = secretary_a.post(url, {**NEW, "body": "更正后的正文。", "correction_reason": ""})
    assert response.status_code == 200 and "必填项" in response.content.decode()
    item.refresh_from_db()
    assert item.state == Item.State.PUBLISHED and item.payload["body"] == NEW["body"]

    # With a reason: a draft correction; the public still reads version 1 meanwhile.
    secretary_a.post(url, {**NEW, "body": "更正后的正文。", "correction_reason": "会议日期有误", "submit": "1"})
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED and item.latest_version == first
    assert "更正后的正文" not in anonymous.get(reverse("public:item", args=[item.pk])).content.decode()

    # Approved for a set time: published by the beat task then, as version 2 marked 更正.
    when = timezone.now() + dt.timedelta(hours=3)
    local = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "later", "publish_at": local})
    item.refresh_from_db()
    assert item.state == Item.State.APPROVED and item.publish_at is not None
    assert "将于" in secretary_a.get(reverse("disclosure:item", args=[item.pk])).content.decode()
    assert items_publish_due(now=when + dt.timedelta(minutes=1)) == 1
    item.refresh_from_db()
    second = item.latest_version
    assert second.number == 2 and second.reason == "会议日期有误"
    first.refresh_from_db()
    assert first.payload["body"] == NEW["body"]  # the earlier text is untouched
    public = anonymous.get(reverse("public:item", args=[item.pk])).content.decode()
    assert "更正" in public and "会议日期有误" in public and "更正后的正文" in public and "抓好春耕" in public
    staff = secretary_a.get(reverse("disclosure:item", args=[item.pk])).content.decode()
    assert "第 2 版" in staff and "第 1 版" in staff


def test_a_set_time_in_the_past_or_missing_is_refused(secretary_a, area_head, branch_a):
    _create(secretary_a, branch_a, submit="1")
    item = Item.objects.get()
    url = reverse("disclosure:item-approve", args=[item.pk])
    area_head.post(url, {"when": "later"})
    area_head.post(url, {"when": "later", "publish_at": "2020-01-01T08:00"})
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED


def test_a_published_item_cannot_be_edited_in_place(secretary_a, area_head, branch_a):
    _create(secretary_a, branch_a, submit="1")
    item = Item.objects.get()
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    response = secretary_a.post(reverse("disclosure:item-edit", args=[item.pk]), {**NEW, "title": "偷偷改"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == NEW["title"] and ItemVersion.objects.get().title == NEW["title"]


def test_items_from_other_modules_are_corrected_at_their_source(secretary_a, branch_a):
    version = disclosure_publish(
        branch=branch_a, category="theme_day_plan", period="2026", source="meetings.plan", payload={"body": "计划"}
    )
    detail = secretary_a.get(reverse("disclosure:item", args=[version.item_id])).content.decode()
    assert reverse("disclosure:item-revise", args=[version.item_id]) not in detail
    response = secretary_a.post(
        reverse("disclosure:item-revise", args=[version.item_id]), {**NEW, "correction_reason": "改"}
    )
    assert response.status_code == 302
    assert Item.objects.get().state == Item.State.PUBLISHED and ItemVersion.objects.count() == 1


def test_personal_data_in_a_draft_is_refused_with_a_message(secretary_a, branch_a):
    response = _create(secretary_a, branch_a, body="联系人 13912345678")
    assert response.status_code == 200 and "手机号码或身份证号码" in response.content.decode()
    assert not Item.objects.exists()


def test_a_secretary_cannot_approve_or_write_another_branch(secretary_a, secretary_b, branch_a, branch_b):
    assert _create(secretary_a, branch_b).status_code == 200  # not among the choices
    assert not Item.objects.exists()
    _create(secretary_a, branch_a, submit="1")
    item = Item.objects.get()
    assert secretary_a.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"}).status_code == 403
    assert secretary_b.get(reverse("disclosure:item", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.state == Item.State.SUBMITTED


def test_area_head_cannot_approve_outside_the_area(secretary_b, area_head, town_admin, branch_b):
    _create(secretary_b, branch_b, submit="1")
    item = Item.objects.get()
    assert area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"}).status_code == 404
    town_admin.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    item.refresh_from_db()
    assert item.state == Item.State.PUBLISHED


def test_the_list_filters_paginates_and_has_empty_states(secretary_a, branch_a, secretary_a_user):
    from disclosure import services

    assert "还没有公开事项" in secretary_a.get(reverse("disclosure:items")).content.decode()
    for i in range(25):
        services.item_create(
            branch=branch_a,
            category="party_documents" if i % 2 else "village_affairs",
            period=f"2025-{i % 12 + 1:02d}",
            title=f"事项{i:02d}",
            payload={"body": "正文"},
            by=secretary_a_user,
        )
    first = secretary_a.get(reverse("disclosure:items")).content.decode()
    assert "第 1 / 2 页" in first
    docs = secretary_a.get(reverse("disclosure:items") + "?category=party_documents").content.decode()
    assert "事项01" in docs and "事项02" not in docs
    assert "没有符合条件" in secretary_a.get(reverse("disclosure:items") + "?state=published").content.decode()
    assert "期间格式应为" in secretary_a.get(reverse("disclosure:items") + "?period=abc").content.decode()
    assert "事项00" in secretary_a.get(reverse("disclosure:items") + "?period=2025-01").content.decode()


def test_dues_is_not_written_by_hand(secretary_a, branch_a):
    response = _create(secretary_a, branch_a, category="dues")
    assert response.status_code == 200 and not Item.objects.exists()


@pytest.mark.parametrize("audience", ["members"])
def test_a_members_only_item_stays_off_the_public_pages(secretary_a, area_head, anonymous, branch_a, audience):
    _create(secretary_a, branch_a, audience=audience, submit="1")
    item = Item.objects.get()
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    assert anonymous.get(reverse("public:item", args=[item.pk])).status_code == 404
    assert "查看公开页面" not in secretary_a.get(reverse("disclosure:item", args=[item.pk])).content.decode()


def test_a_candidates_notice_is_built_from_its_fields(secretary_a, area_head, anonymous, branch_a):
    """发展党员公示: the names, the stage, the objection period and an office contact, as its public template reads."""
    response = _create(secretary_a, branch_a, category="candidates", body="", title="发展对象公示")
    page = response.content.decode()
    assert response.status_code == 200 and "请填写公示对象姓名" in page and "发展党员公示须填写此项" in page
    fields = {
        "category": "candidates",
        "title": "2026年第一批发展对象公示",
        "body": "",
        "candidates": "王小明\n李红",
        "stage": "发展对象",
        "objection_from": "2026-03-01",
        "objection_to": "2026-02-20",
        "contact": "镇党建办 0574-88123456",
    }
    assert "结束日期不能早于开始日期" in _create(secretary_a, branch_a, **fields).content.decode()
    assert (
        "手机号码"
        in _create(
            secretary_a, branch_a, **{**fields, "objection_to": "2026-03-07", "contact": "13912345678"}
        ).content.decode()
    )
    _create(secretary_a, branch_a, **{**fields, "objection_to": "2026-03-07", "submit": "1"})
    item = Item.objects.get()
    assert item.payload["candidates"] == ["王小明", "李红"] and item.payload["objection_to"] == "2026-03-07"
    edit = secretary_a.get(reverse("disclosure:item-edit", args=[item.pk]))
    assert edit.status_code == 302  # submitted: no longer a draft
    area_head.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"})
    public = anonymous.get(reverse("public:item", args=[item.pk])).content.decode()
    assert "王小明" in public and "李红" in public and "确定为发展对象" in public and "2026-03-07" in public
    assert "0574-88123456" in public


def test_a_candidates_draft_is_edited_with_its_own_fields(secretary_a, branch_a):
    fields = {
        "category": "candidates",
        "title": "入党积极分子公示",
        "body": "",
        "candidates": "王小明",
        "stage": "入党积极分子",
        "objection_from": "2026-03-01",
        "objection_to": "2026-03-07",
        "contact": "村党支部 0574-88123456",
    }
    _create(secretary_a, branch_a, **fields)
    item = Item.objects.get()
    url = reverse("disclosure:item-edit", args=[item.pk])
    form = secretary_a.get(url).content.decode()
    assert "王小明" in form and 'value="2026-03-07"' in form
    secretary_a.post(url, {**NEW, **fields, "candidates": "王小明\n赵强"})
    item.refresh_from_db()
    assert item.payload["candidates"] == ["王小明", "赵强"] and item.payload["stage"] == "入党积极分子"
