"""Held, due or overdue: every branch × rule × period, judged from the meetings logged.

The engine reads in a fixed number of queries whatever the number of branches
(rules, branches, party groups, the meetings' type links in the window and
before it, each after counting all branches to choose how to read them) and
judges in Python: seven queries for many branches, whether two or a district's
(``tests/meetings/test_compliance.py`` holds the number at 2 and at 12).

Judging:
* a rule applies to a branch by its kind and unit; a per-party-group rule to
  each party group of such a branch;
* a period is judged by the rule in force on its first day (a rule changed
  mid-year leaves earlier periods as they were);
* a branch founded after a period began, or dissolved before it ended, owes
  nothing for that period;
* a sitting counts once for every type it was logged as, in the branch (and,
  for per-group rules, the party group) where it was held;
* a period that has ended with fewer meetings than the rule asks is overdue;
  one still running is due; one that has enough is held.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Lookup, QuerySet
from django.utils.translation import gettext as _

from branches.models import Branch, PartyGroup

from .models import Meeting, MeetingRule
from .periods import Period, periods_between

HELD, DUE, OVERDUE = "held", "due", "overdue"
STATUS_LABELS = {HELD: "已召开", DUE: "待召开", OVERDUE: "逾期未召开"}

# How far back "the last meeting that counted" is looked for before the window.
LAST_MEETING_LOOKBACK_DAYS = 3 * 366


@dataclass(frozen=True)
class BranchInfo:
    id: int
    name: str
    kind: str
    unit: str
    area_id: int | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None

    def owes(self, period: Period) -> bool:
        """A branch owes a period only if it existed for the whole of it."""
        if self.founded_on and self.founded_on > period.start:
            return False
        return not (self.dissolved_on and self.dissolved_on < period.end)


@dataclass
class ComplianceCell:
    """One branch (or party group), one rule, one period."""

    branch_id: int
    branch_name: str
    area_id: int | None
    rule_id: int
    meeting_type_id: int
    meeting_type: str
    party_group_id: int | None
    party_group_name: str
    period: Period
    required: int
    held: int
    status: str
    last_meeting_id: int | None = None
    last_meeting_on: dt.date | None = None

    @property
    def subject(self) -> str:
        """The flag subject: the rule, and the party group for per-group rules."""
        base = f"rule:{self.rule_id}"
        return f"{base}:group:{self.party_group_id}" if self.party_group_id else base

    @property
    def who(self) -> str:
        return f"{self.branch_name}{self.party_group_name}" if self.party_group_name else self.branch_name

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def reason(self) -> str:
        """Which rule, which period, the last meeting that counted — in words."""
        text = _("%(who)s %(period)s 应召开%(type)s %(required)d 次，已召开 %(held)d 次") % {
            "who": self.who,
            "period": self.period.label,
            "type": self.meeting_type,
            "required": self.required,
            "held": self.held,
        }
        if self.last_meeting_on:
            text += _("；最近一次：%(day)s") % {"day": self.last_meeting_on.isoformat()}
        else:
            text += _("；近期没有召开记录")
        return text


def _branch_infos(branches: QuerySet[Branch] | Iterable[Branch | BranchInfo]) -> list[BranchInfo]:
    if isinstance(branches, QuerySet):
        rows = branches.order_by("path").values_list(
            "pk", "name", "kind", "unit", "area_id", "founded_on", "dissolved_on"
        )
        return [BranchInfo(*row) for row in rows]
    return [
        b
        if isinstance(b, BranchInfo)
        else BranchInfo(b.pk, b.name, b.kind, b.unit, b.area_id, b.founded_on, b.dissolved_on)
        for b in branches
    ]


def branch_infos(branches: QuerySet[Branch] | Iterable[Branch | BranchInfo]) -> list[BranchInfo]:
    """What judging reads of each branch (a queryset's in the order of the tree, in one query): the
    infos may be given to :func:`judge` and :func:`meetings.tally.tally` instead of branches."""
    return _branch_infos(branches)


def judge(
    *,
    branches: QuerySet[Branch] | Iterable[Branch],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    rules: Iterable[MeetingRule] | None = None,
) -> list[ComplianceCell]:
    """Every (branch or group, rule, period) overlapping [start, end] that had begun by ``as_of``."""
    infos = _branch_infos(branches)
    if not infos:
        return []
    rules = list(rules if rules is not None else MeetingRule.objects.select_related("meeting_type"))
    branch_ids = [b.id for b in infos]

    # Periods per rule, and the whole window they span.
    rule_periods: dict[int, list[Period]] = {}
    for rule in rules:
        found = [p for p in periods_between(rule.period, start, end) if rule.judges(p) and p.start <= as_of]
        if found:
            rule_periods[rule.pk] = found
    rules = [r for r in rules if r.pk in rule_periods]
    if not rules:
        return []
    window_start = min(p.start for ps in rule_periods.values() for p in ps)
    window_end = min(max(p.end for ps in rule_periods.values() for p in ps), as_of)

    groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if any(r.per_party_group for r in rules):
        for pk, branch_id, name in (
            PartyGroup.objects.filter(branch_id__in=branch_ids)
            .order_by("name", "pk")
            .values_list("pk", "branch_id", "name")
        ):
            groups[branch_id].append((pk, name))

    # (branch, group or None, type) -> [(held_on, meeting id)], sorted by date; and the last meeting before
    # the window, for "last held on …" in a reason. Judging one branch (its calendar, the pass after a
    # meeting's save), the look-back's few hundred links come with the window's, in one query; for many
    # branches the database's latest date per key keeps the rows few, in a second.
    type_ids = {r.meeting_type_id for r in rules}
    one_branch = len(branch_ids) == 1
    held: dict[tuple, list[tuple[dt.date, int]]] = defaultdict(list)
    before = {} if one_branch else last_meetings_before(branch_ids, type_ids, window_start)
    links = meeting_type_links(
        branch_ids, type_ids, since=_lookback_start(window_start) if one_branch else window_start, until=window_end
    )
    for branch_id, group_id, type_id, held_on, meeting_id in links:
        if held_on < window_start:
            _keep_latest(before, branch_id, group_id, type_id, held_on)
            continue
        held[(branch_id, None, type_id)].append((held_on, meeting_id))
        if group_id:
            held[(branch_id, group_id, type_id)].append((held_on, meeting_id))
    for dates in held.values():
        dates.sort()

    cells: list[ComplianceCell] = []
    for info in infos:
        for rule in rules:
            if not rule.applies_to(info.kind, info.unit):
                continue
            units = groups.get(info.id, []) if rule.per_party_group else [(None, "")]
            for group_id, group_name in units:
                dates = held.get((info.id, group_id, rule.meeting_type_id), [])
                for period in rule_periods[rule.pk]:
                    if not info.owes(period):
                        continue
                    cells.append(_cell(info, rule, group_id, group_name, period, dates, before, as_of))
    return cells


def last_meetings_before(branch_ids, type_ids, start: dt.date) -> dict[tuple, dt.date]:
    """The last meeting of each type before ``start`` (within the look-back), by
    ``(branch, party group or None, type)``: the branch's key takes its groups' meetings too."""
    before: dict[tuple, dt.date] = {}
    for branch_id, group_id, type_id, held_on, _meeting_id in meeting_type_links(
        branch_ids, type_ids, since=_lookback_start(start), before=start
    ):
        _keep_latest(before, branch_id, group_id, type_id, held_on)
    return before


def meeting_type_links(
    branch_ids, type_ids, *, since: dt.date, until: dt.date | None = None, before: dt.date | None = None
) -> Iterator[tuple[int, int | None, int, dt.date, int]]:
    """(branch, party group or None, type, date, meeting) for each type of each logged meeting (not a
    draft) of the branches held from ``since`` to ``until`` (inclusive) or ``before`` (exclusive).

    One query, in one of two shapes. Joined on the meetings' branch and dates, PostgreSQL reads the
    whole link table: right when the branches are most of the database (one town: 1.5 ms), but a town
    among 40 read the district's 154,000 links to find its 2,300 (21 ms). When the branches are
    less than a fifth of all branches, the links are found by meeting instead, through the link
    table's meeting index (``meeting_id = ANY(ARRAY(<the meetings>))``: 4.5 ms there).
    """
    when = {"held_on__gte": since}
    if until is not None:
        when["held_on__lte"] = until
    if before is not None:
        when["held_on__lt"] = before
    branch_ids = list(branch_ids)
    links = Meeting.types.through.objects.filter(meetingtype_id__in=type_ids)
    if _links_by_meeting(len(branch_ids)):
        meetings = Meeting.objects.filter(branch_id__in=branch_ids, **when).exclude(status=Meeting.Status.DRAFT)
        links = links.filter(_EqualsAny(F("meeting_id"), ArraySubquery(meetings.values("pk"))))
    else:
        links = links.filter(meeting__branch_id__in=branch_ids, **{f"meeting__{k}": v for k, v in when.items()})
        links = links.exclude(meeting__status=Meeting.Status.DRAFT)
    yield from links.values_list(
        "meeting__branch_id", "meeting__party_group_id", "meetingtype_id", "meeting__held_on", "meeting_id"
    ).order_by()


class _EqualsAny(Lookup):
    """``lhs = ANY(<array>)``: with an ``ArraySubquery``, PostgreSQL looks each element up in an index."""

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _links_by_meeting(n_branches: int) -> bool:
    """Whether to find the links by meeting: on PostgreSQL, for branches that are under a fifth of all.

    One branch (its calendar, or the one counted again after a meeting of it is logged) is found by
    meeting without counting all branches: the other way is only as fast where there are under five.
    """
    return connection.vendor == "postgresql" and (n_branches == 1 or n_branches * 5 < Branch.objects.count())


def _lookback_start(start: dt.date) -> dt.date:
    return start - dt.timedelta(days=LAST_MEETING_LOOKBACK_DAYS)


def _keep_latest(before: dict[tuple, dt.date], branch_id, group_id, type_id, day: dt.date) -> None:
    """Keep ``day`` as the last meeting of the branch's key, and of the party group's for a group's meeting."""
    keys = [(branch_id, None, type_id)] + ([(branch_id, group_id, type_id)] if group_id else [])
    for key in keys:
        if day > before.get(key, dt.date.min):
            before[key] = day


def _cell(info, rule, group_id, group_name, period, dates, before, as_of) -> ComplianceCell:
    in_period = [d for d in dates if period.start <= d[0] <= period.end]
    count = len(in_period)
    if count >= rule.count:
        status = HELD
    elif period.end < as_of:
        status = OVERDUE
    else:
        status = DUE
    if in_period:
        last_on, last_id = in_period[-1]
    else:
        earlier = [d for d in dates if d[0] < period.start]
        last_on, last_id = earlier[-1] if earlier else (before.get((info.id, group_id, rule.meeting_type_id)), None)
    return ComplianceCell(
        branch_id=info.id,
        branch_name=info.name,
        area_id=info.area_id,
        rule_id=rule.pk,
        meeting_type_id=rule.meeting_type_id,
        meeting_type=rule.meeting_type.name,
        party_group_id=group_id,
        party_group_name=group_name,
        period=period,
        required=rule.count,
        held=count,
        status=status,
        last_meeting_id=last_id,
        last_meeting_on=last_on,
    )
