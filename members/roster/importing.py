"""Importing a sheet: validate every row, then write all of them in one transaction, or none."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.scope import Cap, scope_for
from branches.selectors import branches_where
from branches.tree_cache import forget_trees

from ..models import Member
from ..names import NAME_KEY_FIELDS, name_keys
from ..pii import mask_id_number
from ..transfers import transfers_record_moves
from .cleaning import DERIVED_FROM_ID, OTHER_BRANCH, RowCleaner, RowError, shown_value
from .columns import COLUMNS, HEADER_OF_FIELD, HEADERS, IMPORT_FIELDS, max_rows
from .reading import RosterFileError, Sheet, read_roster

CONCURRENT_CHANGE = "名册已被他人修改，请重新导入（另一次导入同时写入了相同的党员，本次未导入任何数据）"
DEADLOCK_DETECTED = "40P01"


@dataclass
class ImportReport:
    file_name: str = ""
    dry_run: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    transferred: int = 0
    errors: list[RowError] = field(default_factory=list)
    message: str = ""  # a problem with the whole file
    headers: list[str] = field(default_factory=list)
    bad_rows: dict[int, list[Any]] = field(default_factory=dict)  # row number -> cells, for the report file
    # Whether the importer may see personal data: their report then shows full values, so they can fix the file.
    personal_data_visible: bool = False
    # Per row outcome for a preview: (row number, "new" | "update" | "skip", values)
    outcomes: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    # Rows for branches the importer may not import into: left out, counted once.
    other_branch_rows: int = 0
    # Who will be added or changed, for the page's preview (ID numbers masked).
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message

    @property
    def bad_row_count(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        return self._summary() + (
            f"；{self.other_branch_rows} 行属于其他党支部，未导入"
            if self.other_branch_rows and not self.message
            else ""
        )

    def _summary(self) -> str:
        if self.message:
            return self.message
        if self.errors:
            return f"共 {self.total} 行，其中 {self.bad_row_count} 行有错误（{len(self.errors)} 处），未导入任何数据"
        verb = "预检通过：将" if self.dry_run else "导入完成："
        return f"{verb}新增 {self.created} 人，更新 {self.updated} 人，无变化 {self.unchanged} 人（共 {self.total} 行）"


ProgressFn = Callable[[int], None]
_COMPARE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "category",
    "branch_id",
    "joined_on",
    "full_member_on",
    "job",
    "phone",
    "address",
    "standing",
    "is_floating",
    "is_lost_contact",
)


def _present_fields(columns: Mapping[str, int]) -> list[str]:
    fields = {"branch_id" if c.field == "branch" else c.field for c in COLUMNS if c.field and c.header in columns}
    fields.update(DERIVED_FROM_ID)
    fields.discard("id_number")
    return [f for f in _COMPARE_FIELDS if f in fields]


def allowed_branch_ids_for(user) -> set[int] | None:
    """None for the system (a command run without --user); else the branches the user may write."""
    if user is None:
        return None
    return set(branches_where(user, Cap.IMPORT).values_list("pk", flat=True))


def roster_import_sheet(
    *,
    sheet: Sheet,
    user=None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    file_name: str = "",
    keep_outcomes: int = 0,
) -> ImportReport:
    """Validate every row; write all of them, or (if any is bad, or ``dry_run``) none."""
    report = ImportReport(file_name=file_name, dry_run=dry_run, headers=sheet.headers)
    # The command without --user prints to a terminal or a log: masked.
    visible = report.personal_data_visible = user is not None and scope_for(user).has(Cap.PERSONAL_DATA)
    allowed = allowed_branch_ids_for(user)
    if allowed is not None and not allowed:
        report.message = "您没有导入党员的权限"
        return report
    cleaner = RowCleaner(allowed_branch_ids=allowed)
    columns = list(sheet.columns.items())
    total_guess = sheet.total or 0
    notify = progress or (lambda pct: None)
    step = max(total_guess // 40, 500)

    cleaned: list[tuple[int, dict[str, Any]]] = []
    rows_of_id: dict[str, list[int]] = defaultdict(list)
    raw_of_row: dict[int, list[Any]] = {}
    count = 0
    row_limit = max_rows()
    id_index = sheet.columns["公民身份号码"]
    for number, cells in sheet.rows:
        key = cells[id_index] if id_index < len(cells) else None
        if (key is None or key == "") and not any(c not in (None, "") and str(c).strip() for c in cells):
            continue  # blank lines are not rows
        count += 1
        if count > row_limit:
            report.message = f"文件行数过多，一次最多导入 {row_limit} 行，请拆分后导入"
            return report
        raw = {header: (cells[index] if index < len(cells) else None) for header, index in columns}
        values, errors = cleaner.clean(raw)
        if values.pop(OTHER_BRANCH, False):
            report.other_branch_rows += 1
            continue
        for header, value, message in errors:
            report.errors.append(RowError(number, header, shown_value(header, value, visible=visible), message))
        if errors:
            report.bad_rows[number] = [c[:1000] if isinstance(c, str) else c for c in cells]  # never a 10 MB cell
        if values["id_number"]:
            rows_of_id[values["id_number"]].append(number)
            raw_of_row[number] = cells
        cleaned.append((number, values))
        if progress and count % step == 0 and total_guess:
            notify(min(80, 80 * count // total_guess))
    report.total = count
    if count == 0:
        report.message = "文件中没有党员数据"
        return report
    if not cleaned:
        report.message = f"文件中的 {count} 行都属于其他党支部，没有可导入的党员"
        return report

    for id_number, numbers in rows_of_id.items():
        if len(numbers) > 1:
            listed = "、".join(str(n) for n in numbers)
            for number in numbers:
                report.errors.append(
                    RowError(
                        number,
                        "公民身份号码",
                        shown_value("公民身份号码", id_number, visible=visible),
                        f"公民身份号码在文件中重复（第 {listed} 行）",
                    )
                )
                report.bad_rows.setdefault(number, list(raw_of_row[number]))
    del raw_of_row

    # Members already on the roster, by ID number.
    present = _present_fields(sheet.columns)
    existing: dict[str, dict[str, Any]] = {}
    ids = list(rows_of_id)
    if connection.vendor == "postgresql":
        # One array parameter: Django prepares a 5,000-item IN list item by item, ten times slower.
        batches = [Member.objects.filter(id_number__in=RawSQL("SELECT unnest(%s::varchar[])", (ids,)))]
    else:
        batches = [Member.objects.filter(id_number__in=ids[i : i + 900]) for i in range(0, len(ids), 900)]
    for batch in batches:
        for row in batch.values("pk", "id_number", *present):
            existing[row["id_number"]] = row
    notify(85)

    creates: list[dict[str, Any]] = []
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
    foreign: list[tuple[int, str]] = []
    for number, values in cleaned:
        old = existing.get(values["id_number"])
        if old is None:
            creates.append(values)
            kind = "new"
            _preview(report, number, kind, values, (), cleaner)
        else:
            if allowed is not None and old["branch_id"] not in allowed:
                foreign.append((number, values["id_number"]))  # counted, never named (below)
                continue
            changed = {f: values[f] for f in present if f in values and values[f] != old[f]}
            if changed:
                updates.append((old, changed))
                kind = "update"
                _preview(report, number, kind, values, changed, cleaner)
            else:
                report.unchanged += 1
                kind = "skip"
        if len(report.outcomes) < keep_outcomes:
            report.outcomes.append((number, kind, values))
    if foreign and _refuse_foreign_ids(report, foreign, user=user, visible=visible):
        return report
    report.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 99))
    report.created, report.updated = len(creates), len(updates)
    report.transferred = sum(1 for old, changed in updates if "branch_id" in changed)
    if report.errors or dry_run:
        if report.errors:
            report.created = report.updated = report.unchanged = report.transferred = 0
        return report

    try:
        with transaction.atomic():
            _write(creates=creates, updates=updates, user=user)
            forget_trees()  # the writes go behind Member's signals: the kept counts are renewed on commit
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and getattr(exc.__cause__, "pgcode", None) != DEADLOCK_DETECTED:
            raise
        # Someone else changed the roster between our check and our write (another
        # import of the same people): nothing of ours was written.
        report.created = report.updated = report.unchanged = report.transferred = 0
        report.message = CONCURRENT_CHANGE
        return report
    notify(100)
    return report


PREVIEW_ROWS = 500


def _preview(report: ImportReport, number: int, kind: str, values: dict, changed, cleaner: RowCleaner) -> None:
    """One line of the preview: who, which branch, what changes. The ID number is kept masked."""
    if len(report.preview) >= PREVIEW_ROWS:
        return
    report.preview.append(
        {
            "row": number,
            "kind": kind,
            "name": values.get("name", ""),
            "id_number": mask_id_number(values.get("id_number", "")),
            "branch": cleaner.branch_names.get(values.get("branch_id"), ""),
            "changes": [HEADER_OF_FIELD.get(f, f) for f in changed if f not in ("name_pinyin", "name_initials")],
        }
    )


def _write(*, creates: list[dict[str, Any]], updates: list[tuple[dict[str, Any], dict[str, Any]]], user) -> None:
    now = timezone.now()
    # The pinyin keys the roster searches and sorts by, as Member.save would set them.
    for values in creates:
        values["name_pinyin"], values["name_initials"] = name_keys(values.get("name", ""))
    for _old, changed in updates:
        if "name" in changed:
            changed["name_pinyin"], changed["name_initials"] = name_keys(changed["name"])
    if creates:
        if connection.vendor == "postgresql":
            _copy_members(creates, now)
        else:
            Member.objects.bulk_create((Member(**v) for v in creates), batch_size=500)
    if not updates:
        return
    # Moves are recorded by the one transfer service (the importer holds write over both ends).
    moves = [(old["pk"], old["branch_id"], changed["branch_id"]) for old, changed in updates if "branch_id" in changed]
    by_fields: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    for old, changed in updates:
        if "branch_id" in changed:
            changed = changed | {"party_group_id": None}  # groups belong to the old branch
        member = Member(pk=old["pk"], updated_at=now, **changed)
        by_fields[tuple(sorted(changed))].append(member)
    for fields, members in by_fields.items():
        Member.objects.bulk_update(members, [*fields, "updated_at"], batch_size=500)
    transfers_record_moves(moves=moves, by=user, reason="名册导入")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_converter(f, default: Any) -> Callable[[Any], str]:
    """A function writing one field's value in COPY's text format (None is \\N)."""
    from django.db import models as m

    if isinstance(f, m.BooleanField):
        return lambda v: "\\N" if v is None else ("t" if v else "f")
    if isinstance(f, (m.DateField, m.DateTimeField)):
        return lambda v: "\\N" if v is None else v.isoformat()
    if isinstance(f, (m.IntegerField, m.ForeignKey, m.AutoField)):
        return lambda v: "\\N" if v is None else str(int(v))
    return lambda v: "\\N" if v is None else str(v).translate(_COPY_ESCAPES)


def _copy_members(creates: list[dict[str, Any]], now: dt.datetime) -> None:
    """COPY new members in one stream: 100,000 rows in about two seconds."""
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    given = [f for f in fields if f.attname in IMPORT_FIELDS or f.attname in NAME_KEY_FIELDS]
    # Columns an import never sets are one constant string for every row.
    fixed: list[str] = []
    for f in fields:
        if f in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value: Any = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = ""
        fixed.append(_copy_converter(f, None)(value))
    tail = ("\t" + "\t".join(fixed) if fixed else "") + "\n"
    converters = [(f.attname, _copy_converter(f, None), f.get_default() if f.has_default() else None) for f in given]
    buffer = io.StringIO()
    write = buffer.write
    for values in creates:
        write("\t".join([conv(values.get(name, default)) for name, conv, default in converters]) + tail)
    buffer.seek(0)
    ordered = given + [f for f in fields if f not in given]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in ordered)
    with connection.cursor() as cursor:
        # The raw cursor's errors are psycopg2's own: wrapped, a duplicate ID number is
        # Django's IntegrityError like any other write's.
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(f"COPY {Member._meta.db_table} ({columns}) FROM STDIN", buffer)


def roster_import_file(
    *,
    source: str | os.PathLike | bytes,
    file_name: str = "",
    user=None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Read and import a file; file-level problems come back as ``report.message``."""
    try:
        sheet = read_roster(source, file_name=file_name)
    except RosterFileError as exc:
        return ImportReport(file_name=file_name, dry_run=dry_run, message=str(exc))
    return roster_import_sheet(sheet=sheet, user=user, dry_run=dry_run, progress=progress, file_name=file_name)


FOREIGN_MESSAGE = "该公民身份号码无法由您导入。若该党员从其他党组织转入，请通过组织关系转接办理"


def foreign_id_limit() -> int:
    return getattr(settings, "ROSTER_IMPORT_FOREIGN_ID_LIMIT", 5)


def _refuse_foreign_ids(report: ImportReport, foreign: list[tuple[int, str]], *, user, visible: bool) -> bool:
    """ID numbers of members the importer may not manage: a file must not tell them which ones are members.

    A few (a member moving in) are reported row by row; many look like a probe:
    the whole file is refused without naming any row, and the town admins are told.
    Returns whether the file was refused.
    """
    if len(foreign) > foreign_id_limit():
        report.errors = []
        report.bad_rows = {}
        report.outcomes = []
        report.message = "文件中有较多公民身份号码无法由您导入，已拒绝整份文件，并已通知镇党建办。"
        _tell_town_admins(user=user, count=len(foreign), file_name=report.file_name)
        return True
    for number, id_number in foreign:
        report.errors.append(
            RowError(number, "公民身份号码", shown_value("公民身份号码", id_number, visible=visible), FOREIGN_MESSAGE)
        )
        report.bad_rows.setdefault(number, [])
    return False


def _tell_town_admins(*, user, count: int, file_name: str) -> None:
    import logging

    from django.core.mail import send_mail

    from accounts.selectors import login_managers_of

    who = user.get_username() if user is not None else "-"
    logging.getLogger("members.roster").warning(
        "roster import by %s refused: %d ID numbers of members outside their scope (%s)", who, count, file_name
    )
    admins = [u.email for u in login_managers_of(user) if u.email] if user is not None else []
    if admins:
        send_mail(
            "【高桥党建】名册导入被拒绝：疑似查询他人党员身份",
            f"账号 {who} 上传的名册“{file_name}”中有 {count} 个公民身份号码属于其无权管理的党员，"
            "系统已拒绝整份文件。请核实该账号的用途。",
            None,
            admins,
            fail_silently=True,
        )
