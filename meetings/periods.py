"""Calendar periods a meeting rule counts in: month, quarter, half year, year.

A period is closed on both ends (``start`` and ``end`` are both in it) and has
a stable ``key`` ("2026-11", "2026Q3", "2026H1", "2026") used in flags and
reports.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

MONTH, QUARTER, HALF, YEAR = "month", "quarter", "half", "year"
MONTHS_IN = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str

    @property
    def key(self) -> str:
        y, m = self.start.year, self.start.month
        if self.kind == MONTH:
            return f"{y}-{m:02d}"
        if self.kind == QUARTER:
            return f"{y}Q{(m - 1) // 3 + 1}"
        if self.kind == HALF:
            return f"{y}H{(m - 1) // 6 + 1}"
        return str(y)

    @property
    def label(self) -> str:
        y, m = self.start.year, self.start.month
        if self.kind == MONTH:
            return f"{y}年{m}月"
        if self.kind == QUARTER:
            return f"{y}年第{(m - 1) // 3 + 1}季度"
        if self.kind == HALF:
            return f"{y}年{'上' if m <= 6 else '下'}半年"
        return f"{y}年"

    @property
    def short_label(self) -> str:
        """The label without the year, for a calendar that shows one year."""
        return self.label[len(f"{self.start.year}年") :] or "全年"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    size = MONTHS_IN[kind]
    first = (day.month - 1) // size * size + 1
    last = first + size - 1
    return Period(start=dt.date(day.year, first, 1), end=_month_end(day.year, last), kind=kind)


def periods_between(kind: str, start: dt.date, end: dt.date) -> Iterator[Period]:
    """Every period of ``kind`` that overlaps [start, end], in order."""
    period = period_of(kind, start)
    while period.start <= end:
        yield period
        period = period_of(kind, period.end + dt.timedelta(days=1))


def month_index(day: dt.date) -> int:
    """Months since year 0: lets a month bucket be found by arithmetic."""
    return day.year * 12 + day.month - 1
