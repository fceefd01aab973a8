"""Compliance figures are kept per branch (meetings.figures_cache): a meeting logged recounts its branch only.

The matrix, the compliance API, a branch's calendar and the town dashboard sum their figures from
each branch's, kept in the cache under the shared generation and the branch's own. Which branches
were counted is seen by the meetings they read (``meeting_type_links``, the one query every count
of meetings goes through).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import dashboard, sources
from assessment.periods import quarter_bounds, quarter_of
from assessment.selectors import units_of
from branches.models import Branch
from meetings import figures_cache
from meetings import tally as tally_module
from meetings.compliance import judge
from meetings.matrix import compliance_matrix, count_matrix
from meetings.models import Meeting, MeetingRule
from meetings.report_views import _calendar_lines
from meetings.selectors import compliance_cells
from tests.factories import BranchFactory, PartyGroupFactory

D = dt.date
AUGUST_15 = D(2026, 8, 15)  # the dashboard's day: July has ended and is judged


@pytest.fixture
def town_of_three(town, area, branch_a, branch_b, group_a, log, types):
    """Three branches (one with party groups, one in no area), meetings in several months, a draft."""
    branch_c = BranchFactory(parent=town, name="新村党支部", area=area)
    PartyGroupFactory(branch=branch_c, name="第二党小组")
    log(branch_a, D(2026, 1, 9), "theme_day", "members")
    log(branch_a, D(2026, 5, 20), "party_group", group=group_a)
    log(branch_b, D(2026, 2, 3), "theme_day", "committee")
    log(branch_b, D(2025, 11, 3), "lecture")  # before the year: a reason's "last held on"
    log(branch_c, D(2026, 3, 30), "theme_day", status="draft")
    log(branch_c, D(2026, 4, 2), "members")
    return [branch_a, branch_b, branch_c]


def _matrix(client) -> dict:
    matrix = client.get(f"{reverse('meetings:compliance')}?year=2026").context["matrix"]
    return {
        "rows": {row.branch_id: (row.months, len(row.overdue)) for row in matrix.rows},
        "overdue": len(matrix.overdue),
        "per_area": matrix.per_area,
        "per_rule": matrix.per_rule,
    }


def _api(client, branch) -> list[dict]:
    return client.get(f"/api/compliance/?year=2026&branch={branch.pk}&page_size=200").json()["results"]


def _held(cells, meeting_type) -> int:
    return sum(c["held"] for c in cells if c["meeting_type"] == meeting_type.name)


def _glance(user, town):
    return dashboard.town_glance(user, town, today=AUGUST_15)


def _squares(client, branch) -> list:
    return client.get(f"{reverse('meetings:branch', args=[branch.pk])}?year=2026").context["lines"]


def test_a_meeting_logged_recounts_its_branch_only(
    town_of_three, town_admin, town_admin_user, secretary_a, town, log, types, counted
):
    branch_a, branch_b, branch_c = town_of_three
    everyone = {b.pk for b in Branch.objects.all()}
    matrix, api, glance, squares = (
        _matrix(town_admin),
        _api(town_admin, branch_a),
        _glance(town_admin_user, town),
        _squares(secretary_a, branch_a),
    )
    assert counted() == everyone  # the first views count every branch
    assert (_matrix(town_admin), _api(town_admin, branch_a), _glance(town_admin_user, town)) == (matrix, api, glance)
    assert _squares(secretary_a, branch_a) == squares
    assert counted() == set()  # and the next ones none

    log(branch_a, D(2026, 7, 3), "theme_day")  # July's 主题党日, logged in branch A

    after = _matrix(town_admin)
    assert counted() == {branch_a.pk}
    assert after["rows"][branch_a.pk][1] == matrix["rows"][branch_a.pk][1] - 1  # July's 主题党日 no longer overdue
    assert after["overdue"] == matrix["overdue"] - 1
    assert {pk: row for pk, row in after["rows"].items() if pk != branch_a.pk} == {
        pk: row for pk, row in matrix["rows"].items() if pk != branch_a.pk
    }
    assert _held(_api(town_admin, branch_a), types["theme_day"]) == _held(api, types["theme_day"]) + 1
    assert counted() == {branch_a.pk}
    assert _glance(town_admin_user, town).compliance > glance.compliance
    assert counted() == {branch_a.pk}
    assert _squares(secretary_a, branch_a) != squares
    assert counted() == {branch_a.pk}

    # The whole town seen again: only what was not yet counted since (the other branches' API cells).
    town_admin.get("/api/compliance/?year=2026&page_size=200")
    assert counted() == everyone - {branch_a.pk}
    _matrix(town_admin)
    _glance(town_admin_user, town)
    assert counted() == set()

    meeting = Meeting.objects.get(branch=branch_b, held_on=D(2026, 2, 3))
    meeting.types.remove(types["committee"])  # a meeting's types changed
    _matrix(town_admin)
    assert counted() == {branch_b.pk}
    meeting.delete()  # a meeting deleted
    _matrix(town_admin)
    assert counted() == {branch_b.pk}


def test_a_meeting_moved_to_another_branch_recounts_both(town_of_three, town_admin, counted):
    branch_a, branch_b, _branch_c = town_of_three
    _matrix(town_admin)
    counted()
    meeting = Meeting.objects.get(branch=branch_a, held_on=D(2026, 1, 9))
    meeting.branch = branch_b
    meeting.save()
    seen = _matrix(town_admin)
    assert counted() == {branch_a.pk, branch_b.pk}
    assert seen == _fresh_matrix()


def test_a_type_s_meetings_changed_from_the_type_s_side_recounts_all(town_of_three, town_admin, types, counted):
    _matrix(town_admin)
    counted()
    types["lecture"].meetings.add(Meeting.objects.get(held_on=D(2026, 4, 2)))
    seen = _matrix(town_admin)
    assert counted() == {b.pk for b in Branch.objects.all()}
    assert seen == _fresh_matrix()


@pytest.mark.parametrize("change", ["rule", "meeting type", "branch", "party group", "party group deleted", "area"])
def test_a_rule_or_the_organisation_changed_judges_every_branch_again_from_the_kept_counts(
    change, town_of_three, town_admin, town_admin_user, town, area, group_a, types, counted, monkeypatch
):
    """Such a change drops every branch's figures, not the counts of their meetings (what a branch's
    meetings alone make): every branch is judged again, and no meeting is read again (but after a party
    group's change, kept with the counts)."""
    branch_a, branch_b, _branch_c = town_of_three
    before = _matrix(town_admin)
    _glance(town_admin_user, town)
    town_admin.get("/api/compliance/?year=2026&page_size=200")
    counted()
    judged: list[int] = []
    real_init = tally_module.Tally.__init__

    def judging(self, **kwargs):
        real_init(self, **kwargs)
        judged.extend(info.id for info in self.infos)

    monkeypatch.setattr(tally_module.Tally, "__init__", judging)
    if change == "rule":
        rule = MeetingRule.objects.get(meeting_type__code="theme_day")
        rule.count = 2
        rule.save()
    elif change == "meeting type":
        types["theme_day"].name = "主题党日活动"
        types["theme_day"].save()
    elif change == "branch":
        branch_b.name = "高桥社区第一党支部"
        branch_b.save()
    elif change == "party group":
        group_a.name = "第三党小组"
        group_a.save()
    elif change == "party group deleted":
        group_a.delete()  # its meetings' party group set to none in bulk, behind the meetings' signals
    else:
        area.name = "东部片区"
        area.save()
    everyone = {b.pk for b in Branch.objects.all()}
    # A branch's party groups are kept with its meeting counts: a party group's change reads them again.
    read_again = change.startswith("party group")
    seen = _matrix(town_admin)
    assert set(judged) == everyone and counted() == (everyone if read_again else set())
    assert seen == _fresh_matrix()
    if change == "rule":
        assert seen != before  # two 主题党日 a month: judged against the new rule
    town_admin.get("/api/compliance/?year=2026&page_size=200")
    assert counted() == everyone  # the API's cells name each period's last meeting: judge() reads the meetings
    judged.clear()
    _glance(town_admin_user, town)
    assert set(judged) == everyone - {town.pk}  # the town's own committee is no assessed unit
    assert counted() == (everyone - {town.pk} if read_again else set())
    today = timezone.localdate()  # every cell, with its last meeting's date, as counted afresh
    assert _everything(town, today) == _everything_counted(town, today)


def test_meetings_written_in_bulk_are_counted_once_their_writer_forgets_them(town_of_three, town_admin, types, counted):
    """A bulk writer (the demo seeding) goes behind the meetings' signals: forget_meetings drops the kept
    counts too, where forget_figures (a rule changed) keeps them."""
    branch_a, _branch_b, _branch_c = town_of_three
    _matrix(town_admin)
    counted()
    meeting = Meeting.objects.bulk_create(
        [Meeting(branch=branch_a, held_on=D(2026, 7, 3), topic="七月主题党日", status=Meeting.Status.CONFIRMED)]
    )[0]
    Meeting.types.through.objects.bulk_create(
        [Meeting.types.through(meeting_id=meeting.pk, meetingtype_id=types["theme_day"].pk)]
    )
    figures_cache.forget_figures()
    assert _matrix(town_admin) != _fresh_matrix()  # judged again from the counts kept before the write
    counted()
    figures_cache.forget_meetings()
    assert _matrix(town_admin) == _fresh_matrix()
    assert counted() == {b.pk for b in Branch.objects.all()}


def _fresh_matrix() -> dict:
    """The matrix as the page shows it, counted afresh (without the cache)."""
    from branches.models import Area

    fresh = count_matrix(
        branches=Branch.objects.all(),
        year=2026,
        as_of=timezone.localdate(),
        area_names=dict(Area.objects.values_list("pk", "name")),
    )
    return {
        "rows": {row.branch_id: (row.months, len(row.overdue)) for row in fresh.rows},
        "overdue": len(fresh.overdue),
        "per_area": fresh.per_area,
        "per_rule": fresh.per_rule,
    }


def _unit_compliance_counted(town, start, today) -> dashboard.UnitCompliance:
    """The dashboard's figures as they were counted before they were kept per branch: from the scoring's
    ``sources.meeting_compliance``."""
    units = list(units_of(town).select_related("area"))
    compliance = sources.meeting_compliance(units, start, today) or {}
    by_area: dict[str, list] = {}
    for unit in units:
        by_area.setdefault(unit.area.name if unit.area else dashboard.OUTSIDE_AREAS, []).append(compliance.get(unit.pk))
    return dashboard.UnitCompliance(
        unit_ids=tuple(u.pk for u in units),
        compliance=dashboard._mean(compliance.get(u.pk) for u in units),
        by_area=tuple(
            (name, p)
            for name, values in sorted(by_area.items(), key=lambda pair: pair[0] == dashboard.OUTSIDE_AREAS)
            if (p := dashboard._mean(values)) is not None
        ),
    )


def _everything(town, today):
    """Every figure kept per branch, for the whole town, as the cache gives it."""
    from branches.models import Area

    branches = Branch.objects.all()
    area_names = dict(Area.objects.values_list("pk", "name"))
    start, _end = quarter_bounds(quarter_of(AUGUST_15))
    return (
        compliance_matrix(branches=branches, year=2026, as_of=today, area_names=area_names),
        list(compliance_cells(branches, 2026, today)),
        dashboard.unit_compliance(town, start, AUGUST_15),
    )


def _everything_counted(town, today):
    from branches.models import Area

    branches = Branch.objects.all()
    area_names = dict(Area.objects.values_list("pk", "name"))
    start, _end = quarter_bounds(quarter_of(AUGUST_15))
    return (
        count_matrix(branches=branches, year=2026, as_of=today, area_names=area_names),
        judge(branches=branches, start=D(2026, 1, 1), end=D(2026, 12, 31), as_of=today),
        _unit_compliance_counted(town, start, AUGUST_15),
    )


def test_the_kept_figures_are_those_counted_afresh(town_of_three, town, secretary_a, log, types, group_a):
    branch_a, branch_b, branch_c = town_of_three
    today = timezone.localdate()
    BranchFactory(parent=town, name="无规则党委", kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)  # owes nothing
    first = _everything(town, today)
    assert first == _everything_counted(town, today)
    assert first[0].overdue and first[1] and first[2].compliance is not None
    log(branch_a, D(2026, 7, 3), "theme_day")
    log(branch_c, D(2026, 6, 12), "party_group", group=branch_c.party_groups.get())
    after = _everything(town, today)  # two branches from the cache, two counted
    assert after == _everything_counted(town, today) and after != first
    calendar = _squares(secretary_a, branch_a)
    assert calendar == _calendar_lines(branch_a, 2026, today)[0]
    log(branch_a, D(2026, 8, 3), "theme_day")
    assert _squares(secretary_a, branch_a) == _calendar_lines(branch_a, 2026, today)[0] != calendar


def test_figures_counted_before_a_meeting_commits_are_dropped_when_it_does(
    town_of_three, town_admin, counted, django_capture_on_commit_callbacks
):
    branch_a, _branch_b, _branch_c = town_of_three
    meeting = Meeting.objects.get(branch=branch_a, held_on=D(2026, 1, 9))
    with django_capture_on_commit_callbacks() as on_commit:
        meeting.topic = "学习党章"
        meeting.save(update_fields=["topic"])  # a save with nothing else to do when it commits
        _matrix(town_admin)  # counted under the generation of the moment, before the commit
        counted()
        _matrix(town_admin)
        assert counted() == set()
    assert on_commit
    for callback in on_commit:
        callback()
    _matrix(town_admin)
    assert counted() == {branch_a.pk}


def test_the_figures_are_counted_without_a_cache(
    monkeypatch, town_of_three, town_admin, town_admin_user, secretary_a, town, log, counted
):
    branch_a, _branch_b, _branch_c = town_of_three
    today = timezone.localdate()

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(figures_cache.cache, method, down)
    log(branch_a, D(2026, 7, 3), "theme_day")  # renewing the generation fails quietly too
    for _ in range(2):
        seen = _matrix(town_admin)
        assert counted() == {b.pk for b in Branch.objects.all()}
        assert seen == _fresh_matrix()
        assert _everything(town, today) == _everything_counted(town, today)
        assert _squares(secretary_a, branch_a) == _calendar_lines(branch_a, 2026, today)[0]
        assert _glance(town_admin_user, town).compliance is not None
        assert len(_api(town_admin, branch_a)) > 0


def test_a_meeting_saved_is_counted_again_when_it_commits_so_the_next_views_count_nothing(
    town_admin, secretary_a, town, area, branch_a, branch_b, log, types, counted, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    views = [
        (town_admin, f"{reverse('meetings:compliance')}?year={today.year}"),
        (secretary_a, reverse("meetings:branch", args=[branch_a.pk])),
        (town_admin, reverse("api:compliance-list")),
        (town_admin, reverse("assessment:dashboard")),
    ]
    for client, url in views:
        assert client.get(url).status_code == 200
    counted()
    with django_capture_on_commit_callbacks(execute=True):
        log(branch_a, today, "theme_day")
    assert counted() == {branch_a.pk}  # the write counted its branch again
    seen = [client.get(url) for client, url in views]
    assert counted() == set()  # and no view had to
    cells = seen[2].json()["results"]
    figures_cache.forget_figures()
    assert town_admin.get(reverse("api:compliance-list")).json()["results"] == cells  # what a fresh count says
    assert counted() == {branch_a.pk, branch_b.pk} | {b.pk for b in Branch.objects.filter(path__startswith=town.path)}
