"""The overdue pass: flag branches that missed a period, remind them a week before one ends.

One service behind the Celery task, the management command and a meeting's
save (which re-runs it for that branch, so logging the late meeting closes
its flag). It reads compliance in a fixed number of queries and hands the
overdue cells to ``notices.flags_sync``, which opens, reopens and closes the
flags and tells the branch secretary and the area head.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import responsible_users
from branches.models import Branch
from notices.models import Notice
from notices.services import FlagSpec, flags_sync, notify_many

from .compliance import DUE, OVERDUE, ComplianceCell, judge

FLAG_KIND = "meeting_overdue"


@dataclass(frozen=True)
class OverdueResult:
    as_of: dt.date
    overdue: int
    opened: int
    reopened: int
    closed: int
    reminded: int


def branches_judged() -> QuerySet[Branch]:
    return Branch.objects.filter(is_active=True)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the pages land after the core; until then a flag links nowhere
        return ""


def _flag_spec(cell: ComplianceCell) -> FlagSpec:
    return FlagSpec(
        branch_id=cell.branch_id,
        subject=cell.subject,
        period=cell.period.key,
        title=_("%(who)s %(period)s%(type)s逾期未召开")
        % {"who": cell.who, "period": cell.period.label, "type": cell.meeting_type},
        detail=cell.reason,
        url=_url("meetings:branch", cell.branch_id),
    )


def meetings_flag_overdue(
    *, as_of: dt.date | None = None, branches: QuerySet[Branch] | None = None, remind: bool = True
) -> OverdueResult:
    """Make the open ``meeting_overdue`` flags exactly the periods overdue on ``as_of`` (default today).

    Periods that ended within ``MEETINGS_OVERDUE_LOOKBACK_DAYS`` before ``as_of``
    are judged; a flag older than that closes. With ``branches`` only their
    flags are touched (a meeting's save re-runs the pass for its branch).
    """
    as_of = as_of or timezone.localdate()
    scope = branches_judged() if branches is None else branches.filter(is_active=True)
    start = as_of - dt.timedelta(days=settings.MEETINGS_OVERDUE_LOOKBACK_DAYS)
    end = as_of + dt.timedelta(days=settings.MEETINGS_REMIND_DAYS)
    cells = judge(branches=scope, start=start, end=end, as_of=as_of)
    overdue = [c for c in cells if c.status == OVERDUE and c.period.end >= start]
    result = flags_sync(kind=FLAG_KIND, due=[_flag_spec(c) for c in overdue], branches=branches)
    reminded = _remind(cells, as_of) if remind else 0
    return OverdueResult(
        as_of=as_of,
        overdue=len(overdue),
        opened=result.opened,
        reopened=result.reopened,
        closed=result.closed,
        reminded=reminded,
    )


def _remind(cells: list[ComplianceCell], as_of: dt.date) -> int:
    """Tell the secretary of each branch what is still due in a period ending within a week (once per period)."""
    soon = as_of + dt.timedelta(days=settings.MEETINGS_REMIND_DAYS)
    due = [c for c in cells if c.status == DUE and as_of <= c.period.end <= soon]
    if not due:
        return 0
    people = responsible_users({c.branch_id for c in due})
    notices = []
    for cell in due:
        for user in people.get(cell.branch_id, []):
            if user.branch_id != cell.branch_id:
                continue  # the reminder is the branch's own; the area head hears only when it is late
            notices.append(
                Notice(
                    recipient=user,
                    key=f"meeting_reminder:{cell.branch_id}:{cell.subject}:{cell.period.key}",
                    title=_("%(who)s %(period)s%(type)s尚未召开，%(day)s截止")
                    % {
                        "who": cell.who,
                        "period": cell.period.label,
                        "type": cell.meeting_type,
                        "day": cell.period.end.isoformat(),
                    },
                    body=cell.reason,
                    url=_url("meetings:create"),
                )
            )
    return notify_many(notices)
