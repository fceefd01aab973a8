"""The meeting log through the real views: log, idempotency, validation, photos, lifecycle, reports."""

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meetings.models import Attendance, Meeting, MinutesRevision
from tests.factories import MemberFactory

TODAY = timezone.localdate()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (29.0, 52.0, 1.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _post(client, branch, members, key=None, **extra):
    data = {
        "types": ["members", "theme_day"],
        "held_on": TODAY.isoformat(),
        "place": "村党群服务中心",
        "topic": "学习党章",
        "host": "王书记",
        "idempotency_key": key or str(uuid.uuid4()),
        f"att_{members[0].pk}": "leave:sick",
        f"att_{members[1].pk}": "absent",
        **extra,
    }
    return client.post(f"{reverse('meetings:create')}?branch={branch.pk}", data)


@pytest.fixture
def roster(branch_a, member_a):
    return [member_a, MemberFactory(branch=branch_a), MemberFactory(branch=branch_a)]


def test_secretary_logs_a_combined_sitting_with_attendance(secretary_a, branch_a, roster, secretary_a_user):
    page = secretary_a.get(reverse("meetings:create"), follow=True)
    assert page.status_code == 200 and "张三" in page.content.decode()
    response = _post(secretary_a, branch_a, roster)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(meeting.get_absolute_url())
    assert sorted(meeting.types.values_list("code", flat=True)) == ["members", "theme_day"]
    expected = 1 + len(roster)  # the secretary is a member of the branch too
    assert (meeting.expected_count, meeting.present_count, meeting.leave_count, meeting.absent_count) == (
        expected,
        expected - 2,
        1,
        1,
    )
    assert Attendance.objects.get(member=roster[0]).reason == "sick"
    assert meeting.created_by == secretary_a_user


def test_the_same_key_twice_makes_one_meeting(secretary_a, branch_a, roster):
    key = str(uuid.uuid4())
    first = _post(secretary_a, branch_a, roster, key=key)
    second = _post(secretary_a, branch_a, roster, key=key)
    assert Meeting.objects.count() == 1
    assert first["Location"].split("?")[0] == second["Location"].split("?")[0]


def _form_key(page) -> str:
    import re

    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page.content.decode()).group(1)


def test_back_after_submitting_and_submitting_again_shows_the_saved_meeting(secretary_a, branch_a, roster):
    """The defect: Back re-fetched the form with a fresh key, so a second submit made a second meeting."""
    start = secretary_a.get(f"{reverse('meetings:create')}?branch={branch_a.pk}")
    assert start.status_code == 302 and "token=" in start["Location"]
    form_url = start["Location"]
    form = secretary_a.get(form_url)
    key = _form_key(form)
    assert key in form_url  # the key is the address's: Back and reload reach the same one
    data = {
        "types": ["members"],
        "held_on": TODAY.isoformat(),
        "place": "村党群服务中心",
        "topic": "学习党章",
        "host": "王书记",
        "idempotency_key": key,
    }
    first = secretary_a.post(form_url, data)
    meeting = Meeting.objects.get()
    assert first.status_code == 302 and first["Location"].startswith(meeting.get_absolute_url())

    # Back: the browser asks for the form's address again and is shown the meeting already saved.
    back = secretary_a.get(form_url, follow=True)
    assert back.redirect_chain[-1][0].startswith(meeting.get_absolute_url())
    assert "这次会议已经保存过了" in back.content.decode()
    # A browser that kept the old page (or restored its fields but not the hidden key) and submits again.
    for again in (data, {**data, "idempotency_key": ""}):
        response = secretary_a.post(form_url, again)
        assert response["Location"].startswith(meeting.get_absolute_url())
    assert Meeting.objects.count() == 1

    # Logging the next meeting starts from a fresh address, so it is a meeting of its own.
    fresh = secretary_a.get(f"{reverse('meetings:create')}?branch={branch_a.pk}")["Location"]
    assert fresh != form_url
    secretary_a.post(fresh, {**data, "idempotency_key": _form_key(secretary_a.get(fresh))})
    assert Meeting.objects.count() == 2


def test_a_key_another_branch_used_is_refused(secretary_a, town_admin, branch_a, branch_b, roster, log):
    used = log(branch_b, TODAY, "theme_day", idempotency_key=uuid.uuid4())
    response = town_admin.get(f"{reverse('meetings:create')}?branch={branch_a.pk}&token={used.idempotency_key}")
    assert response.status_code == 302 and str(used.idempotency_key) not in response["Location"]
    response = _post(town_admin, branch_a, roster, key=str(used.idempotency_key))
    assert response.status_code == 200 and "提交标识已被其他会议使用" in response.content.decode()
    assert Meeting.objects.filter(branch=branch_a).count() == 0


def test_future_dates_and_outsiders_are_refused(secretary_a, branch_a, roster, member_b):
    response = _post(secretary_a, branch_a, roster, held_on=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "会议日期不能晚于今天" in response.content.decode()
    response = _post(secretary_a, branch_a, roster, **{f"att_{member_b.pk}": "absent"})
    assert "只能登记本支部" in response.content.decode()
    response = _post(secretary_a, branch_a, roster, **{f"att_{roster[2].pk}": "leave:"})
    assert "请假须选择原因" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_lecture_needs_its_lecturer(secretary_a, branch_a, roster):
    response = _post(secretary_a, branch_a, roster, types=["lecture"])
    assert "党课须填写授课人" in response.content.decode()


def test_photos_are_resized_and_lose_their_exif(secretary_a, branch_a, roster, anonymous):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    _post(secretary_a, branch_a, roster, photos=photo)
    stored = Meeting.objects.get().photos.get()
    with stored.image.open("rb") as fh:
        image = Image.open(fh)
        assert max(image.size) == 1600
        assert not image.getexif()
    url = reverse("meetings:photo", args=[stored.pk])
    assert secretary_a.get(url).status_code == 200
    assert anonymous.get(url).status_code == 404  # private until published


def test_a_file_that_is_not_an_image_is_refused(secretary_a, branch_a, roster):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = _post(secretary_a, branch_a, roster, photos=fake)
    assert "文件不是有效的图片" in response.content.decode()
    assert not Meeting.objects.exists()


def test_after_30_days_only_the_town_admin_amends_and_the_old_minutes_are_kept(
    secretary_a, town_admin, branch_a, roster, secretary_a_user, log
):
    meeting = log(branch_a, TODAY - dt.timedelta(days=31), "theme_day", minutes="原记录")
    assert secretary_a.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    data = {
        "types": ["theme_day"],
        "held_on": meeting.held_on.isoformat(),
        "place": "会议室",
        "topic": "改过的主题",
        "host": "王书记",
        "minutes": "新记录",
        "reason": "补充发言内容",
    }
    response = town_admin.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "新记录"
    assert MinutesRevision.objects.get(meeting=meeting).minutes == "原记录"


def test_draft_submit_and_confirm(secretary_a, area_head, branch_a, roster):
    _post(secretary_a, branch_a, roster, action="draft")
    meeting = Meeting.objects.get()
    assert meeting.status == "draft"
    secretary_a.post(reverse("meetings:submit", args=[meeting.pk]))
    area_head.post(reverse("meetings:confirm", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == "confirmed"
    assert secretary_a.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403


def test_a_members_meeting_records_a_conversion_linked_to_the_member(secretary_a, branch_a, log):
    probationer = MemberFactory(
        branch=branch_a, category="probationary", full_member_on=None, joined_on=TODAY - dt.timedelta(days=400)
    )
    meeting = log(branch_a, TODAY, "members")
    secretary_a.post(reverse("meetings:decision-add", args=[meeting.pk]), {"member": probationer.pk})
    probationer.refresh_from_db()
    assert probationer.category == "full" and probationer.full_member_on == TODAY
    assert probationer.meeting_decisions.get().meeting == meeting


def test_compliance_matrix_and_xlsx(town_admin, area_head, secretary_a, branch_a, branch_b, log):
    log(branch_a, TODAY.replace(day=1), "theme_day")
    page = town_admin.get(reverse("meetings:compliance"))
    assert page.status_code == 200 and "高峰村党支部" in page.content.decode()
    assert "高桥社区党支部" not in area_head.get(reverse("meetings:compliance")).content.decode()
    assert secretary_a.get(reverse("meetings:compliance")).status_code == 403
    xlsx = town_admin.get(reverse("meetings:compliance-xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames[1:] == ["逾期明细", "统计"]


def test_attendance_report_and_a_members_own_record(secretary_a, member, branch_a, member_a, log):
    log(
        branch_a,
        TODAY,
        "theme_day",
        marks={member_a.pk: __import__("meetings.services").services.Mark("leave", "official")},
    )
    page = secretary_a.get(reverse("meetings:attendance", args=[branch_a.pk]))
    assert "张三" in page.content.decode()
    assert secretary_a.get(reverse("meetings:attendance-xlsx", args=[branch_a.pk])).status_code == 200
    mine = member.get(reverse("meetings:mine"))
    assert "因公" in mine.content.decode()


def test_the_plan_is_kept_and_published_to_the_board(secretary_a, branch_a):
    url = reverse("meetings:plan", args=[branch_a.pk])
    secretary_a.post(f"{url}?year=2026", {"topic_3": "学雷锋志愿服务", "planned_on_3": "2026-03-05"})
    secretary_a.post(f"{reverse('meetings:plan-publish', args=[branch_a.pk])}?year=2026")
    from disclosure.models import Item

    item = Item.objects.get(branch=branch_a, category="theme_day_plan")
    assert item.period == "2026"
    assert "学雷锋志愿服务" in str(item.versions.last().payload)
