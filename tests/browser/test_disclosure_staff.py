"""党务公开 staff pages on a 375 px phone: an area head checks a fixture with a photo, a secretary drafts an item."""

from __future__ import annotations

import os

import pytest

from disclosure.models import Fixture, Item
from disclosure.sites import site_create
from tests.conftest import IN_CI
from tests.disclosure.images import jpeg_bytes

from .test_phone_journeys import CHROMIUM, PHONE, page  # noqa: F401 - the phone browser fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]


def _fits(page) -> bool:  # noqa: F811
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _login(page, live_server, user):  # noqa: F811
    user.set_password("Gq-phone-2018")
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Gq-phone-2018")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_area_head_records_a_fixture_check_on_a_phone(live_server, page, area_head_user, branch_a, tmp_path):  # noqa: F811
    site = site_create(branch=branch_a, name="高峰村", slug="gaofeng")
    photo = tmp_path / "flag.jpg"
    photo.write_bytes(jpeg_bytes((800, 600)))
    _login(page, live_server, area_head_user)

    page.goto(f"{live_server.url}/disclosure/sites/")
    assert _fits(page)
    page.click("text=高峰村")
    page.wait_for_url(f"**/disclosure/sites/{site.pk}/")
    assert _fits(page) and "未检查 7" in page.inner_text("main")
    page.click("text=一旗（党旗）")
    page.check("input[value=needs_fixing]")
    page.fill("textarea[name=note]", "党旗褪色，需更换")
    page.set_input_files("input[name=photo]", str(photo))
    assert _fits(page)
    page.click("text=保存检查结果")
    page.wait_for_url(f"**/disclosure/sites/{site.pk}/")
    main = page.inner_text("main")
    assert "需整改 1" in main and "已记录" in page.inner_text("body")
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    assert flag.status == Fixture.Status.NEEDS_FIXING and flag.checks.get().photo


def test_secretary_drafts_and_submits_an_item_on_a_phone(live_server, page, secretary_a_user, branch_a):  # noqa: F811
    _login(page, live_server, secretary_a_user)
    page.goto(f"{live_server.url}/disclosure/items/")
    assert _fits(page) and "还没有公开事项" in page.inner_text("main")
    page.click("text=新建公开事项")
    page.select_option("select[name=category]", "party_documents")
    page.fill("input[name=period]", "2026-03")
    page.fill("input[name=title]", "学习贯彻党的二十届四中全会精神")
    page.fill("textarea[name=body]", "一、原原本本学。\n\n二、联系实际学。")
    assert _fits(page)
    page.click("text=保存并提交审核")
    page.wait_for_load_state()
    assert "已提交审核" in page.inner_text("body") and _fits(page)
    assert Item.objects.get().state == Item.State.SUBMITTED
