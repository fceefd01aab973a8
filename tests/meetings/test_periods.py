import datetime as dt

from meetings.periods import HALF, MONTH, QUARTER, YEAR, period_of, periods_between

D = dt.date


def test_month_ends_including_leap_february():
    assert period_of(MONTH, D(2024, 2, 29)).end == D(2024, 2, 29)
    assert period_of(MONTH, D(2025, 2, 10)).end == D(2025, 2, 28)
    assert period_of(MONTH, D(2026, 12, 31)).key == "2026-12"


def test_quarter_and_half_year_edges():
    q = period_of(QUARTER, D(2026, 3, 31))
    assert (q.start, q.end, q.key, q.label) == (D(2026, 1, 1), D(2026, 3, 31), "2026Q1", "2026年第1季度")
    assert period_of(QUARTER, D(2026, 4, 1)).key == "2026Q2"
    h = period_of(HALF, D(2026, 6, 30))
    assert (h.start, h.end, h.key) == (D(2026, 1, 1), D(2026, 6, 30), "2026H1")
    assert period_of(HALF, D(2026, 7, 1)).label == "2026年下半年"
    assert period_of(YEAR, D(2024, 12, 31)).end == D(2024, 12, 31)


def test_periods_between_overlap_the_span():
    keys = [p.key for p in periods_between(QUARTER, D(2025, 11, 15), D(2026, 4, 1))]
    assert keys == ["2025Q4", "2026Q1", "2026Q2"]
    assert len(list(periods_between(MONTH, D(2024, 1, 1), D(2024, 12, 31)))) == 12
