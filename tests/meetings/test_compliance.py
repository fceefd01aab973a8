"""Period edges of the compliance judgement, through the real service and selector."""

import datetime as dt

import pytest

from meetings.models import MeetingRule
from meetings.selectors import DUE, HELD, OVERDUE, compliance_for
from tests.factories import BranchFactory, PartyGroupFactory

D = dt.date


def _status(cells, key, code=None):
    found = {(c.period.key, c.party_group_id): c for c in cells if code is None or c.meeting_type == code}
    return {k: c.status for k, c in found.items() if k[0] == key}


def _by_period(cells):
    return {c.period.key: c for c in cells if c.party_group_id is None}


def test_a_meeting_on_the_last_day_of_a_leap_february_counts(branch_a, log, only_rule):
    only_rule("theme_day")
    log(branch_a, D(2024, 2, 29), "theme_day")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2024, 1, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 5))
    )
    assert cells["2024-02"].status == HELD
    assert cells["2024-02"].last_meeting_on == D(2024, 2, 29)
    assert cells["2024-01"].status == OVERDUE
    assert cells["2024-03"].status == DUE  # still running on 5 March


def test_quarter_end_and_the_day_after(branch_a, log, only_rule):
    only_rule("members")
    log(branch_a, D(2026, 3, 31), "members")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2026, 1, 1), end=D(2026, 9, 30), as_of=D(2026, 10, 1))
    )
    assert cells["2026Q1"].status == HELD
    assert cells["2026Q2"].status == OVERDUE
    assert cells["2026Q2"].last_meeting_on == D(2026, 3, 31)  # the last meeting that counted, before the period
    assert "2026年第2季度" in cells["2026Q2"].reason and "2026-03-31" in cells["2026Q2"].reason
    log(branch_a, D(2026, 4, 1), "members")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2026, 1, 1), end=D(2026, 9, 30), as_of=D(2026, 10, 1))
    )
    assert cells["2026Q2"].status == HELD
    assert cells["2026Q3"].status == OVERDUE


def test_half_year_ends_on_30_june(branch_a, log, only_rule):
    only_rule("lecture")
    log(branch_a, D(2026, 6, 30), "lecture")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2026, 1, 1), end=D(2026, 12, 31), as_of=D(2026, 7, 1))
    )
    assert cells["2026H1"].status == HELD
    assert cells["2026H2"].status == DUE
    assert set(cells) == {"2026H1", "2026H2"}


def test_one_sitting_counts_for_every_type_it_was_logged_as(branch_a, log):
    MeetingRule.objects.exclude(meeting_type__code__in=["theme_day", "members"]).delete()
    meeting = log(branch_a, D(2026, 9, 15), "members", "theme_day")
    cells = compliance_for(branches=[branch_a], start=D(2026, 9, 1), end=D(2026, 9, 30), as_of=D(2026, 10, 1))
    statuses = {(c.meeting_type, c.period.key): c.status for c in cells}
    assert statuses == {("主题党日", "2026-09"): HELD, ("党员大会", "2026Q3"): HELD}
    assert {c.last_meeting_id for c in cells} == {meeting.pk}


def test_a_branch_founded_mid_period_owes_nothing_for_that_period(town, log, only_rule):
    only_rule("members")
    MeetingRule.objects.exclude(meeting_type__code__in=["members"]).delete()
    branch = BranchFactory(parent=town, founded_on=D(2026, 2, 10))
    cells = _by_period(compliance_for(branches=[branch], start=D(2026, 1, 1), end=D(2026, 6, 30), as_of=D(2026, 7, 2)))
    assert set(cells) == {"2026Q2"}  # Q1 began before the branch existed
    assert cells["2026Q2"].status == OVERDUE


def test_a_rule_changed_mid_year_judges_earlier_periods_by_the_old_rule(branch_a, log, only_rule):
    old = only_rule("lecture")
    old.valid_until = D(2026, 6, 30)
    old.save()
    MeetingRule.objects.create(
        meeting_type=old.meeting_type, kinds=["branch"], period="quarter", count=2, valid_from=D(2026, 7, 1)
    )
    log(branch_a, D(2026, 3, 1), "lecture")
    log(branch_a, D(2026, 8, 1), "lecture")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2026, 1, 1), end=D(2026, 9, 30), as_of=D(2026, 10, 1))
    )
    assert set(cells) == {"2026H1", "2026Q3"}
    assert cells["2026H1"].status == HELD  # one lecture a half year, as the rule then said
    assert (cells["2026Q3"].status, cells["2026Q3"].required, cells["2026Q3"].held) == (OVERDUE, 2, 1)


def test_party_group_meetings_are_judged_per_group(branch_a, group_a, log, only_rule):
    only_rule("party_group")
    other = PartyGroupFactory(branch=branch_a, name="第二党小组")
    log(branch_a, D(2026, 5, 20), "party_group", group=group_a)
    cells = compliance_for(branches=[branch_a], start=D(2026, 5, 1), end=D(2026, 5, 31), as_of=D(2026, 6, 1))
    assert {(c.party_group_id, c.status) for c in cells} == {(group_a.pk, HELD), (other.pk, OVERDUE)}
    late = next(c for c in cells if c.status == OVERDUE)
    assert late.who == "高峰村党支部第二党小组"
    assert late.subject == f"rule:{late.rule_id}:group:{other.pk}"


def test_rules_apply_by_branch_kind_and_unit(town, branch_a, only_rule):
    only_rule("secretaries")  # 书记例会: the town committee only
    cells = compliance_for(branches=[town, branch_a], start=D(2026, 1, 1), end=D(2026, 3, 31), as_of=D(2026, 4, 1))
    assert {c.branch_id for c in cells} == {town.pk}


def test_drafts_do_not_count(branch_a, log, only_rule):
    only_rule("theme_day")
    log(branch_a, D(2026, 5, 20), "theme_day", status="draft")
    cells = _by_period(
        compliance_for(branches=[branch_a], start=D(2026, 5, 1), end=D(2026, 5, 31), as_of=D(2026, 6, 1))
    )
    assert cells["2026-05"].status == OVERDUE


@pytest.mark.parametrize("n_branches", [2, 12])
def test_compliance_reads_in_a_fixed_number_of_queries(town, log, only_rule, django_assert_num_queries, n_branches):
    branches = [BranchFactory(parent=town) for _ in range(n_branches)]
    for b in branches:
        PartyGroupFactory(branch=b)
        log(b, D(2026, 5, 20), "theme_day", "members")
    from branches.models import Branch

    qs = Branch.objects.filter(pk__in=[b.pk for b in branches])
    # Branches, rules, party groups, the look-back's and the window's type links, each after counting
    # all branches on PostgreSQL (which says how to read them there): the same for 2 branches as for 12.
    from django.db import connection

    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 5):
        compliance_for(branches=qs, start=D(2026, 1, 1), end=D(2026, 12, 31), as_of=D(2026, 11, 1))


def test_the_summary_counts_held_and_overdue_periods_per_branch(branch_a, log, only_rule):
    from meetings.selectors import compliance_summary_for

    only_rule("theme_day")
    log(branch_a, D(2026, 1, 5), "theme_day")
    summary = compliance_summary_for(branches=[branch_a], start=D(2026, 1, 1), end=D(2026, 4, 30), as_of=D(2026, 4, 10))
    assert (summary[branch_a.pk].held, summary[branch_a.pk].overdue, summary[branch_a.pk].percent) == (1, 2, 33.3)
