from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assessment.models import Standard

from .defaults import ensure_assessment_defaults


@pytest.fixture(autouse=True)
def _assessment_defaults(db):
    ensure_assessment_defaults()


@pytest.fixture
def standard(db):
    # The data migration's 2026 standard: 19 items, 100 points.
    ensure_assessment_defaults()
    return Standard.objects.prefetch_related("items").get(year=2026)


@pytest.fixture
def full_marks(standard):
    return {item.pk: item.points for item in standard.items.all()}


def scores_at(standard, percent: int) -> dict[int, Decimal]:
    return {item.pk: (item.points * percent / 100).quantize(Decimal("0.1")) for item in standard.items.all()}


JULY = dt.date(2026, 7, 1)
