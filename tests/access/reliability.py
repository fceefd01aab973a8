"""Rows for the roster import's retry (a check that could not be queued is retried by its uploader)."""

from __future__ import annotations

from . import Row
from .core import UPLOADER_ONLY

ROWS = {
    ("members:roster-import-retry", "post"): Row(UPLOADER_ONLY, target="import_job"),
}
