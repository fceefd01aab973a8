"""On a 375 px phone: an area head records a month's inspection with a finding and a photo; the village's
secretary states the cause and the fix; the area head verifies it. Debian's chromium through Playwright."""

from __future__ import annotations

import io
import os
import re
import shutil

import pytest
from django.utils import timezone
from PIL import Image

from assessment.models import Inspection, Rectification
from tests.assessment.defaults import ensure_assessment_defaults
from tests.conftest import IN_CI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}
PASSWORD = "Gq-phone-2018"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


@pytest.fixture
def phone():
    """A function that opens a fresh phone (its own cookies) in one chromium."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the live server's database work runs in its own thread
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            )

            def new_phone():
                context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
                return context.new_page()

            yield new_phone
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _log_in(page, base: str, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_area_head_inspects_on_a_phone_and_the_secretary_answers_the_finding(
    live_server, phone, tmp_path, area_head_user, secretary_a_user, branch_a, branch_b
):
    ensure_assessment_defaults()
    photo = tmp_path / "board.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 40, 40)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    today = timezone.localdate()

    # The area head opens 月度督查 from the menu and starts an inspection of a village in the area.
    head = phone()
    _log_in(head, live_server.url, area_head_user)
    head.goto(f"{live_server.url}/assessment/inspections/")
    assert _fits(head)
    head.click("text=开始督查")
    head.wait_for_url("**/assessment/inspections/new/")
    options = head.locator("select[name=branch] option").all_inner_texts()
    assert branch_a.name in options and branch_b.name not in options  # only the units of the area
    head.select_option("select[name=branch]", label=branch_a.name)
    assert head.input_value("input[name=month]") == today.strftime("%Y-%m")
    assert head.input_value("input[name=inspected_on]") == today.isoformat()  # today, ready to save
    first_score = head.locator(".score-field input").first
    first_score.fill("1")
    head.fill("textarea[name=finding_1]", "党务公开栏党费收缴情况未按月更新")
    head.set_input_files("input[name=finding_1_photo]", str(photo))
    assert _fits(head)
    head.click("text=保存督查结果")
    head.wait_for_url(re.compile(r".*/assessment/inspections/\d+/$"))
    assert "党务公开栏党费收缴情况未按月更新" in head.inner_text("main")
    assert _fits(head)

    inspection = Inspection.objects.get(branch=branch_a)
    rect = Rectification.objects.get(inspection=inspection)
    assert rect.status == Rectification.Status.OPEN and rect.photo
    assert inspection.score < inspection.full_marks

    # The secretary sees it among the branch's rectification items and answers it on the phone.
    secretary = phone()
    _log_in(secretary, live_server.url, secretary_a_user)
    secretary.goto(f"{live_server.url}/assessment/rectifications/")
    assert _fits(secretary)
    secretary.click("text=党务公开栏党费收缴情况未按月更新")
    secretary.wait_for_url(f"**/assessment/rectifications/{rect.pk}/")
    assert secretary.locator("img.finding-photo").count() == 1
    secretary.fill("textarea[name=cause]", "宣传委员调整，交接不到位")
    secretary.fill("textarea[name=measures]", "明确专人每月5日前更新公开栏")
    assert _fits(secretary)
    secretary.click("text=提交说明")
    secretary.wait_for_load_state()
    assert "整改中" in secretary.inner_text("main")
    secretary.fill("textarea[name=result]", "已补齐本月党费收缴公示")
    secretary.click("text=报告已整改")
    secretary.wait_for_load_state()
    assert "待验收" in secretary.inner_text("main")
    assert secretary.locator("text=验收销号").count() == 0  # a unit does not verify its own work
    assert _fits(secretary)

    # Back on the area head's phone: verified, closed.
    head.goto(f"{live_server.url}/assessment/rectifications/{rect.pk}/")
    head.fill("textarea[name=note]", "现场核实已整改")
    head.click("text=验收销号")
    head.wait_for_load_state()
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.VERIFIED
    assert [e.action for e in rect.events.all()] == ["open", "explain", "fix", "verify"]
    assert "已销号" in head.inner_text("main")
