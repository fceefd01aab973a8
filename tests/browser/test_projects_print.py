"""The key-task wall chart prints on one A3 landscape sheet; a secretary reports a month's progress on a phone."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from tests.browser import test_phone_journeys as journeys
from tests.conftest import IN_CI

CHROMIUM, _fits_the_phone = journeys.CHROMIUM, journeys._fits_the_phone
page = journeys.page  # the same Playwright page fixture (Debian chromium at 375 px)

PDFINFO = shutil.which("pdfinfo")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not IN_CI and not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
    ),
]

# Long monthly targets, as a town office really writes them: the cells must still fit.
TARGET = "完成年度目标的阶段任务，形成台账并报镇党建办备案，同步做好群众宣传和现场督查工作"


def _login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _pdfinfo(path) -> dict[str, str]:
    out = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in out.splitlines())}


@pytest.mark.skipif(not IN_CI and PDFINFO is None, reason="needs poppler-utils (pdfinfo)")
def test_wall_chart_prints_on_one_a3_landscape_page(
    live_server, page, town, branch_a, branch_b, town_admin_user, tmp_path
):
    from projects import services

    year = dt.date.today().year
    for n in range(1, 17):
        services.key_task_save(
            branch=town,
            year=year,
            number=n,
            title=f"重点任务第{n}项：城镇环境综合整治提升与基础设施配套建设",
            leader="张盈军（镇党委书记）",
            unit=branch_a if n % 2 else branch_b,
            targets={m: TARGET for m in range(1, 13)},
        )
    town_admin_user.set_password("Gq-print-2018")
    town_admin_user.save()
    _login(page, live_server, "town_admin", "Gq-print-2018")
    page.goto(f"{live_server.url}/projects/key-tasks/?year={year}")
    assert page.locator("table.pj-wall tbody tr").count() == 16
    assert _fits_the_phone(page)  # on the phone the chart scrolls inside its own box

    pdf = tmp_path / "wall.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = _pdfinfo(pdf)
    assert info["Pages"] == "1"
    width, _x, height = info["Page size"].split()[:3]
    # A3 landscape is 420 × 297 mm = 1190.55 × 841.89 pt.
    assert round(float(width)) == 1191 and round(float(height)) == 842


def test_secretary_writes_the_monthly_report_on_a_phone(live_server, page, secretary_a_user, branch_a):
    from projects import services
    from projects.models import Category

    today = dt.date.today()
    project = services.project_create(
        branch=branch_a,
        lead=secretary_a_user.member,
        name="高峰村河道综合整治",
        category=Category.ENVIRONMENT,
        goal="完成 3 条河道清淤",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=200),
    )
    services.milestone_create(project=project, title="编制方案", planned_on=today + dt.timedelta(days=10))
    secretary_a_user.set_password("Gq-phone-2018")
    secretary_a_user.save()
    _login(page, live_server, "secretary_a", "Gq-phone-2018")

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    assert _fits_the_phone(page)
    page.click("text=填报月度进展")
    page.wait_for_url(f"**/projects/{project.pk}/report/")
    assert _fits_the_phone(page)
    small = page.evaluate(
        """() => [...document.querySelectorAll('main button, main input, main textarea, main a.button')]
              .filter(e => { const r = e.getBoundingClientRect(); return r.width && r.height < 44; }).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == [], "every tap target on the report form is at least 44 px high"
    page.fill("textarea[name=done]", "完成河道淤泥清运 1200 立方米")
    page.fill("textarea[name=next_steps]", "下月开始护岸砌筑")
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert "完成河道淤泥清运 1200 立方米" in page.inner_text("main")

    page.click("button:has-text('完成')")
    page.wait_for_load_state()
    assert "100%" in page.inner_text("main")
