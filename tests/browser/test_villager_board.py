"""A villager scans the code on the board with a 375 px phone, opens the board, reads an item and its 更正 trail."""

from __future__ import annotations

import datetime as dt
import io
import os
import urllib.request

import pytest
import zxingcpp
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from disclosure.models import Category, Site
from disclosure.services import disclosure_publish
from tests.browser.test_phone_journeys import CHROMIUM, PHONE, _fits_the_phone, page  # noqa: F401
from tests.conftest import IN_CI

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]

DUES = {"month": "2026-01", "members_due": 30, "members_paid": 29, "amount_paid": "1234.00", "note": ""}


@pytest.fixture
def board(branch_a):
    cache.clear()
    site = Site.objects.create(branch=branch_a, name="高峰村", slug="gaofeng", office_phone="0574-88123456")
    disclosure_publish(
        branch=branch_a, category=Category.DUES, period="2026-01", source="disclosure.dues",
        title="2026年1月党费收缴情况", payload=DUES, at=timezone.now() - dt.timedelta(days=20),
    )  # fmt: skip
    disclosure_publish(
        branch=branch_a, category=Category.DUES, period="2026-01", source="disclosure.dues",
        title="2026年1月党费收缴情况", payload={**DUES, "members_paid": 30, "amount_paid": "1270.00"},
        reason="补录一名党员的党费",
    )  # fmt: skip
    yield site
    cache.clear()


def test_villager_scans_the_code_and_reads_a_corrected_item(live_server, page, board):  # noqa: F811
    # The code printed on the board, as the phone's camera reads it.
    with urllib.request.urlopen(f"{live_server.url}/public/gaofeng/qr.png") as response:
        address = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.read())))[0].text
    assert address == f"{live_server.url}/public/gaofeng/"

    page.goto(address)
    assert page.inner_text("h1") == "高峰村党务公开栏"
    assert page.locator("main").count() == 1 and page.locator("nav[aria-label='当前位置']").count() == 1
    assert _fits_the_phone(page)

    page.click("text=2026年1月党费收缴情况")
    page.wait_for_url("**/public/items/*/")
    main = page.inner_text("main")
    assert "1270.00" in main and "更正：补录一名党员的党费" in main
    assert _fits_the_phone(page)

    # The earlier text is still there, folded under 更正记录; the villager opens it.
    assert not page.locator("#trail details").first.evaluate("d => d.open")
    page.click("#trail summary")
    assert page.locator("#trail").inner_text().count("1234.00") == 1
    assert "29 人" in page.locator("#trail").inner_text()
    assert _fits_the_phone(page)
    for tap_target in page.locator("main a, main summary").all():
        box = tap_target.bounding_box()
        assert box is None or box["height"] >= 24  # links sit in 44 px rows; inline text links at least 24


def test_the_board_reads_the_same_with_javascript_off(live_server, board):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
            page = context.new_page()
            page.goto(f"{live_server.url}/public/gaofeng/")
            page.click("text=2026年1月党费收缴情况")
            page.click("#trail summary")
            assert "1234.00" in page.locator("#trail").inner_text()
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
