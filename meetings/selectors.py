"""Scoped reads of meetings, and the two selectors other apps build on.

``compliance_for`` (held / due / overdue per branch, rule and period) and
``attendance_for`` (per member: expected, present, on leave by reason, absent)
are the public contract: projects (the secretary's yearly report) and
assessment (scores) read meetings only through them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.scope import Cap, get_object_for_user, scope_for
from branches.models import Branch

from .compliance import DUE, HELD, OVERDUE, ComplianceCell, branch_infos, judge
from .figures_cache import branch_figures
from .models import (
    Attendance,
    Decision,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingRule,
    MeetingType,
    MinutesRevision,
    PlanItem,
)
from .tally import tally

__all__ = [
    "DUE",
    "HELD",
    "OVERDUE",
    "ComplianceCell",
    "ComplianceSummary",
    "MemberAttendance",
    "absent_streaks",
    "attendance_for",
    "compliance_cells",
    "compliance_for",
    "compliance_summary_for",
    "get_meeting_for_user",
    "meetings_visible_to",
]


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(scope_for(user).id_q(Cap.READ, "branch__"))
        .select_related("branch", "party_group")
        .prefetch_related(Prefetch("types", queryset=MeetingType.objects.order_by("order")))
    )


def attendance_visible_to(user) -> QuerySet[Attendance]:
    """Attendance marks of logged meetings (not drafts) the user may read, and a member's own marks.

    The branches are named by ID, not by path: with IDs the database reads one branch's meetings off
    the (branch, date) index instead of walking every branch's meetings by date (a secretary's page in a
    district of 40 towns: 0.1 ms against 15 ms). A reader's own marks are added by an OR only when
    some lie outside the branches they read (a member who moved): the OR keeps the database off that index.
    """
    scope = scope_for(user)
    marks = Attendance.objects.exclude(meeting__status=Meeting.Status.DRAFT)
    if scope.everything:
        return marks
    branch_ids = scope.branch_ids(Cap.READ)
    q = Q(meeting__branch_id__in=branch_ids)
    own = scope.own_member_id
    if own and Attendance.objects.filter(member_id=own).exclude(meeting__branch_id__in=branch_ids).exists():
        q |= Q(member_id=own)
    return marks.filter(q)


def type_values_of_meetings(meeting_ids: Iterable[int], field: str) -> dict[int, list[str]]:
    """Per meeting id, one field (``name``, ``code``) of each of its types, in the types' order: one query
    of plain values for a page of meetings, where a prefetch builds a related manager, a queryset and a
    model instance per meeting and type."""
    values: dict[int, list[str]] = {pk: [] for pk in meeting_ids}
    links = Meeting.types.through.objects.filter(meeting_id__in=list(values))
    for meeting_id, value in links.order_by("meetingtype__order", "meetingtype_id").values_list(
        "meeting_id", f"meetingtype__{field}"
    ):
        values[meeting_id].append(value)
    return values


def meetings_of_member(member_id: int) -> QuerySet[Meeting]:
    """The meetings a member was expected at (their own record)."""
    return Meeting.objects.filter(attendance__member_id=member_id)


def get_meeting_for_user(user, pk, *, write: bool | Cap = False) -> Meeting:
    """The meeting if the user may read it (404 otherwise), and write it with ``write`` (403 otherwise)."""
    return get_object_for_user(
        Meeting.objects.select_related("branch", "party_group").prefetch_related("types"),
        user,
        pk,
        write=write,
    )


def get_meeting_page_for_user(user, pk) -> Meeting:
    """The meeting for its page if the user may read it (404 otherwise), as :func:`get_meeting_for_user`,
    with whether it has any ``has_photos``, ``has_attachments``, ``has_decisions``, ``has_revisions``
    (read in the same query): those four lists are usually empty, and a query each only when they are not."""
    of_meeting = {"meeting": OuterRef("pk")}
    meetings = (
        Meeting.objects.select_related("branch", "party_group")
        .prefetch_related("types")
        .annotate(
            has_photos=Exists(MeetingPhoto.objects.filter(**of_meeting)),
            has_attachments=Exists(MeetingAttachment.objects.filter(**of_meeting)),
            has_decisions=Exists(Decision.objects.filter(**of_meeting)),
            has_revisions=Exists(MinutesRevision.objects.filter(**of_meeting)),
        )
    )
    return get_object_for_user(meetings, user, pk)


def plan_items_visible_to(user) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(scope_for(user).read_q("branch__")).select_related("branch")


def rules_in_force(on: dt.date | None = None) -> QuerySet[MeetingRule]:
    return MeetingRule.objects.in_force(on or timezone.localdate()).select_related("meeting_type")


def compliance_for(
    *,
    branches: QuerySet[Branch] | Iterable[Branch],
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
) -> list[ComplianceCell]:
    """Held, due or overdue for every branch (and party group), rule and period overlapping [start, end].

    Periods that begin after ``as_of`` (default today) are left out. Each
    :class:`~meetings.compliance.ComplianceCell` carries ``status``
    (``HELD``/``DUE``/``OVERDUE``), ``required`` and ``held`` counts, the
    period (``.period.key`` like "2026-03", "2026Q1", "2026H1", "2026"), the
    rule and meeting type, and ``last_meeting_id``/``last_meeting_on``: the
    last meeting that counted (in the period when held; before it otherwise).
    ``.reason`` says all of it in words. Seven queries whatever the number of
    branches. The caller scopes ``branches`` (e.g. ``branches_visible_to(user)``).
    """
    return judge(branches=branches, start=start, end=end, as_of=as_of or timezone.localdate())


_CELL_FIELDS = [f.name for f in dataclasses.fields(ComplianceCell)]
_STATUS = _CELL_FIELDS.index("status")


class _Cells(Sequence):
    """Cells kept as tuples of their fields, made cells only when read: a page is 50 of a town's 2,400."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [ComplianceCell(*fields) for fields in self.rows[i]]
        return ComplianceCell(*self.rows[i])


def compliance_cells(branches, year: int, today: dt.date, of_status: str | None = None) -> Sequence[ComplianceCell]:
    """``compliance_for`` over ``year`` as judged ``today`` (the API's cells, a secretary's yearly report):
    the cells of the branches (those of ``of_status`` if given), in their order: each branch's kept
    in the cache (:mod:`meetings.figures_cache`) until one of its meetings, or a rule, branch, party group
    or area, changes, or the day does; the branches missing judged together.

    Kept as tuples of the cells' fields: a town's 2,400 cells read back from the cache in a third of the
    time instances take, and made cells only for the page shown.
    """
    infos = {info.id: info for info in branch_infos(branches)}

    def count(missing: list[int]) -> dict[int, list[tuple]]:
        found: dict[int, list[tuple]] = {pk: [] for pk in missing}
        for cell in compliance_for(
            branches=[infos[pk] for pk in missing], start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), as_of=today
        ):
            found[cell.branch_id].append(tuple(getattr(cell, name) for name in _CELL_FIELDS))
        return found

    per_branch = branch_figures(f"cell-fields:{year}:{today:%Y%m%d}", infos, count)
    return _Cells(
        [
            fields
            for rows in per_branch.values()
            for fields in rows or ()
            if of_status is None or fields[_STATUS] == of_status
        ]
    )


@dataclass
class ComplianceSummary:
    """One branch's periods in a span: held on time or overdue (periods still running left out)."""

    branch_id: int
    held: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float | None:
        judged = self.held + self.overdue
        return round(100 * self.held / judged, 1) if judged else None


def compliance_summary_for(
    *,
    branches: QuerySet[Branch] | Iterable[Branch],
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
) -> dict[int, ComplianceSummary]:
    """Per branch id, how many of its ended periods were held and how many are overdue (and ``percent`` held).

    A branch with no rule that applies to it is absent. Counted by the database
    (:mod:`meetings.tally`, the compliance matrix's engine): four queries whatever the number of branches.
    """
    found: dict[int, ComplianceSummary] = {}
    counted = tally(branches=branches, start=start, end=end, as_of=as_of or timezone.localdate())
    for verdict in counted.verdicts():
        summary = found.setdefault(verdict.branch.id, ComplianceSummary(verdict.branch.id))
        if verdict.status == HELD:
            summary.held += 1
        elif verdict.status == OVERDUE:
            summary.overdue += 1
    return found


@dataclass
class MemberAttendance:
    """A member's record at the meetings they were expected at, in one span."""

    member_id: int
    expected: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0
    leave_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Attended out of expected, leave not held against (justified absences counted apart)."""
        owed = self.expected - self.leave
        return round(self.present / owed, 4) if owed else None


def attendance_for(
    *,
    start: dt.date,
    end: dt.date,
    members: Iterable[int] | QuerySet | None = None,
    branches: QuerySet[Branch] | Iterable[Branch] | None = None,
) -> dict[int, MemberAttendance]:
    """Per member id: expected, present, on leave (by reason) and absent, at meetings held in [start, end].

    Give ``members`` (ids or a queryset) or ``branches`` (the meetings of those
    branches). One query. Only submitted or confirmed meetings count.
    """
    qs = Attendance.objects.filter(meeting__held_on__gte=start, meeting__held_on__lte=end).exclude(
        meeting__status=Meeting.Status.DRAFT
    )
    if members is not None:
        qs = qs.filter(member_id__in=members)
    if branches is not None:
        qs = qs.filter(meeting__branch__in=branches)
    reasons = [r.value for r in Attendance.Reason]
    rows = (
        qs.values("member_id")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
            absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            **{f"r_{r}": Count("pk", filter=Q(status=Attendance.Status.LEAVE, reason=r)) for r in reasons},
        )
        .order_by()
    )
    found: dict[int, MemberAttendance] = {}
    for row in rows:
        by_reason = {r: row[f"r_{r}"] for r in reasons if row[f"r_{r}"]}
        found[row["member_id"]] = MemberAttendance(
            member_id=row["member_id"],
            expected=row["expected"],
            present=row["present"],
            leave=sum(by_reason.values()),
            absent=row["absent"],
            leave_by_reason=by_reason,
        )
    return found


def absent_streaks(*, branch: Branch, at_least: int = 3, until: dt.date | None = None) -> list[tuple[int, str, int]]:
    """Members of ``branch`` whose latest ``at_least`` or more meetings were all absences without leave.

    Returns (member id, name, streak length), longest first. Two queries instead of every member's
    whole record (3,000 marks for a branch of 80, 5–20 ms): the members with at least ``at_least``
    absences, counted per member off the attendance table alone (drafts' and later meetings'
    included: a few members too many, never too few), then only their marks at logged meetings up to
    ``until``, newest first, which give the exact streaks.
    """
    until = until or timezone.localdate()
    absences = (
        Attendance.objects.filter(member=OuterRef("pk"), status=Attendance.Status.ABSENT)
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    names = dict(
        branch.members.order_by()
        .annotate(absences=Subquery(absences))
        .filter(absences__gte=at_least)
        .values_list("pk", "name")
    )
    if not names:
        return []
    rows = (
        Attendance.objects.filter(member_id__in=list(names), meeting__held_on__lte=until)
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .order_by("member_id", "-meeting__held_on", "-meeting_id")
        .values_list("member_id", "status")
    )
    streaks: dict[int, int] = {}
    broken: set[int] = set()
    for member_id, status in rows:
        if member_id in broken:
            continue
        if status == Attendance.Status.ABSENT:
            streaks[member_id] = streaks.get(member_id, 0) + 1
        else:
            broken.add(member_id)
    found = [(m, names[m], n) for m, n in streaks.items() if n >= at_least]
    return sorted(found, key=lambda item: (-item[2], item[0]))
