"""The key tasks' wall chart: what each row and month cell says, escaped, in the same queries for any number of tasks."""

from __future__ import annotations

import re

from django.db import connection
from django.template.defaultfilters import truncatechars
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import services
from tests.factories import BranchFactory

LONG_TARGET = "完成全村十二个自然村的道路硬化和路灯安装工程并通过验收"  # 28 characters: cut to 24 in the cell


def _task(town, unit, number, *, year, title="村道改造", targets=None):
    return services.key_task_save(
        branch=town,
        year=year,
        number=number,
        title=title,
        leader="张书记",
        unit=unit,
        targets=targets or {1: "一月目标"},
    )


def _row(page: str, task) -> str:
    return re.search(
        rf'<tr>\s*<th scope="row" class="pj-wall__task">\s*<a href="/projects/key-tasks/{task.pk}/">.*?</tr>',
        page,
        re.S,
    ).group(0)


def test_each_row_shows_the_task_and_its_months_escaped(town_admin, town, branch_a):
    last_year = timezone.localdate().year - 1
    task = _task(
        town, branch_a, 1, year=last_year, title="<b>村道&改造</b>", targets={1: "一月目标", 6: LONG_TARGET, 12: "x<y"}
    )
    services.key_task_month_check(row=task.months.get(month=1), done=True, evidence="验收单")

    row = _row(town_admin.get(reverse("projects:wall-chart") + f"?year={last_year}").content.decode(), task)

    assert f'<a href="/projects/key-tasks/{task.pk}/">1. &lt;b&gt;村道&amp;改造&lt;/b&gt;</a>' in row
    assert '<span class="pj-wall__who">张书记 · 高峰村党支部</span>' in row
    cells = re.findall(r'<td class="pj-cell pj-cell--(\w+)"(?: title="([^"]*)")?>(.*?)</td>', row, re.S)
    assert [colour for colour, _title, _body in cells] == ["done"] + ["none"] * 4 + ["late"] + ["none"] * 5 + ["late"]
    done, june, december = cells[0], cells[5], cells[11]
    assert done[1] == "一月目标" and '<span class="pj-cell__mark" aria-label="已完成">✓</span>' in done[2]
    assert (
        june[1] == LONG_TARGET and f'<span class="pj-cell__target">{truncatechars(LONG_TARGET, 24)}</span>' in june[2]
    )
    assert 'aria-label="滞后">✗</span>' in june[2]
    assert december[1] == "x&lt;y" and '<span class="pj-cell__target">x&lt;y</span>' in december[2]

    next_year = timezone.localdate().year + 1
    ahead = _task(town, branch_a, 1, year=next_year)
    row = _row(town_admin.get(reverse("projects:wall-chart") + f"?year={next_year}").content.decode(), ahead)
    assert '<span class="pj-cell__mark" aria-label="未到期">○</span>' in row


def test_the_chart_takes_the_same_queries_for_few_or_many_tasks(town_admin, town):
    year = timezone.localdate().year
    url = reverse("projects:wall-chart")
    counts, made = [], 0
    for n in (1, 12):
        while made < n:
            made += 1
            _task(town, BranchFactory(parent=town), made, year=year, targets={m: f"{m}月目标" for m in range(1, 13)})
        town_admin.get(url)  # the navigation's unread count is cached from then on
        with CaptureQueriesContext(connection) as ctx:
            page = town_admin.get(url).content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert page.count('<th scope="row" class="pj-wall__task">') == 12 and page.count("pj-cell--none") == 0
