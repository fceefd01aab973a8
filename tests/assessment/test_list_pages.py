"""The scores and rectification lists: their rows, pages and a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from assessment.models import CatchUpPlan, QuarterScore, Rectification
from tests.factories import BranchFactory

from .conftest import page_queries


def _list(client, **params) -> str:
    """The rectification list's HTML, its CSRF token left out."""
    html = client.get(reverse("assessment:rectifications"), params).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value|csrf-token" content)="[^"]+"', "", html)


def _rectification(branch, user, n, **kwargs):
    return Rectification.objects.create(
        branch=branch,
        opened_by=user,
        source=Rectification.Source.OTHER,
        finding=f"问题<{n}> & “整改”",
        deadline=kwargs.pop("deadline", timezone.localdate() + dt.timedelta(days=n)),
        **kwargs,
    )


def test_the_rectification_list_pages_its_rows_in_the_same_queries_for_few_or_many(
    town_admin, town_admin_user, branch_a
):
    late = _rectification(branch_a, town_admin_user, 0, deadline=timezone.localdate() - dt.timedelta(days=3))
    counts = []
    for n in (3, 45):
        while Rectification.objects.count() < n:
            _rectification(branch_a, town_admin_user, Rectification.objects.count())
        n_queries, page = page_queries(town_admin, reverse("assessment:rectifications"))
        counts.append(n_queries)
    assert counts[0] == counts[1]
    assert page.count('class="a-list__row"') == 30 and "第 1 / 2 页" in page
    assert f'href="{reverse("assessment:rectification-detail", args=[late.pk])}"' in page
    assert "问题&lt;0&gt; &amp; “整改”" in page and 'badge--red">逾期' in page

    second = _list(town_admin, page=2)
    assert second.count('class="a-list__row"') == 15 and "第 2 / 2 页" in second
    for beyond in ("9", "0", "-1"):  # out of range: the last page, as the paginator always did
        assert _list(town_admin, page=beyond) == second
    assert _list(town_admin, page="x") == _list(town_admin)


def test_an_empty_rectification_list_says_so(town_admin):
    page = town_admin.get(reverse("assessment:rectifications"), {"status": "fixed"}).content.decode()
    assert "没有符合条件的整改事项。" in page


def test_the_scores_page_lists_a_quarter_in_the_same_queries_for_few_or_many_units(town_admin, town):
    quarter = "2026Q2"
    url = f"{reverse('assessment:scores')}?quarter={quarter}"
    counts = []
    for n in (3, 55):
        while QuarterScore.objects.count() < n:
            k = QuarterScore.objects.count()
            QuarterScore.objects.create(
                branch=BranchFactory(parent=town, name=f"单位<{k}>"),
                quarter=quarter,
                total=Decimal("90.5") - k,
                rank=k + 1,
                stars=3,
                previous_stars=[None, 2, 4][k % 3],
            )
        n_queries, page = page_queries(town_admin, url)
        counts.append(n_queries)
    assert counts[0] == counts[1]
    assert page.count('class="stars"') == 50 and "第 1 / 2 页" in page
    assert '<td data-label="单位">单位&lt;0&gt;</td><td data-label="总分">90.5</td>' in page
    assert '<span class="up">↑</span>' in page and '<span class="down">↓</span>' in page
    assert "考核结果已锁定" not in page

    QuarterScore.objects.filter(rank=55).update(locked=True)  # on the second page: still the quarter's lock
    CatchUpPlan.objects.create(branch=QuarterScore.objects.get(rank=55).branch, quarter=quarter)
    page = town_admin.get(url).content.decode()
    assert "考核结果已锁定" in page
    plan = CatchUpPlan.objects.get()
    assert re.search(
        rf'<li><a href="{reverse("assessment:catch-up", args=[plan.pk])}">单位&lt;54&gt;</a> <span class="badge">[^<]+</span></li>',
        page,
    )
