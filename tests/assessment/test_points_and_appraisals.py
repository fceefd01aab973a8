"""The points and appraisal pages: the figures they show, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Appraisal, PointEntry
from tests.factories import MemberFactory

from .conftest import page_queries


def _entry(member, points, *, branch=None, kind=PointEntry.Kind.SERVICE, reason="志愿服务", on=None):
    return PointEntry.objects.create(
        member=member,
        branch=branch or member.branch,
        on=on or timezone.localdate(),
        kind=kind,
        points=points,
        reason=reason,
    )


def _ranking(html: str) -> list[tuple[str, str, int]]:
    return [
        (name, branch, int(total))
        for name, branch, total in re.findall(
            r'<td data-label="姓名">(.*?)</td><td data-label="支部">(.*?)</td><td data-label="积分">(-?\d+)</td>', html
        )
    ]


def test_the_points_page_shows_the_ledger_and_the_ranking_the_entries_make(
    secretary_a, secretary_a_user, branch_a, branch_b
):
    own = secretary_a_user.member
    _entry(own, 5, reason="抗台值守")
    _entry(own, -2, kind=PointEntry.Kind.DEDUCTION, reason="无故缺席")
    _entry(own, 3, branch=branch_b, reason="原支部记分")  # recorded in a branch outside her reach: still hers
    neighbour = MemberFactory(branch=branch_a, name="王五")
    _entry(neighbour, 4)
    _entry(neighbour, 4)
    _entry(MemberFactory(branch=branch_b, name="李四"), 9)  # another branch's member: not in her ranking
    _entry(neighbour, 7, on=timezone.localdate().replace(year=timezone.localdate().year - 1))  # last year

    page = secretary_a.get(reverse("assessment:points")).content.decode()

    assert re.search(r'<p class="big-number">6 <span', page)  # 5 - 2 + 3
    assert '抗台值守</span><span class="a-list__meta">' in page and "扣分 · <strong>-2</strong>" in page
    assert "志愿服务 · <strong>+5</strong>" in page
    assert _ranking(page) == [
        ("王五", "高峰村党支部", 8),
        (own.name, "高峰村党支部", 3),
        (own.name, "高桥社区党支部", 3),
    ]


def test_the_points_page_takes_the_same_queries_for_few_or_many_members(secretary_a, secretary_a_user, branch_a):
    _entry(secretary_a_user.member, 2)
    counts = []
    for n in (3, 45):  # 45 ranked members: two pages
        while PointEntry.objects.count() < n:
            _entry(MemberFactory(branch=branch_a), 1)
        n_queries, page = page_queries(secretary_a, reverse("assessment:points"))
        counts.append(n_queries)
    assert counts[0] == counts[1]
    assert len(_ranking(page)) == 30 and "第 1 / 2 页" in page


def test_the_appraisal_page_lists_the_branch_to_grade_in_the_same_queries_for_few_or_many(
    secretary_a, secretary_a_user, branch_a, branch_b
):
    MemberFactory(branch=branch_b, name="李四")  # not hers to grade
    counts = []
    for n in (3, 40):
        while branch_a.members.count() < n:
            MemberFactory(branch=branch_a)
        n_queries, page = page_queries(secretary_a, reverse("assessment:appraisals"))
        counts.append(n_queries)
    assert counts[0] == counts[1]
    options = re.findall(r'<option value="(\d+)">(.*?)</option>', page.split('name="member"')[1].split("</select>")[0])
    names = list(branch_a.members.order_by("name", "pk").values_list("pk", "name"))
    assert [(int(pk), name) for pk, name in options] == names
    assert "李四" not in page


def test_a_secretary_grades_a_member_from_the_page(secretary_a, branch_a):
    member = MemberFactory(branch=branch_a, name="王五")
    response = secretary_a.post(
        reverse("assessment:appraisals"),
        {
            "form": "grade",
            "member": member.pk,
            "grade": "excellent",
            "votes_excellent": 12,
            "votes_qualified": 1,
            "votes_basic": 0,
            "votes_unqualified": 0,
        },
    )
    assert response.status_code == 302
    appraisal = Appraisal.objects.get(member=member)
    assert (appraisal.branch, appraisal.grade, appraisal.votes_excellent) == (branch_a, "excellent", 12)
    page = secretary_a.get(reverse("assessment:appraisals")).content.decode()
    assert '<td data-label="姓名">王五</td>' in page and '<td data-label="等次">优秀</td>' in page


def test_the_points_api_pages_the_ledger_newest_first_without_counting_it(town_admin, branch_a, branch_b):
    import datetime as dt

    members = MemberFactory.create_batch(3, branch=branch_a) + [MemberFactory(branch=branch_b)]
    today = timezone.localdate()
    entries = [_entry(m, 1, on=today - dt.timedelta(days=i)) for i, m in enumerate(members * 2)]
    url = reverse("api:assessment-points-list")
    first = town_admin.get(url, {"page_size": 5}).json()
    assert set(first) == {"next", "previous", "results"} and first["previous"] is None  # no count
    second = town_admin.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    ids = [row["id"] for row in first["results"] + second["results"]]
    newest_first = sorted(entries, key=lambda e: (e.on, e.pk), reverse=True)
    assert ids == [e.pk for e in newest_first]
    assert town_admin.get(url, {"page": 3, "page_size": 5}).status_code == 404


def test_the_appraisals_api_lists_by_year_branch_and_name_reading_no_personal_column(town_admin, branch_a, branch_b):
    """The list names members by name only: their ID numbers, phones and addresses are not even read."""
    year = timezone.localdate().year
    for branch, names in ((branch_b, ("赵六", "钱七")), (branch_a, ("孙八", "李四"))):
        for name in names:
            Appraisal.objects.create(member=MemberFactory(branch=branch, name=name), branch=branch, year=year)
    Appraisal.objects.create(member=MemberFactory(branch=branch_a, name="周九"), branch=branch_a, year=year - 1)

    url = reverse("api:assessment-appraisals-list")
    town_admin.get(url)
    with CaptureQueriesContext(connection) as ctx:
        answer = town_admin.get(url).json()

    first, second = sorted((branch_a, branch_b), key=lambda b: b.pk)
    by_branch = {branch_a.pk: ["孙八", "李四"], branch_b.pk: ["赵六", "钱七"]}
    assert [(row["year"], row["branch"], row["member_name"]) for row in answer["results"]] == [
        *((year, first.pk, name) for name in sorted(by_branch[first.pk])),
        *((year, second.pk, name) for name in sorted(by_branch[second.pk])),
        (year - 1, branch_a.pk, "周九"),
    ]
    assert answer["count"] == 5
    (sql,) = [
        query["sql"] for query in ctx.captured_queries if query["sql"].startswith('SELECT "assessment_appraisal"."id"')
    ]
    for column in ("id_number", "phone", "address", "birth_date", 'branches_branch"."name'):
        assert column not in sql
