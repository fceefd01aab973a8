"""A memory ceiling for worker processes: an upload that still asks for too much fails, the process lives."""

from __future__ import annotations

import resource


def cap_address_space(megabytes: int) -> None:
    """Limit this process's address space; beyond it Python raises MemoryError instead of the kernel killing us.

    Applied to each Celery worker child at start (gaoqiao/celery.py), where
    uploaded files are read. 0 leaves the process unlimited.
    """
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
