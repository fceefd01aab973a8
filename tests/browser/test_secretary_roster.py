"""Issue 9's acceptance on a 375 px phone: the secretary keeps her roster without a computer.

She finds a member on page 2 by typing the pinyin of the name, adds a
probationary member, edits a phone number and records a conversion. On every
page she sees: nothing wider than the screen, every tap target at least 44 px.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Member
from members.pii import make_id_number
from tests.factories import MemberFactory

from .test_phone_journeys import PHONE, _fits_the_phone, page  # noqa: F401  (the page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Names whose pinyin sorts before zhao…: 55 of them fill page 1 (50 a page) and spill over.
GIVEN = "安邦宏伟明华建国秀英丽娟志强桂兰海燕玉梅文杰俊杰晓东春梅红霞凤英德明永强"

# Everything a finger can hit, measured as the browser lays it out. A checkbox or
# radio inside its label is hit through the label.
SMALL_TARGETS = """
() => {
  const out = [];
  const seen = new Set();
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    let target = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) target = el.closest('label');
    if (seen.has(target)) continue;
    seen.add(target);
    const r = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || r.right < 0 || r.left > innerWidth) continue;
    if (r.width < 44 || r.height < 44) out.push(`${target.tagName} "${(target.innerText || target.name || target.id || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}
"""


def _check_phone_page(tab) -> None:
    assert _fits_the_phone(tab), f"{tab.url} is wider than {PHONE['width']} px"
    small = tab.evaluate(SMALL_TARGETS)
    assert not small, f"{tab.url}: tap targets under 44 px: {small}"


def test_secretary_keeps_her_roster_on_a_phone(live_server, page, secretary_a_user, branch_a, group_a):  # noqa: F811
    secretary_a_user.set_password("Gq-phone-2018")
    secretary_a_user.save()
    today = timezone.localdate()
    for i in range(55):
        MemberFactory(branch=branch_a, name="艾" + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7 + 3) % len(GIVEN)])
    target = MemberFactory(
        branch=branch_a,
        name="赵志远",
        category=Member.Category.PROBATIONARY,
        full_member_on=None,
        joined_on=today - dt.timedelta(days=400),
        phone="13711112222",
    )

    page.goto(f"{live_server.url}/accounts/login/")
    _check_phone_page(page)
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "Gq-phone-2018")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/branches/{branch_a.pk}/")

    # The search box is the first thing on the page, above the fold.
    box = page.locator("input[name=q]").bounding_box()
    assert box["y"] + box["height"] < 400  # was at 863 px
    # 50 compact rows fit in under 4,000 px.
    roster = page.locator("ul.roster").bounding_box()
    assert page.locator("li.roster__row").count() == 50 and roster["height"] < 4000
    assert "赵志远" not in page.inner_text("ul.roster")  # on page 2
    _check_phone_page(page)

    # Find him by typing the pinyin.
    page.fill("input[name=q]", "zhaozhi")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=zhaozhi**")
    rows = page.locator("li.roster__row")
    assert rows.count() == 1 and "赵志远" in rows.inner_text()
    assert page.locator("li.roster__row a[href='tel:13711112222']").count() == 1  # tap to call
    _check_phone_page(page)
    page.click("li.roster__row .roster__main")
    page.wait_for_url(f"**/members/{target.pk}/")
    _check_phone_page(page)

    # Edit his phone number.
    page.click("text=修改信息")
    page.wait_for_url(f"**/members/{target.pk}/edit/")
    _check_phone_page(page)
    page.fill("input[name=phone]", "1371111")
    page.click("main button[type=submit]")
    assert "11 位手机号" in page.inner_text("main")  # told in Chinese, on the field
    _check_phone_page(page)
    page.fill("input[name=phone]", "13799998888")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/members/{target.pk}/")
    assert "13799998888" in page.inner_text("main")

    # Record his conversion, decided by the members' meeting.
    page.click("text=记录转正")
    page.wait_for_url(f"**/members/{target.pk}/convert/")
    _check_phone_page(page)
    page.fill("input[name=conversion_meeting_on]", (today - dt.timedelta(days=3)).isoformat())
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/members/{target.pk}/")
    assert "转为正式党员" in page.inner_text("main")
    target.refresh_from_db()
    assert target.category == "full" and target.conversion_meeting_on == today - dt.timedelta(days=3)

    # Add a probationary member from the branch page.
    page.goto(f"{live_server.url}/branches/{branch_a.pk}/")
    page.click("text=添加预备党员")
    page.wait_for_url(f"**/members/add/{branch_a.pk}/")
    _check_phone_page(page)
    page.fill("input[name=name]", "钱新苗")
    page.fill("input[name=id_number]", make_id_number("330203", dt.date(1999, 9, 9), 17))
    page.fill("input[name=joined_on]", (today - dt.timedelta(days=7)).isoformat())
    page.fill("input[name=phone]", "13655556666")
    page.select_option("select[name=party_group]", str(group_a.pk))
    page.click("main button[type=submit]")
    page.wait_for_url("**/members/*/")
    added = Member.objects.get(name="钱新苗")
    assert (added.category, added.branch_id, added.party_group_id) == ("probationary", branch_a.pk, group_a.pk)
    assert "已添加预备党员" in page.inner_text("main")
    _check_phone_page(page)


def test_the_menu_folds_on_a_phone_and_every_link_is_one_tap_away(live_server, page, secretary_a_user, branch_a):  # noqa: F811
    secretary_a_user.set_password("Gq-phone-2018")
    secretary_a_user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "secretary_a")
    page.fill("input[name=password]", "Gq-phone-2018")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/branches/{branch_a.pk}/")
    links = page.locator(".site-nav ul a")
    assert links.count() > 5 and not links.first.is_visible()  # folded
    assert page.locator(".site-nav").bounding_box()["height"] < 50
    page.click(".site-nav__toggle")
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    _check_phone_page(page)
    page.click(".site-nav ul >> text=修改密码")
    page.wait_for_url("**/password**")
