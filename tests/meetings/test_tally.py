"""The database's count (meetings.tally, behind the compliance matrix) gives judge()'s verdicts, in fewer rows."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch
from meetings import compliance as compliance_module
from meetings import figures_cache
from meetings.compliance import judge
from meetings.models import MeetingRule
from meetings.tally import tally
from tests.factories import BranchFactory, PartyGroupFactory

D = dt.date


@pytest.fixture
def varied(town, branch_a, branch_b, group_a, log, types):
    """Combined sittings, per-group meetings, a leap day, drafts, meetings before the window,
    a branch founded mid-period, one dissolved, a rule changed mid-year."""
    second = PartyGroupFactory(branch=branch_a, name="第二党小组")
    young = BranchFactory(parent=town, name="新建村党支部", founded_on=D(2024, 2, 10))
    gone = BranchFactory(parent=town, name="撤并村党支部", dissolved_on=D(2024, 8, 20), is_active=False)
    lecture = MeetingRule.objects.get(meeting_type__code="lecture")
    lecture.valid_until = D(2024, 6, 30)
    lecture.save()
    MeetingRule.objects.create(
        meeting_type=lecture.meeting_type, kinds=["branch"], period="quarter", count=2, valid_from=D(2024, 7, 1)
    )
    log(branch_a, D(2023, 11, 3), "theme_day")  # before the window: only a reason's "last held on"
    log(branch_a, D(2024, 2, 29), "theme_day", "members")
    log(branch_a, D(2024, 3, 31), "members")
    log(branch_a, D(2024, 4, 1), "theme_day", "committee")
    log(branch_a, D(2024, 5, 20), "party_group", group=group_a)
    log(branch_a, D(2024, 5, 21), "party_group", group=second, status="draft")
    log(branch_a, D(2024, 6, 30), "lecture")
    log(branch_a, D(2024, 8, 1), "lecture")
    log(branch_b, D(2024, 1, 31), "theme_day", "committee", "members")
    log(branch_b, D(2024, 12, 31), "appraisal")
    log(young, D(2024, 3, 15), "theme_day")
    log(gone, D(2024, 7, 1), "members")
    log(town, D(2024, 3, 2), "secretaries")
    return Branch.objects.filter(pk__in=[town.pk, branch_a.pk, branch_b.pk, young.pk, gone.pk])


@pytest.mark.parametrize("by_meeting", [False, True], ids=["links joined", "links by meeting"])
@pytest.mark.parametrize("as_of", [D(2024, 3, 5), D(2024, 7, 1), D(2024, 10, 1), D(2025, 1, 2)])
def test_the_count_agrees_with_judge_cell_by_cell(varied, as_of, by_meeting, monkeypatch):
    # One town's links are read joined; a town's among many, by meeting (PostgreSQL only).
    if by_meeting and connection.vendor != "postgresql":
        pytest.skip("links are found by meeting on PostgreSQL only")
    monkeypatch.setattr(compliance_module, "_links_by_meeting", lambda n_branches: by_meeting)
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    cells = judge(branches=varied, start=start, end=end, as_of=as_of)
    counted = tally(branches=varied, start=start, end=end, as_of=as_of)
    verdicts = list(counted.verdicts())

    def key(c):
        return (c.branch_id, c.rule_id, c.party_group_id, c.period.key)

    assert [(key(c), c.held, c.status) for c in cells] == [
        ((v.branch.id, v.rule.pk, v.group_id, v.period.key), v.held, v.status) for v in verdicts
    ]
    assert {c.status for c in cells} >= {"held", "overdue"}
    full = counted.cells(verdicts)
    assert [(key(c), c.last_meeting_on, c.reason) for c in full] == [
        (key(c), c.last_meeting_on, c.reason) for c in cells
    ]


@pytest.mark.parametrize("as_of", [D(2024, 3, 5), D(2025, 1, 2)])
def test_judging_one_branch_reads_its_look_back_with_the_window_and_agrees_with_judging_many(varied, as_of):
    """One branch's links before the window come in the window's query; many branches' from a second."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start, end = D(2024, 1, 1), D(2024, 12, 31)

    def facts(cells):
        return [
            (c.branch_id, c.rule_id, c.party_group_id, c.period.key, c.held, c.status)
            + (c.last_meeting_id, c.last_meeting_on, c.reason)
            for c in cells
        ]

    cells = judge(branches=varied, start=start, end=end, as_of=as_of)
    one_by_one = []
    for branch in varied.order_by("path"):
        with CaptureQueriesContext(connection) as ctx:
            one_by_one += facts(judge(branches=[branch], start=start, end=end, as_of=as_of))
        assert len(ctx) <= 4  # rules, party groups, meetings and their links: no separate look-back
    assert one_by_one == facts(cells)
    assert D(2023, 11, 3) in {c.last_meeting_on for c in cells}  # a "last held on" from before the window


def test_the_matrix_page_reads_in_a_number_of_queries_that_does_not_grow_with_branches(town, town_admin, log, types):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            branch = BranchFactory(parent=town)
            PartyGroupFactory(branch=branch)
            log(branch, D(2026, 5, 20), "theme_day", "members")
            if i % 2:
                log(branch, D(2025, 12, 20), "committee")  # a "last held on" from before the year

    def queries() -> int:
        figures_cache.forget_meetings()  # counted from the meetings, nothing taken from the cache
        with CaptureQueriesContext(connection) as ctx:
            page = town_admin.get(f"{reverse('meetings:compliance')}?year=2026")
        assert page.status_code == 200 and "逾期" in page.content.decode()
        return len(ctx)

    add(2)
    town_admin.get(reverse("meetings:compliance"))
    few = queries()
    add(10)
    assert queries() == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="links are found by meeting on PostgreSQL only")
def test_the_type_links_read_the_same_joined_or_by_meeting(varied, monkeypatch):
    from meetings.models import MeetingType

    branch_ids = list(varied.values_list("pk", flat=True))
    type_ids = list(MeetingType.objects.values_list("pk", flat=True))

    def read(by_meeting, **dates):
        monkeypatch.setattr(compliance_module, "_links_by_meeting", lambda n_branches: by_meeting)
        rows = compliance_module.meeting_type_links(branch_ids, type_ids, **dates)
        return sorted(rows, key=lambda r: (r[4], r[2]))

    year = read(False, since=D(2024, 1, 1), until=D(2024, 12, 31))
    earlier = read(False, since=D(2021, 1, 1), before=D(2024, 7, 1))
    assert read(True, since=D(2024, 1, 1), until=D(2024, 12, 31)) == year
    assert read(True, since=D(2021, 1, 1), before=D(2024, 7, 1)) == earlier
    # ``before`` is exclusive, ``until`` inclusive: the first half of 2024 is the same rows either way.
    assert year and all(row[3] < D(2024, 7, 1) for row in earlier)
    assert [row for row in earlier if row[3] >= D(2024, 1, 1)] == [row for row in year if row[3] < D(2024, 7, 1)]
    assert any(row[3] < D(2024, 1, 1) for row in earlier)


def test_a_town_among_many_finds_its_links_by_meeting_and_one_town_joins_them(town, branch_a, branch_b):
    from branches.models import Branch as B

    assert not compliance_module._links_by_meeting(B.objects.count())  # every branch: read the link table
    if connection.vendor == "postgresql":
        for _ in range(5 * 2):
            BranchFactory(parent=town)
        assert compliance_module._links_by_meeting(2)  # two of more than ten


def test_the_matrix_and_the_api_are_kept_until_a_meeting_changes_them(town, town_admin, branch_a, log, types):
    """Both come from the cache on a second view, and a meeting logged, edited or deleted shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import Meeting

    today = timezone.localdate()
    matrix = f"{reverse('meetings:compliance')}?year={today.year}"
    api = f"/api/compliance/?branch={branch_a.pk}&page_size=200"

    def read():
        with CaptureQueriesContext(connection) as ctx:
            page = town_admin.get(matrix).content.decode()
            cells = town_admin.get(api).json()["results"]
        counted = any("meetings_meeting" in q["sql"] for q in ctx.captured_queries)
        held = sum(c["held"] for c in cells if c["meeting_type"] == types["theme_day"].name)
        return page, held, counted

    figures_cache.forget_figures()
    _page, before, counted = read()
    assert counted
    _page, again, counted = read()
    assert again == before and not counted  # the second view is the cached figures

    meeting = log(branch_a, today, "theme_day")  # logged through the service: the figures are forgotten
    _page, after, counted = read()
    assert counted and after == before + 1
    Meeting.objects.get(pk=meeting.pk).types.remove(types["theme_day"])  # its types changed
    assert read()[1] == before
