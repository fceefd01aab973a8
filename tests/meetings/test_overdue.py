"""The overdue pass: flags through notices.flags_sync, closed by logging the late meeting, reminders."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.overdue import FLAG_KIND, meetings_flag_overdue
from meetings.tasks import flag_overdue_meetings
from notices.models import Flag, Notice
from tests.factories import BranchFactory, PartyGroupFactory

D = dt.date
AS_OF = D(2026, 11, 3)


@pytest.fixture
def theme_day_only(only_rule):
    rule = only_rule("theme_day")
    rule.valid_from = D(2026, 9, 1)
    rule.save()
    return rule


def test_a_missed_month_is_flagged_and_the_secretary_and_area_head_are_told(
    branch_a, secretary_a_user, area_head_user, log, theme_day_only, django_capture_on_commit_callbacks
):
    log(branch_a, D(2026, 9, 10), "theme_day")
    with django_capture_on_commit_callbacks(execute=True):
        result = meetings_flag_overdue(as_of=AS_OF)
    assert (result.overdue, result.opened) == (1, 1)
    flag = Flag.objects.get(kind=FLAG_KIND)
    assert (flag.branch, flag.period, flag.subject) == (branch_a, "2026-10", f"rule:{theme_day_only.pk}")
    assert "2026年10月" in flag.title and "主题党日" in flag.title
    assert "最近一次：2026-09-10" in flag.detail
    told = set(Notice.objects.filter(key=f"flag:{flag.pk}").values_list("recipient__username", flat=True))
    assert told == {"secretary_a", "area_head"}


def test_a_second_run_changes_nothing(branch_a, secretary_a_user, area_head_user, theme_day_only):
    meetings_flag_overdue(as_of=AS_OF)
    before = (sorted(Flag.objects.values_list("pk", "opened_at", "closed_at")), Notice.objects.count())
    result = meetings_flag_overdue(as_of=AS_OF)
    assert (result.opened, result.reopened, result.closed) == (0, 0, 0)
    assert (sorted(Flag.objects.values_list("pk", "opened_at", "closed_at")), Notice.objects.count()) == before


def test_logging_the_missing_meeting_closes_its_flag(
    branch_a, secretary_a_user, log, theme_day_only, django_capture_on_commit_callbacks
):
    meetings_flag_overdue(as_of=AS_OF)
    assert Flag.objects.filter(kind=FLAG_KIND, closed_at__isnull=True).count() == 2  # September and October
    with django_capture_on_commit_callbacks(execute=True):
        log(branch_a, D(2026, 10, 31), "theme_day")  # the save re-judges the branch
    open_periods = set(Flag.objects.filter(kind=FLAG_KIND, closed_at__isnull=True).values_list("period", flat=True))
    assert open_periods == {"2026-09"}
    assert Flag.objects.get(period="2026-10").closed_at is not None


def test_the_command_and_the_task_run_the_same_pass(branch_a, theme_day_only, capsys):
    call_command("flag_overdue_meetings", "--as-of", "2026-11-03")
    assert "逾期 2 项" in capsys.readouterr().out
    result = flag_overdue_meetings.apply(args=["2026-11-03"]).get()  # in-process; a real worker: test_worker.py
    assert result["overdue"] == 2 and result["opened"] == 0
    assert Flag.objects.filter(kind=FLAG_KIND).count() == 2


def test_a_week_before_the_period_ends_the_secretary_is_reminded_once(
    branch_a, secretary_a_user, area_head_user, log, theme_day_only
):
    log(branch_a, D(2026, 9, 10), "theme_day")
    log(branch_a, D(2026, 10, 10), "theme_day")
    result = meetings_flag_overdue(as_of=D(2026, 11, 24))
    assert result.reminded == 1
    notice = Notice.objects.get(key__startswith="meeting_reminder:")
    assert notice.recipient == secretary_a_user
    assert "2026年11月" in notice.title and "2026-11-30" in notice.title
    meetings_flag_overdue(as_of=D(2026, 11, 25))
    assert Notice.objects.filter(key__startswith="meeting_reminder:").count() == 1


def _pass_queries(town, area, n: int) -> list[str]:
    for _ in range(n):
        PartyGroupFactory(branch=BranchFactory(parent=town, area=area))
    Flag.objects.all().delete()
    Notice.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        meetings_flag_overdue(as_of=AS_OF)
    return [q["sql"] for q in ctx.captured_queries]


def test_the_pass_over_every_branch_takes_the_same_number_of_queries(town, area):
    """Bulk inserts go in batches (2,000 rows on PostgreSQL, far fewer on SQLite): counted once per table here."""

    def shape(queries):
        inserts = {q.split("(")[0] for q in queries if q.startswith("INSERT")}
        return len([q for q in queries if not q.startswith("INSERT")]) + len(inserts)

    small, large = _pass_queries(town, area, 2), _pass_queries(town, area, 40)
    assert shape(small) == shape(large)


@pytest.mark.postgres
def test_on_postgres_the_pass_runs_the_same_queries_at_two_sizes(town, area):
    assert len(_pass_queries(town, area, 2)) == len(_pass_queries(town, area, 40))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_leave_the_same_flags(town, area, secretary_a_user, area_head_user, branch_a, types):
    from meetings.models import MeetingRule

    MeetingRule.objects.exclude(meeting_type__code="theme_day").delete()
    for _ in range(10):
        BranchFactory(parent=town, area=area)
    meetings_flag_overdue(as_of=AS_OF)
    expected = sorted(Flag.objects.values_list("branch_id", "subject", "period"))
    Notice.objects.all().delete()
    Flag.objects.all().delete()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            meetings_flag_overdue(as_of=AS_OF)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(Flag.objects.values_list("branch_id", "subject", "period")) == expected
    assert Notice.objects.filter(recipient=secretary_a_user, key__startswith="flag:").count() == len(
        [e for e in expected if e[0] == branch_a.pk]
    )
