"""The register's API: the workflow through the services, scope, anonymous reads of published public items only,
versions that no API call can change, and no personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Fixture, FixtureCheck, Item, ItemVersion
from disclosure.services import disclosure_publish, item_approve, item_create, item_submit
from disclosure.sites import site_create

from .images import jpeg_bytes

ITEMS = reverse("api:disclosure-items-list")
VERSIONS = reverse("api:disclosure-versions-list")
BODY = {
    "category": "higher_meetings",
    "period": "2026-03",
    "audience": "public",
    "title": "传达镇党委3月会议精神",
    "payload": {"body": "一、抓好春耕。"},
}


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _item(pk):
    return reverse("api:disclosure-items-detail", args=[pk])


def _step(pk, name):
    return reverse(f"api:disclosure-items-{name}", args=[pk])


def test_the_workflow_through_the_api(secretary_a, area_head, anonymous, branch_a, branch_b):
    r = _post(secretary_a, ITEMS, {**BODY, "branch": branch_a.pk})
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["published"] is None and r.json()["working"]["state"] == "draft"
    # Another branch, dues by hand, a phone number, a bad period: each refused on its field.
    assert "branch" in _post(secretary_a, ITEMS, {**BODY, "branch": branch_b.pk}).json()
    assert "category" in _post(secretary_a, ITEMS, {**BODY, "branch": branch_a.pk, "category": "dues"}).json()
    bad = _post(secretary_a, ITEMS, {**BODY, "branch": branch_a.pk, "payload": {"body": "电话 13912345678"}})
    assert bad.status_code == 400 and "payload" in bad.json()
    assert "period" in _post(secretary_a, ITEMS, {**BODY, "branch": branch_a.pk, "period": "2026-13"}).json()

    r = secretary_a.patch(
        _item(pk), json.dumps({"title": "传达镇党委3月12日会议精神"}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["working"]["title"] == "传达镇党委3月12日会议精神"
    assert anonymous.get(_item(pk)).status_code == 404  # a draft is nobody's business outside scope
    assert _post(secretary_a, _step(pk, "submit")).json()["working"]["state"] == "submitted"
    assert _post(secretary_a, _step(pk, "approve")).status_code == 403  # a secretary does not approve

    r = _post(area_head, _step(pk, "reject"), {"review_note": "请写明会议日期"})
    assert r.json()["working"]["state"] == "draft" and r.json()["working"]["review_note"] == "请写明会议日期"
    _post(secretary_a, _step(pk, "submit"))
    r = _post(area_head, _step(pk, "approve"))
    assert r.status_code == 200 and r.json()["working"]["state"] == "published"
    assert r.json()["published"]["number"] == 1

    public = anonymous.get(_item(pk)).json()
    assert public["published"]["title"] == "传达镇党委3月12日会议精神" and public["working"] is None


def test_a_correction_through_the_api_is_a_new_version_and_the_old_stays(secretary_a, area_head, anonymous, branch_a):
    pk = _post(secretary_a, ITEMS, {**BODY, "branch": branch_a.pk}).json()["id"]
    _post(secretary_a, _step(pk, "submit"))
    _post(area_head, _step(pk, "approve"))
    assert _post(secretary_a, _step(pk, "revise"), {"payload": {"body": "改"}}).status_code == 400  # no reason
    assert (
        secretary_a.patch(_item(pk), json.dumps({"title": "偷改"}), content_type="application/json").status_code == 400
    )
    r = _post(secretary_a, _step(pk, "revise"), {"payload": {"body": "更正后的内容"}, "correction_reason": "日期有误"})
    assert r.status_code == 200 and r.json()["working"]["correction_reason"] == "日期有误"
    # Until it is approved, the public (and the anonymous API) read version 1 and nothing of the correction.
    seen = anonymous.get(_item(pk)).json()
    assert seen["published"]["payload"] == {"body": "一、抓好春耕。"} and seen["working"] is None
    assert len(anonymous.get(ITEMS, {"search": "更正后"}).json()["results"]) == 0
    _post(secretary_a, _step(pk, "submit"))
    later = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = _post(area_head, _step(pk, "approve"), {"publish_at": later})
    assert r.json()["working"]["state"] == "approved" and r.json()["published"]["number"] == 1
    from disclosure.services import items_publish_due

    items_publish_due(now=timezone.now() + dt.timedelta(hours=3))
    versions = anonymous.get(VERSIONS, {"item": pk}).json()["results"]
    assert [(v["number"], v["is_correction"], v["reason"]) for v in versions] == [(2, True, "日期有误"), (1, False, "")]
    assert versions[1]["payload"] == {"body": "一、抓好春耕。"}


def test_versions_cannot_be_changed_or_deleted_through_the_api(town_admin, anonymous, branch_a):
    version = disclosure_publish(
        branch=branch_a, category="dues", period="2026-01", source="test.api", payload={"body": "原文"}
    )
    url = reverse("api:disclosure-versions-detail", args=[version.pk])
    for client in (town_admin, anonymous):
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(
                url, json.dumps({"payload": {"body": "改"}}), content_type="application/json"
            )
            assert response.status_code == 405, (method, response.status_code)
        assert _post(client, VERSIONS, {"item": version.item_id, "payload": {"body": "假"}}).status_code == 405
        assert client.get(url).json()["payload"] == {"body": "原文"}
    # An item of another module cannot be "corrected" by hand through the API either.
    r = _post(town_admin, _step(version.item_id, "revise"), {"payload": {"body": "改"}, "correction_reason": "改"})
    assert r.status_code == 400
    assert ItemVersion.objects.get().payload == {"body": "原文"} and ItemVersion.objects.count() == 1


def test_anonymous_reads_only_published_public_items_and_versions(
    anonymous, branch_a, secretary_a_user, area_head_user
):
    public = disclosure_publish(
        branch=branch_a, category="dues", period="2026-01", source="test.api", payload={"body": "公开"}
    )
    members = disclosure_publish(
        branch=branch_a,
        category="appraisal",
        period="2026",
        source="test.api",
        payload={"body": "仅党员"},
        audience="members",
    )
    draft = item_create(
        branch=branch_a,
        category="party_documents",
        period="2026",
        title="草稿",
        payload={"body": "草稿"},
        by=secretary_a_user,
    )
    submitted = item_submit(
        item=item_create(
            branch=branch_a,
            category="party_documents",
            period="2026",
            title="待审",
            payload={"body": "待审"},
            by=secretary_a_user,
        ),
        by=secretary_a_user,
    )
    listed = anonymous.get(ITEMS).json()
    assert [row["id"] for row in listed["results"]] == [public.item_id]
    assert anonymous.get(_item(public.item_id)).status_code == 200
    for pk in (members.item_id, draft.pk, submitted.pk):
        assert anonymous.get(_item(pk)).status_code == 404
    assert [v["id"] for v in anonymous.get(VERSIONS).json()["results"]] == [public.pk]
    assert anonymous.get(reverse("api:disclosure-versions-detail", args=[members.pk])).status_code == 404
    # Everything else needs a login.
    for name in ("sites", "fixtures", "checks"):
        response = anonymous.get(reverse(f"api:disclosure-{name}-list"))
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert _post(anonymous, ITEMS, {**BODY, "branch": branch_a.pk}).status_code == 401
    assert _post(anonymous, _step(submitted.pk, "approve")).status_code == 401
    submitted.refresh_from_db()
    assert submitted.state == Item.State.SUBMITTED


def test_reads_are_scoped_for_logins(secretary_b, member, branch_a, secretary_a_user):
    draft = item_create(
        branch=branch_a,
        category="party_documents",
        period="2026",
        title="草稿",
        payload={"body": "草稿"},
        by=secretary_a_user,
    )
    assert secretary_b.get(_item(draft.pk)).status_code == 404
    assert len(secretary_b.get(ITEMS).json()["results"]) == 0
    assert member.get(_item(draft.pk)).status_code == 404
    assert secretary_b.patch(_item(draft.pk), "{}", content_type="application/json").status_code == 404


def test_area_head_cannot_approve_outside_the_area(area_head, town_admin, branch_b, secretary_b_user):
    item = item_submit(
        item=item_create(
            branch=branch_b,
            category="party_documents",
            period="2026",
            title="社区",
            payload={"body": "正文"},
            by=secretary_b_user,
        ),
        by=secretary_b_user,
    )
    assert _post(area_head, _step(item.pk, "approve")).status_code == 404
    assert _post(town_admin, _step(item.pk, "approve")).status_code == 200


def test_filters_are_strict(town_admin, town_admin_user, branch_a, secretary_a_user):
    item_approve(
        item=item_submit(
            item=item_create(
                branch=branch_a,
                category="party_documents",
                period="2026",
                title="文件",
                payload={"body": "正文"},
                by=secretary_a_user,
            ),
            by=secretary_a_user,
        ),
        by=town_admin_user,
    )
    assert len(town_admin.get(ITEMS, {"category": "party_documents"}).json()["results"]) == 1
    assert len(town_admin.get(ITEMS, {"category": "dues"}).json()["results"]) == 0
    assert len(town_admin.get(ITEMS, {"branch": branch_a.pk, "period": "2026"}).json()["results"]) == 1
    assert town_admin.get(ITEMS, {"state": "bogus"}).status_code == 400
    assert town_admin.get(ITEMS, {"branch": "x"}).status_code == 400
    assert town_admin.get(ITEMS, {"category": ""}).status_code == 400


@pytest.fixture
def site(branch_a):
    return site_create(branch=branch_a, name="高峰村", slug="gaofeng")


def test_area_head_records_checks_through_the_api(area_head, secretary_a, branch_b, site):
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    checks = reverse("api:disclosure-checks-list")
    r = _post(area_head, checks, {"fixture": flag.pk, "result": "needs_fixing"})
    assert r.status_code == 400 and "note" in r.json()
    r = _post(area_head, checks, {"fixture": flag.pk, "result": "needs_fixing", "note": "党旗褪色"})
    assert r.status_code == 201 and r.json()["photo_url"] is None
    r = area_head.post(
        checks,
        {
            "fixture": flag.pk,
            "result": "meets",
            "photo": SimpleUploadedFile("f.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["photo_url"] == reverse("disclosure:check-photo", args=[r.json()["id"]])
    flag.refresh_from_db()
    assert flag.status == Fixture.Status.MEETS
    # Secretaries read their site's checks but do not record them; another area's fixture is refused on its field.
    assert secretary_a.get(checks).json()["count"] == 2
    assert _post(secretary_a, checks, {"fixture": flag.pk, "result": "meets"}).status_code == 403
    other = site_create(branch=branch_b, name="高桥社区", slug="gaoqiao-shequ").fixtures.first()
    r = _post(area_head, checks, {"fixture": other.pk, "result": "meets"})
    assert r.status_code == 400 and "fixture" in r.json()
    assert FixtureCheck.objects.count() == 2
    fixtures = area_head.get(reverse("api:disclosure-fixtures-list"), {"site": site.pk}).json()
    assert fixtures["count"] == 7
    assert area_head.get(reverse("api:disclosure-sites-list")).json()["results"][0]["board_url"] == "/public/gaofeng/"


def test_no_personal_data_in_any_reply(town_admin, anonymous, area_head, branch_a, member_a, member_user, site):
    """Checkers are named by their display name, never by a login that is a phone number."""
    from accounts.models import Role

    member_user.role = Role.AREA_HEAD
    member_user.area = branch_a.area
    member_user.save()
    from django.test import Client

    phone_login = Client()
    phone_login.force_login(member_user)
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    assert (
        _post(phone_login, reverse("api:disclosure-checks-list"), {"fixture": flag.pk, "result": "meets"}).status_code
        == 201
    )
    disclosure_publish(branch=branch_a, category="dues", period="2026-01", source="test.api", payload={"body": "党费"})
    replies = "".join(
        client.get(url).content.decode()
        for client in (town_admin, anonymous, area_head)
        for url in (ITEMS, VERSIONS, reverse("api:disclosure-checks-list"), reverse("api:disclosure-sites-list"))
    )
    for secret in (member_a.phone, member_a.id_number, member_a.address or "不存在的地址"):
        assert secret not in replies


def test_a_correction_on_its_way_is_not_told_to_outsiders(
    anonymous, secretary_a, branch_a, secretary_a_user, area_head_user
):
    from disclosure.services import item_revise

    item = item_approve(
        item=item_submit(
            item=item_create(
                branch=branch_a,
                category="party_documents",
                period="2026",
                title="文件",
                payload={"body": "原文"},
                by=secretary_a_user,
            ),
            by=secretary_a_user,
        ),
        by=area_head_user,
    )
    item_revise(item=item, title="文件", payload={"body": "新"}, audience="public", reason="改", by=secretary_a_user)
    assert len(anonymous.get(ITEMS, {"state": "draft"}).json()["results"]) == 0
    assert len(anonymous.get(ITEMS, {"state": "published"}).json()["results"]) == 0
    assert len(anonymous.get(ITEMS).json()["results"]) == 1
    assert len(secretary_a.get(ITEMS, {"state": "draft"}).json()["results"]) == 1


def test_items_and_versions_are_paged_without_a_total_newest_first(anonymous, branch_a):
    published = [
        disclosure_publish(
            branch=branch_a, category="dues", period=f"2026-0{month}", source="test.api", payload={"body": "公开"}
        )
        for month in range(1, 6)
    ]
    newest_first = sorted(published, key=lambda v: (v.published_at, v.pk), reverse=True)
    for url, key in ((ITEMS, "item_id"), (VERSIONS, "pk")):
        seen, page = [], anonymous.get(url, {"page_size": 2}).json()
        assert page["previous"] is None
        while True:
            assert "count" not in page and len(page["results"]) <= 2
            seen += [row["id"] for row in page["results"]]
            if not page["next"]:
                break
            page = anonymous.get(page["next"]).json()
            assert page["previous"]
        assert seen == [getattr(v, key) for v in newest_first]
        assert anonymous.get(url, {"page_size": 2, "page": 4}).status_code == 404
        assert anonymous.get(url, {"page": "0"}).status_code == 400
