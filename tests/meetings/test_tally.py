"""The database's count (meetings.tally, behind the compliance matrix) gives judge()'s verdicts, in fewer rows."""

import datetime as dt

import pytest
from django.urls import reverse

from branches.models import Branch
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


@pytest.mark.parametrize("as_of", [D(2024, 3, 5), D(2024, 7, 1), D(2024, 10, 1), D(2025, 1, 2)])
def test_the_count_agrees_with_judge_cell_by_cell(varied, as_of):
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
        with CaptureQueriesContext(connection) as ctx:
            page = town_admin.get(f"{reverse('meetings:compliance')}?year=2026")
        assert page.status_code == 200 and "逾期" in page.content.decode()
        return len(ctx)

    add(2)
    town_admin.get(reverse("meetings:compliance"))
    few = queries()
    add(10)
    assert queries() == few
