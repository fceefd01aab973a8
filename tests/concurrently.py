"""Run a function in several threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(fn: Callable[[], Any], *, times: int = 2) -> list[Any]:
    """Call ``fn`` in ``times`` threads released together; returns their results, raises the first error."""
    barrier = threading.Barrier(times)
    results: list[Any] = [None] * times
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results
