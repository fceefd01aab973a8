"""The API says what its schema says: nullable names, complete replies, paging, status codes, strict input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import BranchFactory

LIST = reverse("api:members-list")


def detail(member):
    return reverse("api:members-detail", args=[member.pk])


@pytest.fixture
def schema(town_admin):
    return town_admin.get(reverse("api:schema"), {"format": "json"}).json()


def test_a_branch_without_an_area_says_area_name_null_as_the_schema_allows(town_admin, town, schema):
    free = BranchFactory(parent=town, code="GQ-X09", name="无片区党支部", area=None)
    row = town_admin.get(reverse("api:branches-detail", args=[free.pk])).json()
    assert row["area_name"] is None
    assert schema["components"]["schemas"]["Branch"]["properties"]["area_name"]["nullable"] is True


def test_a_patch_reply_carries_every_field_of_a_member_even_without_a_party_group(secretary_a, member_a, schema):
    response = secretary_a.patch(detail(member_a), {"job": "工人"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["party_group_name"] is None
    documented = set(schema["components"]["schemas"]["Member"]["properties"])
    assert documented <= set(body)
    assert schema["components"]["schemas"]["Member"]["properties"]["party_group_name"]["nullable"] is True


def test_a_member_with_a_group_shows_its_name(secretary_a, member_a, group_a):
    member_a.party_group = group_a
    member_a.save()
    assert secretary_a.get(detail(member_a)).json()["party_group_name"] == "第一党小组"


def test_transfer_history_is_paginated_as_documented(town_admin, member_a, branch_b, schema):
    town_admin.post(
        reverse("api:members-transfer", args=[member_a.pk]),
        {"to_branch": branch_b.pk, "on": "2026-03-01"},
        content_type="application/json",
    )
    url = reverse("api:members-transfers", args=[member_a.pk])
    body = town_admin.get(url, {"page_size": 1}).json()
    assert body["count"] == 1 and body["next"] is None and len(body["results"]) == 1
    operation = schema["paths"]["/api/members/{id}/transfers/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedTransferOutList"
    )
    # The member list's filters do not apply to a member's own history.
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"page", "page_size"}


def test_transfer_answers_201_as_documented(schema):
    responses = schema["paths"]["/api/members/{id}/transfer/"]["post"]["responses"]
    assert "201" in responses and "200" not in responses


def test_every_operation_documents_400_401_403_404(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), f"{method.upper()} {path}"


@pytest.mark.parametrize(
    "query, fields",
    [
        ({"is_floating": "-1", "gender": ""}, {"is_floating", "gender"}),
        ({"is_lost_contact": "maybe"}, {"is_lost_contact"}),
        ({"due_for_conversion": "yes"}, {"due_for_conversion"}),
        ({"branch": "0"}, {"branch"}),
        ({"branch": "abc"}, {"branch"}),
        ({"within": "1.5"}, {"within"}),
        ({"category": ""}, {"category"}),
        ({"page_size": "-3"}, {"page_size"}),
        ({"page_size": "ten"}, {"page_size"}),
        ({"page": "0"}, {"page"}),
        ({"page": ""}, {"page"}),
        ({"search": "张\x00"}, {"search"}),
    ],
)
def test_invalid_query_parameters_are_refused_by_name(town_admin, member_a, query, fields):
    response = town_admin.get(LIST, query)
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields


@pytest.mark.parametrize(
    "query",
    [
        {"is_floating": "false", "gender": "M"},
        {"is_floating": "0"},
        {"page_size": "100000"},
        {"search": ""},
    ],
)
def test_valid_query_parameters_are_accepted(town_admin, member_a, query):
    response = town_admin.get(LIST, query)
    assert response.status_code == 200, response.content


def test_a_branch_filter_and_a_page_past_the_end(town_admin, member_a):
    assert town_admin.get(LIST, {"branch": "987654321"}).status_code == 400  # unknown and out of scope alike
    assert town_admin.get(LIST, {"branch": member_a.branch_id}).json()["count"] == 1
    assert town_admin.get(LIST, {"page": "99"}).status_code == 404


def test_a_full_member_date_in_the_future_is_refused(secretary_a, branch_a):
    # 转正 goes through the convert action (PATCH leaves the date read-only); a future date is refused there.
    from tests.factories import MemberFactory

    today = timezone.localdate()
    probationer = MemberFactory(
        branch=branch_a, category="probationary", joined_on=today - dt.timedelta(days=800), full_member_on=None
    )
    tomorrow = today + dt.timedelta(days=1)
    response = secretary_a.post(
        f"/api/members/{probationer.pk}/convert/",
        {"conversion_meeting_on": (today - dt.timedelta(days=3)).isoformat(), "full_member_on": tomorrow.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["full_member_on"] == ["转正日期不能晚于今天"]
    patched = secretary_a.patch(
        detail(probationer), {"full_member_on": tomorrow.isoformat()}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["full_member_on"] is None


def test_no_credentials_is_a_401_with_a_token_challenge(anonymous):
    response = anonymous.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_path_with_no_integer_id_is_a_json_404(town_admin):
    for path in ("/api/notices/false/read/", "/api/members/-1.1/", "/api/branches/abc/"):
        response = town_admin.get(path) if not path.endswith("read/") else town_admin.post(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path


def test_a_moment_with_an_offset_postgresql_cannot_store_is_compared_in_utc(town_admin):
    response = town_admin.get("/api/notices/", {"read_at": "0261-08-20T16:02:36-23:17"})
    assert response.status_code == 200, response.content


def test_a_multipart_body_whose_parts_name_no_field_is_refused(secretary_a, member_a):
    # A garbled body used to be read as "no fields": the PATCH answered 200 having changed nothing.
    boundary = "a222103b9b30b1f9e8be6882ecedb1d2"
    kind = f"multipart/form-data; boundary={boundary}"
    garbled = secretary_a.generic("PATCH", detail(member_a), f"--{boundary}\r\n[]--{boundary}--\r\n", content_type=kind)
    assert garbled.status_code == 400 and "detail" in garbled.json()
    empty = secretary_a.generic("PATCH", detail(member_a), f"--{boundary}--\r\n", content_type=kind)
    assert empty.status_code == 200
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="job"\r\n\r\n村医\r\n--{boundary}--\r\n'
    named = secretary_a.generic("PATCH", detail(member_a), part.encode(), content_type=kind)
    assert named.status_code == 200 and named.json()["job"] == "村医"


def test_a_filter_on_an_integer_column_takes_whole_numbers_only(town_admin):
    # django-filter reads a number filter as a decimal: ?month=0.5 used to be an empty 200.
    assert town_admin.get("/api/key-task-months/", {"month": "0.5"}).status_code == 400
    assert town_admin.get("/api/key-task-months/", {"month": "3"}).status_code == 200


def test_a_number_where_the_schema_says_text_is_refused(town_admin, branch_a):
    # DRF's CharField read the JSON number 0 as the title "0"; portal.api.StrictCharField refuses it.
    body = {"branch": branch_a.pk, "category": "pioneer_points", "period": "2026", "title": 0, "payload": {}}
    response = town_admin.post("/api/disclosure/items/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["title"] == ["请填写文字"]
