"""Roster import and export: the national party member information system's layout.

One service behind three doors (admin import, the roster page, ``import_members``):

* ``reading.read_roster`` turns an xlsx / xls / csv (UTF-8 with or without BOM,
  GB18030) into a ``Sheet``: canonical headers and numbered rows. Every
  file-level problem is a ``RosterFileError`` with one message in Chinese.
* ``cleaning.RowCleaner.clean`` turns one row into validated ``Member`` values.
  It is the only validation.
* ``importing.roster_import_sheet`` validates every row, and only if none is bad
  writes them all in one transaction (COPY on PostgreSQL, bulk_create elsewhere).
* ``jobs``: the roster page's uploads run as Celery jobs (check, then confirm);
  every import is logged. ``recovery`` keeps jobs from getting stuck (heartbeat,
  dead runs taken back); ``retention`` ends what outlived its time and holds personal data.
* ``export.roster_export`` writes the scoped roster, masked and formula-safe,
  with the writers in ``files``.

Modules: columns → reading → cleaning → importing → files → jobs → retention, export.
Every public name is importable from ``members.roster``.
"""

from .cleaning import RowCleaner, RowError, parse_date, shown_value
from .columns import (
    COLUMNS,
    HEADER_OF_FIELD,
    HEADERS,
    IMPORT_FIELDS,
    REQUIRED_HEADERS,
    Column,
    canonical_header,
    fold,
    max_file_bytes,
    max_rows,
)
from .export import roster_export
from .files import (
    error_report_xlsx,
    member_row,
    neutralise,
    roster_template_xlsx,
    template_rows,
    write_csv,
    write_xlsx,
)
from .importing import ImportReport, ProgressFn, allowed_branch_ids_for, roster_import_file, roster_import_sheet
from .jobs import (
    MAX_STORED_ERRORS,
    QUEUE_UNAVAILABLE,
    QueueUnavailable,
    queue_job,
    roster_import_job_confirm,
    roster_import_job_create,
    roster_import_job_retry,
    roster_import_job_run,
    roster_import_record,
)
from .reading import RosterFileError, Sheet, read_roster, sheet_from_dataset
from .recovery import Heartbeat, claim_job, roster_imports_recover
from .retention import ERROR_REPORTS_KEPT, RUNNING_KEPT, UNCONFIRMED_KEPT, WAITING_KEPT, roster_imports_expire

__all__ = [
    "COLUMNS",
    "ERROR_REPORTS_KEPT",
    "HEADERS",
    "HEADER_OF_FIELD",
    "IMPORT_FIELDS",
    "MAX_STORED_ERRORS",
    "QUEUE_UNAVAILABLE",
    "RUNNING_KEPT",
    "WAITING_KEPT",
    "Heartbeat",
    "QueueUnavailable",
    "claim_job",
    "queue_job",
    "roster_import_job_retry",
    "roster_imports_recover",
    "REQUIRED_HEADERS",
    "UNCONFIRMED_KEPT",
    "Column",
    "ImportReport",
    "ProgressFn",
    "RosterFileError",
    "RowCleaner",
    "RowError",
    "Sheet",
    "allowed_branch_ids_for",
    "canonical_header",
    "error_report_xlsx",
    "fold",
    "max_file_bytes",
    "max_rows",
    "member_row",
    "neutralise",
    "parse_date",
    "read_roster",
    "roster_export",
    "roster_import_file",
    "roster_import_job_confirm",
    "roster_import_job_create",
    "roster_import_job_run",
    "roster_import_record",
    "roster_import_sheet",
    "roster_imports_expire",
    "roster_template_xlsx",
    "sheet_from_dataset",
    "shown_value",
    "template_rows",
    "write_csv",
    "write_xlsx",
]
