"""A secretary logs a meeting on a 375 px phone where the signal drops: nothing is lost, nothing is doubled
(not by a double tap, nor by Back and submitting again)."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from tests.browser.test_phone_journeys import CHROMIUM, _fits_the_phone, page  # noqa: F401 - the page fixture
from tests.conftest import IN_CI
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


def test_secretary_logs_a_members_meeting_that_is_also_the_theme_day(
    live_server,
    page,  # noqa: F811
    secretary_a_user,
    branch_a,
    member_a,
    tmp_path,  # noqa: F811
):
    from meetings.models import Attendance, Meeting
    from tests.meetings.conftest import ensure_town_rules

    ensure_town_rules()  # an earlier transactional test flushed the data migration's rows

    sick = MemberFactory(branch=branch_a, name="赵病假")
    away = MemberFactory(branch=branch_a, name="钱因公")
    MemberFactory(branch=branch_a, name="孙出席")
    secretary_a_user.set_password("Gq-phone-2018")
    secretary_a_user.save()
    photo = tmp_path / "meeting.jpg"
    Image.new("RGB", (2400, 1800), "orange").save(photo, "JPEG")

    page.goto(f"{live_server.url}/accounts/login/?next=/meetings/new/")
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "Gq-phone-2018")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/meetings/new/?token=" in url)  # the form's key is in its address
    assert _fits_the_phone(page)

    page.check("label:has-text('党员大会') input")
    page.check("label:has-text('主题党日') input")
    page.fill("input[name=place]", "村党群服务中心")
    page.fill("input[name=topic]", "学习党章，重温入党誓词")
    page.fill("input[name=host]", "王书记")
    page.select_option(f"select[name=att_{sick.pk}]", "leave:sick")
    page.select_option(f"select[name=att_{away.pk}]", "leave:official")
    assert page.inner_text("[data-count=leave]") == "2"
    key = page.input_value("input[name=idempotency_key]")

    # Halfway: the page reloads (a tap on the wrong link, the browser killed in the background …).
    page.reload()
    assert page.input_value("input[name=topic]") == "学习党章，重温入党誓词"
    assert page.is_checked("label:has-text('党员大会') input") and page.is_checked("label:has-text('主题党日') input")
    assert page.input_value(f"select[name=att_{sick.pk}]") == "leave:sick"
    assert page.input_value(f"select[name=att_{away.pk}]") == "leave:official"
    assert page.inner_text("[data-count=leave]") == "2"
    assert page.input_value("input[name=idempotency_key]") == key
    page.fill("textarea[name=minutes]", "会议由王书记主持，学习党章。")
    page.set_input_files("input[name=photos]", str(photo))
    assert _fits_the_phone(page)

    # A double tap on submit: the browser sends the form twice, both with the draft's key.
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.evaluate("() => { const b = document.querySelector('button[value=submit]'); b.click(); b.click(); }")
    page.wait_for_url(lambda url: "saved=" in url)
    page.wait_for_timeout(500)
    assert len(posts) >= 1
    assert _fits_the_phone(page)

    meeting = Meeting.objects.get()
    assert sorted(meeting.types.values_list("name", flat=True)) == ["主题党日", "党员大会"]
    assert meeting.leave_count == 2 and meeting.present_count == meeting.expected_count - 2
    assert dict(Attendance.objects.filter(meeting=meeting, status="leave").values_list("member__name", "reason")) == {
        "赵病假": "sick",
        "钱因公": "official",
    }
    assert meeting.photos.count() == 1 and meeting.minutes == "会议由王书记主持，学习党章。"
    # Back to the form and submit again: the form's address holds its key, so the saved meeting is shown.
    page.go_back()
    if "/meetings/new/" in page.url:  # a browser that kept the page in its back-forward cache shows the form
        page.click("button[value=submit]")
    page.wait_for_url(lambda url: f"/meetings/{meeting.pk}/" in url)
    assert "这次会议已经保存过了" in page.content()
    assert Meeting.objects.count() == 1
    # Once the saved page was seen, the draft is gone from the phone.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/?saved={key}")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('meeting-draft:')).length") == 0
