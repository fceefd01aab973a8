"""A branch secretary on a 375 px phone, and a villager who scanned the board's code,
in Debian's chromium driven by Playwright against the live server."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import IN_CI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 375, "height": 812}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the live server's database work
    # happens in its own thread, so Django's async guard does not apply to us here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            )
            context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
            yield context.new_page()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_secretary_logs_in_on_a_phone_and_finds_a_member(live_server, page, secretary_a_user, member_a, member_b):
    secretary_a_user.set_password("Gq-phone-2018")
    secretary_a_user.save()

    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "Gq-phone-2018")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/branches/{member_a.branch_id}/")

    assert "高峰村党支部" in page.inner_text("h1")
    assert _fits_the_phone(page)
    page.fill("input[name=q]", "张")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    roster = page.inner_text("main")
    assert "张三" in roster and "李四" not in roster

    page.click("text=张三")
    page.wait_for_url(f"**/members/{member_a.pk}/")
    assert "13812345678" in page.inner_text("main")  # a secretary in office sees the phone
    assert _fits_the_phone(page)


def test_wrong_password_says_so_in_chinese(live_server, page, secretary_a_user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("body")


def test_villager_reads_the_public_branch_page_without_personal_data(live_server, page, secretary_a_user, member_a):
    page.goto(f"{live_server.url}/public/")
    page.click("text=高峰村党支部")
    page.wait_for_url("**/public/b/GQ-V01/")
    text = page.inner_text("body")
    assert "高峰村党支部" in text
    secretary = secretary_a_user.member
    assert secretary.name in text  # the committee wall names its members
    for private in (secretary.phone, secretary.id_number, member_a.phone, member_a.id_number):
        assert private not in page.content()
    assert _fits_the_phone(page)
