"""A demo town seeded once for a whole test module, outside the tests' transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection


@contextmanager
def seeded_for_module(django_db_blocker) -> Iterator[None]:
    """Open the database for a module fixture, and afterwards put it back as the migrations left it.

    Rows written here are committed, so the tests after the module would see them. A plain
    ``flush`` would also remove the rows data migrations wrote (assessment standards, meeting
    rules…), so the database is saved before and restored after, as Django's
    ``serialized_rollback`` does.
    """
    with django_db_blocker.unblock():
        saved = connection.creation.serialize_db_to_string()
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(saved)
            _reset_sequences()


def _reset_sequences() -> None:
    """Set each table's ID sequence past the rows put back: they are written with their IDs, and on
    PostgreSQL the next row a later test creates (a meeting rule, say) would otherwise take an ID in use."""
    sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
