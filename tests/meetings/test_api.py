"""The meetings API: log with a key (retry-safe), scoped reads, a member's own attendance, compliance."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from meetings.models import Attendance, Meeting
from members.models import Member
from tests.factories import MemberFactory

TODAY = timezone.localdate().isoformat()


@pytest.fixture(autouse=True)
def _town_rules(types):
    """The meeting types and rules the data migration writes, put back if a transactional test flushed them."""


def _body(branch, member, key):
    return {
        "branch": branch.pk,
        "types": ["theme_day", "members"],
        "held_on": TODAY,
        "place": "党群服务中心",
        "topic": "学习党章",
        "host": "王书记",
        "attendance": [{"member": member.pk, "status": "leave", "reason": "floating"}],
        "idempotency_key": key,
    }


def test_logging_through_the_api_twice_with_one_key_makes_one_meeting(secretary_a, branch_a, member_a):
    key = str(uuid.uuid4())
    first = secretary_a.post("/api/meetings/", _body(branch_a, member_a, key), content_type="application/json")
    again = secretary_a.post("/api/meetings/", _body(branch_a, member_a, key), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Meeting.objects.count() == 1
    assert first.json()["leave_count"] == 1


def test_another_branch_cannot_be_written_or_read(secretary_b, secretary_a, branch_a, member_a):
    response = secretary_b.post("/api/meetings/", _body(branch_a, member_a, None), content_type="application/json")
    assert response.status_code in (403, 404)
    secretary_a.post("/api/meetings/", _body(branch_a, member_a, None), content_type="application/json")
    assert secretary_b.get("/api/meetings/").json()["count"] == 0


def test_a_future_date_is_refused_with_its_field(secretary_a, branch_a, member_a):
    body = {**_body(branch_a, member_a, None), "held_on": "2999-01-01"}
    response = secretary_a.post("/api/meetings/", body, content_type="application/json")
    assert response.status_code == 400 and "held_on" in response.json()


def test_a_member_reads_their_own_attendance(member, secretary_a, branch_a, member_a):
    secretary_a.post("/api/meetings/", _body(branch_a, member_a, None), content_type="application/json")
    rows = member.get("/api/meeting-attendance/").json()["results"]
    assert [(r["member"], r["status"], r["reason"]) for r in rows] == [(member_a.pk, "leave", "floating")]


def test_attendance_is_paged_newest_meeting_first_without_gaps_or_repeats(
    secretary_a, secretary_b, town_admin, branch_a, branch_b, member_a, member_b
):
    others = [MemberFactory(branch=branch_a) for _ in range(3)]
    # Logged out of order: the older meeting last. Same-day meetings come newest ID first.
    today = timezone.localdate()
    for days_ago in (0, 30, 0, 90):
        body = {**_body(branch_a, member_a, None), "held_on": (today - dt.timedelta(days=days_ago)).isoformat()}
        body["attendance"] = body["attendance"] + [{"member": m.pk, "status": "present"} for m in others]
        assert secretary_a.post("/api/meetings/", body, content_type="application/json").status_code == 201
    secretary_b.post("/api/meetings/", _body(branch_b, member_b, None), content_type="application/json")
    newest_first = ("-meeting__held_on", "-id")
    mine = list(
        Attendance.objects.filter(meeting__branch=branch_a).order_by(*newest_first).values_list("id", flat=True)
    )
    assert len(mine) >= 8  # every member of the branch gets a mark, the ones not named are absent

    seen, url, pages = [], "/api/meeting-attendance/?page_size=3", 0
    while url:
        page = secretary_a.get(url).json()
        assert "count" not in page and len(page["results"]) <= 3
        seen += [row["id"] for row in page["results"]]
        url, pages = page["next"], pages + 1
    assert seen == mine and pages == -(-len(mine) // 3)  # branch B's marks are not in secretary A's pages

    everyone = town_admin.get("/api/meeting-attendance/", {"page_size": 200}).json()
    assert [row["id"] for row in everyone["results"]] == list(
        Attendance.objects.order_by(*newest_first).values_list("id", flat=True)
    )
    assert [row["meeting_held_on"] for row in everyone["results"]] == sorted(
        (row["meeting_held_on"] for row in everyone["results"]), reverse=True
    )
    assert len(everyone["results"]) > len(mine) and everyone["next"] is None

    for bad in (
        {"cursor": "zzz"},
        {"cursor": "MjAyNi0xMy0wMXwz"},
        {"cursor": "MjAyNi0wMS0wMXwtMQ=="},
        {"page_size": "0"},
    ):
        response = town_admin.get("/api/meeting-attendance/", bad)
        assert response.status_code == 400 and set(response.json()) == set(bad)


def test_a_member_who_moved_still_reads_their_marks_and_the_new_branch_does_not(
    member, secretary_a, secretary_b, branch_a, branch_b, member_a
):
    secretary_a.post("/api/meetings/", _body(branch_a, member_a, None), content_type="application/json")
    Member.objects.filter(pk=member_a.pk).update(branch=branch_b)
    rows = member.get("/api/meeting-attendance/").json()["results"]
    assert [(r["member"], r["status"]) for r in rows] == [(member_a.pk, "leave")]
    assert secretary_b.get("/api/meeting-attendance/").json()["results"] == []
    assert member_a.pk in [r["member"] for r in secretary_a.get("/api/meeting-attendance/").json()["results"]]


def test_compliance_in_the_api(town_admin, branch_a):
    rows = town_admin.get("/api/compliance/", {"branch": branch_a.pk, "status": "overdue"}).json()["results"]
    assert rows and {r["branch"] for r in rows} == {branch_a.pk}
    assert all(r["reason"] for r in rows)


def test_compliance_is_paged_like_every_list(town_admin, branch_a):
    whole = town_admin.get("/api/compliance/", {"page_size": 200}).json()
    assert whole["count"] == len(whole["results"]) > 3
    first = town_admin.get("/api/compliance/", {"page_size": 2}).json()
    second = town_admin.get("/api/compliance/", {"page_size": 2, "page": 2}).json()
    assert first["count"] == whole["count"] and len(first["results"]) == 2 and first["next"]
    assert first["results"] + second["results"] == whole["results"][:4]
    assert town_admin.get("/api/compliance/", {"page": 999}).status_code == 404


def test_the_schema_lists_the_meetings_api(town_admin):
    schema = town_admin.get("/api/schema/").content.decode()
    for path in (
        "/api/meetings/",
        "/api/meeting-rules/",
        "/api/meeting-attendance/",
        "/api/meeting-plans/",
        "/api/compliance/",
    ):
        assert path in schema


def test_a_body_naming_a_read_only_field_is_refused_with_its_name(secretary_a, branch_a, member_a):
    body = {**_body(branch_a, member_a, None), "status": "confirmed", "present_count": 99}
    response = secretary_a.post("/api/meetings/", body, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"status", "present_count"}
    assert not Meeting.objects.exists()


def test_a_starting_time_is_a_clock_time(secretary_a, branch_a, member_a):
    for bad in ("9:5", "14:00:00Z", "25:00"):
        body = {**_body(branch_a, member_a, None), "starts_at": bad}
        response = secretary_a.post("/api/meetings/", body, content_type="application/json")
        assert response.status_code == 400 and "starts_at" in response.json()
    body = {**_body(branch_a, member_a, None), "starts_at": "14:30"}
    assert secretary_a.post("/api/meetings/", body, content_type="application/json").json()["starts_at"] == "14:30:00"


def test_a_meetings_attendance_is_paged_and_compliance_checks_its_parameters(
    secretary_a, town_admin, branch_a, member_a
):
    made = secretary_a.post("/api/meetings/", _body(branch_a, member_a, None), content_type="application/json").json()
    page = secretary_a.get(f"/api/meetings/{made['id']}/attendance/").json()
    assert page["count"] == made["expected_count"] and page["results"][0]["member"]
    for bad in ({"year": "1"}, {"branch": "x"}, {"area": "-3"}, {"status": "late"}):
        assert town_admin.get("/api/compliance/", bad).status_code == 400
