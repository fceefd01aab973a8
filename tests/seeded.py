"""A demo town seeded once for a whole test module, outside the tests' transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
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
