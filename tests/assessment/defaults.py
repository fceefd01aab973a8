"""The data migration's standard, weights and star bands, put back after a test that flushed the database."""

from __future__ import annotations

import importlib

from django.apps import apps


def ensure_assessment_defaults() -> None:
    # TransactionTestCase-style tests (transaction=True) flush every table, data migrations' rows included.
    importlib.import_module("assessment.migrations.0002_standard_weights_stars").forwards(apps, None)
    # The meeting rules compliance is judged by (a data migration of meetings; idempotent).
    importlib.import_module("meetings.migrations.0002_town_rules").seed(apps, None)
