"""Quarters ("2026Q3") and months, the periods assessment counts in."""

from __future__ import annotations

import datetime as dt
import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
QUARTER_RE = RegexValidator(QUARTER_PATTERN, _("季度的格式是 2026Q3"))


def parse_quarter(quarter: str) -> tuple[int, int]:
    match = QUARTER_PATTERN.match(quarter or "")
    if not match:
        raise ValueError(f"not a quarter: {quarter!r}")
    return int(match.group(1)), int(match.group(2))


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter."""
    year, q = parse_quarter(quarter)
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return start, end - dt.timedelta(days=1)


def quarter_months(quarter: str) -> list[dt.date]:
    year, q = parse_quarter(quarter)
    return [dt.date(year, 3 * q - 2 + i, 1) for i in range(3)]


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarter(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def last_full_quarter(today: dt.date) -> str:
    return previous_quarter(quarter_of(today))


def quarter_label(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year}年第{'一二三四'[q - 1]}季度"
