"""notices.services.flags_sync: the shared machinery daily jobs use to flag late work."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Flag, Notice
from notices.services import FlagSpec, flags_sync, notices_email_pending
from tests.factories import BranchFactory


def _spec(branch, period="2026-10", subject="rule:1"):
    return FlagSpec(branch_id=branch.pk, subject=subject, period=period, title=f"{branch.name} 逾期", url="/x/")


def test_a_due_item_opens_one_flag_and_tells_the_secretary_and_area_head(
    branch_a, secretary_a_user, area_head_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = flags_sync(kind="meeting_overdue", due=[_spec(branch_a)])
    assert result.opened == 1
    flag = Flag.objects.get()
    assert flag.is_open and flag.branch == branch_a
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {"secretary_a", "area_head"}


def test_running_twice_changes_nothing(branch_a, secretary_a_user, area_head_user):
    flags_sync(kind="meeting_overdue", due=[_spec(branch_a)])
    before = (list(Flag.objects.values_list("pk", "opened_at", "closed_at")), Notice.objects.count())
    result = flags_sync(kind="meeting_overdue", due=[_spec(branch_a)])
    assert result.opened == 0 and result.closed == 0 and result.reopened == 0
    assert (list(Flag.objects.values_list("pk", "opened_at", "closed_at")), Notice.objects.count()) == before


def test_an_item_no_longer_due_is_closed_and_reopens_if_due_again(branch_a, branch_b, secretary_a_user):
    flags_sync(kind="meeting_overdue", due=[_spec(branch_a), _spec(branch_b)])
    result = flags_sync(kind="meeting_overdue", due=[_spec(branch_b)])
    assert result.closed == 1
    assert not Flag.objects.get(branch=branch_a).is_open
    assert Flag.objects.get(branch=branch_b).is_open

    result = flags_sync(kind="meeting_overdue", due=[_spec(branch_a), _spec(branch_b)])
    assert result.reopened == 1 and result.opened == 0
    assert Flag.objects.filter(closed_at__isnull=True).count() == 2
    assert Flag.objects.count() == 2


def test_kinds_do_not_touch_each_other(branch_a):
    flags_sync(kind="meeting_overdue", due=[_spec(branch_a)])
    flags_sync(kind="milestone_late", due=[])
    assert Flag.objects.get(kind="meeting_overdue").is_open


def test_the_number_of_queries_does_not_grow_with_the_number_of_branches(town, area):
    def run(n: int, period: str) -> int:
        branches = [BranchFactory(parent=town, area=area) for _ in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            flags_sync(kind=f"k{n}", due=[_spec(b, period=period) for b in branches], notify=True)
        return len(ctx)

    assert run(3, "2026-01") == run(60, "2026-02")


def test_emails_go_out_once(branch_a, secretary_a_user):
    secretary_a_user.email = "sec@example.com"
    secretary_a_user.save()
    flags_sync(kind="meeting_overdue", due=[_spec(branch_a)])
    assert notices_email_pending() == 1
    assert notices_email_pending() == 0
    assert len(mail.outbox) == 1 and "逾期" in mail.outbox[0].subject


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_leave_one_flag_and_one_notice_each(town, area, secretary_a_user, area_head_user, branch_a):
    branches = [branch_a] + [BranchFactory(parent=town, area=area) for _ in range(20)]
    specs = [_spec(b) for b in branches]
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            flags_sync(kind="meeting_overdue", due=specs)
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
    assert Flag.objects.count() == 21
    assert Notice.objects.filter(recipient=secretary_a_user).count() == 1
    assert Notice.objects.filter(recipient=area_head_user).count() == 21
