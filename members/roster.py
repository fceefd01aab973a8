"""Roster import and export: the national party member information system's layout.

One service behind three doors (admin import, the roster page, ``import_members``):

* ``read_roster`` turns an xlsx / xls / csv (UTF-8 with or without BOM, GB18030)
  into a ``Sheet``: canonical headers and numbered rows. Every file-level
  problem is a ``RosterFileError`` with one message in Chinese.
* ``RowCleaner.clean`` turns one row into validated ``Member`` values. It is the
  only validation: the fast path here and the row-by-row django-import-export
  path in ``members.resources`` both call it.
* ``roster_import_sheet`` validates every row, and only if none is bad writes
  them all in one transaction (COPY on PostgreSQL, bulk_create elsewhere).
* ``roster_export`` writes the scoped roster, masked and formula-safe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.scope import Cap
from branches.models import Branch
from branches.selectors import branches_where

from .models import Member, MemberTransfer
from .pii import InvalidIdNumber, make_id_number, mask_id_number, mask_phone, normalize_id_number, parse_id_number

# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # Member attribute; None for the running number
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("序号", None),
    Column("姓名", "name", True),
    Column("性别", "gender"),
    Column("民族", "ethnicity"),
    Column("公民身份号码", "id_number", True),
    Column("出生日期", "birth_date"),
    Column("学历", "education"),
    Column("人员类别", "category", True),
    Column("所在党支部", "branch", True),
    Column("入党日期", "joined_on", True),
    Column("转为正式党员日期", "full_member_on"),
    Column("工作岗位", "job"),
    Column("联系电话", "phone"),
    Column("家庭住址", "address"),
    Column("党籍状态", "standing"),
    Column("是否流动党员", "is_floating"),
    Column("是否失联党员", "is_lost_contact"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if c.required)
HEADER_OF_FIELD: dict[str, str] = {c.field: c.header for c in COLUMNS if c.field}
HEADER_OF_FIELD["branch_id"] = "所在党支部"
# Member attributes an import sets (branch as branch_id).
IMPORT_FIELDS: tuple[str, ...] = tuple("branch_id" if c.field == "branch" else c.field for c in COLUMNS if c.field)

# Other names people give the same column in their own sheets.
_ALIASES = {
    "身份证号码": "公民身份号码",
    "身份证号": "公民身份号码",
    "公民身份证号码": "公民身份号码",
    "党支部": "所在党支部",
    "所在支部": "所在党支部",
    "所在党组织": "所在党支部",
    "文化程度": "学历",
    "转正日期": "转为正式党员日期",
    "手机号码": "联系电话",
    "手机号": "联系电话",
    "联系方式": "联系电话",
    "住址": "家庭住址",
    "流动党员": "是否流动党员",
    "失联党员": "是否失联党员",
    "党员类别": "人员类别",
}
_HEADER_LOOKUP = {h: h for h in HEADERS} | _ALIASES
_SPACES = re.compile(r"[\s\u3000\u00a0\ufeff]+")


def fold(text: Any) -> str:
    """Full-width to half-width (NFKC), spaces of every kind removed."""
    text = str(text)
    if text.isascii():  # most cells: skip the normaliser (this runs a million times for 100,000 rows)
        return "".join(text.split()) if " " in text or "\t" in text else text
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def canonical_header(text: Any) -> str | None:
    if text is None:
        return None
    return _HEADER_LOOKUP.get(fold(text).strip("*"))


def _max_bytes() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def _max_rows() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_ROWS", 200_000)


# --------------------------------------------------------------------------- reading


class RosterFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass
class Sheet:
    """Headers as written in the file, where each known column is, and the numbered rows."""

    headers: list[str]
    columns: dict[str, int]  # canonical header -> cell index
    rows: Iterable[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    total: int | None = None  # data rows, when known up front


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]] | None:
    """The header row is the first of the first ten with at least two known columns."""
    for _ in range(10):
        try:
            number, cells = next(rows)
        except StopIteration:
            return None
        if sum(1 for c in cells if canonical_header(c)) >= 2:
            return number, cells
    return None


def _columns_of(header_cells: list[Any]) -> dict[str, int]:
    """Where each known column is (first one wins); a missing required column is named."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        name = canonical_header(cell)
        if name and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise RosterFileError("缺少必填列：" + "、".join(missing))
    return columns


def _sheet_from_rows(rows: Iterator[tuple[int, list[Any]]], total_rows: int | None) -> Sheet:
    found = _find_header(rows)
    if found is None:
        raise RosterFileError(
            "文件中找不到表头。请使用全国党员信息系统的表头（可下载模板），缺少必填列："
            + "、".join(REQUIRED_HEADERS)
        )
    header_number, header_cells = found
    columns = _columns_of(header_cells)
    total = None if total_rows is None else max(total_rows - header_number, 0)
    if total is not None and total > _max_rows():
        raise RosterFileError(f"文件行数过多（{total} 行），一次最多导入 {_max_rows()} 行，请拆分后导入")
    headers = ["" if c is None else str(c).strip() for c in header_cells]
    return Sheet(headers=headers, columns=columns, rows=rows, total=total)


def _read_workbook(data: bytes | None, path: str | None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path) if path else CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        error: RosterFileError | None = None
        for index in range(min(len(names), 5)):
            sheet = book.get_sheet_by_index(index)
            first_row = sheet.start[0] if sheet.start else 0
            numbered = ((first_row + i + 1, list(cells)) for i, cells in enumerate(sheet.iter_rows()))
            try:
                return _sheet_from_rows(numbered, first_row + sheet.height)
            except RosterFileError as exc:
                error = error or exc
    except RosterFileError:
        raise
    except Exception:  # calamine raises several types for a broken or foreign file
        raise RosterFileError("无法读取该文件：文件已损坏，或不是 Excel/WPS 表格（.xlsx、.xls）") from None
    raise error or RosterFileError("文件中没有工作表")


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码")


def _read_csv(data: bytes) -> Sheet:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError("该文件不是表格文件，请上传 .xlsx、.xls 或 .csv 文件")
    try:
        text = _decode_text(data)
    except UnicodeDecodeError:
        raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码") from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _sheet_from_rows(((i + 1, r) for i, r in enumerate(records)), len(records))


def read_roster(source: str | os.PathLike | bytes, *, file_name: str = "") -> Sheet:
    """Read a roster file by its content (the name only breaks ties)."""
    path = None
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        size = len(data)
    else:
        path = os.fspath(source)
        file_name = file_name or os.path.basename(path)
        size = os.path.getsize(path)
        data = None
    if size == 0:
        raise RosterFileError("文件是空的")
    if size > _max_bytes():
        raise RosterFileError(
            f"文件太大（{size / 1024 / 1024:.1f} MB），上限为 {_max_bytes() / 1024 / 1024:.0f} MB，请拆分后导入"
        )
    if data is None:
        with open(path, "rb") as fh:
            head = fh.read(8)
    else:
        head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _read_workbook(data, path)
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")):
        raise RosterFileError("该文件不是有效的 Excel/WPS 表格，请上传 .xlsx、.xls 或 .csv 文件")
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    return _read_csv(data)


def sheet_from_dataset(dataset, row_numbers: list[int] | None = None) -> Sheet:
    """A tablib Dataset (django-import-export's currency) as a Sheet."""
    headers = list(dataset.headers or [])
    columns = _columns_of(headers)
    numbers = row_numbers or list(range(2, len(dataset) + 2))
    return Sheet(headers=headers, columns=columns, rows=zip(numbers, (list(r) for r in dataset)), total=len(dataset))


# --------------------------------------------------------------------------- cleaning

_LABELS = {
    "gender": {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE, "M": "M", "F": "F"},
    "education": {str(label): value for value, label in Member.Education.choices}
    | {"本科": Member.Education.BACHELOR, "大学": Member.Education.BACHELOR, "硕士": Member.Education.POSTGRADUATE,
       "博士": Member.Education.POSTGRADUATE, "硕士研究生": Member.Education.POSTGRADUATE,
       "博士研究生": Member.Education.POSTGRADUATE, "中等专科": Member.Education.SECONDARY_VOCATIONAL,
       "大学专科": Member.Education.JUNIOR_COLLEGE},
    "category": {str(label): value for value, label in Member.Category.choices},
    "standing": {str(label): value for value, label in Member.Standing.choices},
}
for _field, _labels in list(_LABELS.items()):
    _labels.update({v: v for v in list(_labels.values())})
_YES = {"是", "Y", "YES", "TRUE", "1", "√"}
_NO = {"否", "N", "NO", "FALSE", "0", ""}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PHONE = re.compile(r"^\+?[\d-]{5,20}$")
_TEXT_LIMITS = {f.name: f.max_length for f in Member._meta.concrete_fields if getattr(f, "max_length", None)}
_DERIVED_FROM_ID = ("birth_date", "gender")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        text = value.strip()
        if "\u3000" in text:
            text = text.replace("\u3000", " ").strip()
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\u3000", " ").strip()
    # Our own exports prefix formulas with a quote; take it off again.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_date(value: Any) -> dt.date | None:
    """A date as people type it: 2018-07-01, 2018/7/1, 2018.07.01, 2018年7月1日, or a real date cell."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)  # the common case, ten times faster than the pattern
        except ValueError:
            pass
    text = fold(value)
    if not text:
        return None
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(text)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


def shown_value(column: str, value: Any) -> str:
    """A cell as it may appear in an error report: ID numbers and phones masked."""
    text = _text(value)
    if column == "公民身份号码":
        return mask_id_number(normalize_id_number(text))
    if column == "联系电话":
        return mask_phone(fold(text))
    return text[:100]


class RowCleaner:
    """Turns one roster row into validated Member values.

    The branch is looked up by exact name or code among existing branches;
    ``allowed_branch_ids`` (None: all) are the branches the importer may write.
    """

    def __init__(self, *, allowed_branch_ids: set[int] | None = None, today: dt.date | None = None):
        self.branches: dict[str, tuple[int, bool]] = {}
        for pk, code, name, active in Branch.objects.values_list("pk", "code", "name", "is_active"):
            self.branches[name] = (pk, active)
            self.branches.setdefault(code, (pk, active))
        self.allowed = allowed_branch_ids
        self.today = today or timezone.localdate()

    def clean(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Any, str]]]:
        """Returns (values, errors); errors are (column header, raw value, message in Chinese)."""
        values: dict[str, Any] = {}
        errors: list[tuple[str, Any, str]] = []

        def err(header: str, message: str) -> None:
            errors.append((header, raw.get(header), message))

        def text(header: str, fieldname: str, *, required: bool = False, default: str = "") -> None:
            if header not in raw:
                return
            value = _text(raw[header]) or default
            if required and not value:
                err(header, f"{header}不能为空")
            elif len(value) > _TEXT_LIMITS[fieldname]:
                err(header, f"{header}过长，最多 {_TEXT_LIMITS[fieldname]} 个字")
            values[fieldname] = value

        def choice(header: str, fieldname: str, default: str | None) -> None:
            if header not in raw:
                return
            value = fold(_text(raw[header]))
            if not value and default is not None:
                values[fieldname] = default
                return
            found = _LABELS[fieldname].get(value) or _LABELS[fieldname].get(value.upper())
            if found is None:
                labels = "、".join(dict.fromkeys(str(lbl) for _, lbl in getattr(Member, fieldname.title()).choices))
                if fieldname == "category" and not value:
                    err(header, f"{header}不能为空")
                else:
                    err(header, f"“{value}”不是有效的{header}，应为：{labels}")
            else:
                values[fieldname] = str(found)

        def date(header: str, fieldname: str, *, required: bool = False) -> None:
            if header not in raw:
                return
            try:
                value = parse_date(raw[header])
            except ValueError:
                err(header, f"{header}无法识别，请写成 2018-07-01、2018/7/1 或 2018年7月1日")
                return
            if value is None and required:
                err(header, f"{header}不能为空")
            values[fieldname] = value

        def flag(header: str, fieldname: str) -> None:
            if header not in raw:
                return
            value = fold(_text(raw[header])).upper()
            if value in _YES:
                values[fieldname] = True
            elif value in _NO:
                values[fieldname] = False
            else:
                err(header, f"{header}应填“是”或“否”")

        text("姓名", "name", required=True)
        # ID number: its birth date and gender fill the columns left empty.
        id_number = normalize_id_number(_text(raw.get("公民身份号码")))
        values["id_number"] = id_number
        birth = gender = None
        if not id_number:
            err("公民身份号码", "公民身份号码不能为空")
        else:
            try:
                birth, gender = parse_id_number(id_number)
            except InvalidIdNumber as exc:
                err("公民身份号码", str(exc))
        choice("性别", "gender", default="")
        text("民族", "ethnicity", default="汉族")
        date("出生日期", "birth_date")
        choice("学历", "education", default="")
        choice("人员类别", "category", default=None)
        date("入党日期", "joined_on", required=True)
        date("转为正式党员日期", "full_member_on")
        text("工作岗位", "job")
        if "联系电话" in raw:
            phone = fold(_text(raw["联系电话"]))
            if phone and not _PHONE.match(phone):
                err("联系电话", "联系电话格式不正确")
            values["phone"] = phone
        text("家庭住址", "address")
        choice("党籍状态", "standing", default=Member.Standing.NORMAL)
        flag("是否流动党员", "is_floating")
        flag("是否失联党员", "is_lost_contact")
        if not values.get("birth_date"):
            values["birth_date"] = birth
        if not values.get("gender"):
            values["gender"] = gender or ""

        branch_text = _text(raw.get("所在党支部"))
        found = self.branches.get(branch_text) or self.branches.get(fold(branch_text))
        if not branch_text:
            err("所在党支部", "所在党支部不能为空")
        elif found is None:
            err("所在党支部", f"党支部“{branch_text}”不存在，请填写已建立的党支部的全称或组织编码")
        elif not found[1]:
            err("所在党支部", f"党支部“{branch_text}”已撤销")
        elif self.allowed is not None and found[0] not in self.allowed:
            err("所在党支部", f"您无权向党支部“{branch_text}”导入党员")
        else:
            values["branch_id"] = found[0]

        if not errors:
            # The model's own cross-field rules (dates, ID consistency), nothing copied.
            # Model.__init__ costs more than all the parsing above; clean() only reads these attributes.
            member = Member.__new__(Member)
            member.__dict__.update(
                id_number=id_number,
                gender=values["gender"],
                birth_date=values["birth_date"],
                category=values.get("category", Member.Category.FULL),
                joined_on=values.get("joined_on"),
                full_member_on=values.get("full_member_on"),
                party_group_id=None,
                branch_id=values.get("branch_id"),
                _clean_today=self.today,
            )
            try:
                member.clean()
            except ValidationError as exc:
                for fieldname, messages in exc.message_dict.items():
                    header = HEADER_OF_FIELD.get(fieldname, fieldname)
                    for message in messages:
                        err(header, message)
        return values, errors


# --------------------------------------------------------------------------- importing


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
    # Per row outcome for a preview: (row number, "new" | "update" | "skip", values)
    outcomes: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.message

    @property
    def bad_row_count(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        if self.message:
            return self.message
        if self.errors:
            return f"共 {self.total} 行，其中 {self.bad_row_count} 行有错误（{len(self.errors)} 处），未导入任何数据"
        verb = "预检通过：将" if self.dry_run else "导入完成："
        return f"{verb}新增 {self.created} 人，更新 {self.updated} 人，无变化 {self.unchanged} 人（共 {self.total} 行）"


ProgressFn = Callable[[int], None]
_COMPARE_FIELDS = ("name", "gender", "ethnicity", "birth_date", "education", "category", "branch_id", "joined_on",
                   "full_member_on", "job", "phone", "address", "standing", "is_floating", "is_lost_contact")


def _present_fields(columns: Mapping[str, int]) -> list[str]:
    fields = {"branch_id" if c.field == "branch" else c.field for c in COLUMNS if c.field and c.header in columns}
    fields.update(_DERIVED_FROM_ID)
    fields.discard("id_number")
    return [f for f in _COMPARE_FIELDS if f in fields]


def allowed_branch_ids_for(user) -> set[int] | None:
    """None for the system (a command run without --user); else the branches the user may write."""
    if user is None:
        return None
    return set(branches_where(user, Cap.IMPORT).values_list("pk", flat=True))


def roster_import_sheet(
    *, sheet: Sheet, user=None, dry_run: bool = False, progress: ProgressFn | None = None,
    file_name: str = "", keep_outcomes: int = 0,
) -> ImportReport:
    """Validate every row; write all of them, or (if any is bad, or ``dry_run``) none."""
    report = ImportReport(file_name=file_name, dry_run=dry_run, headers=sheet.headers)
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
    max_rows = _max_rows()
    id_index = sheet.columns["公民身份号码"]
    for number, cells in sheet.rows:
        key = cells[id_index] if id_index < len(cells) else None
        if (key is None or key == "") and not any(c not in (None, "") and str(c).strip() for c in cells):
            continue  # blank lines are not rows
        count += 1
        if count > max_rows:
            report.message = f"文件行数过多，一次最多导入 {max_rows} 行，请拆分后导入"
            return report
        raw = {header: (cells[index] if index < len(cells) else None) for header, index in columns}
        values, errors = cleaner.clean(raw)
        for header, value, message in errors:
            report.errors.append(RowError(number, header, shown_value(header, value), message))
        if errors:
            report.bad_rows[number] = list(cells)
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

    for id_number, numbers in rows_of_id.items():
        if len(numbers) > 1:
            listed = "、".join(str(n) for n in numbers)
            for number in numbers:
                report.errors.append(
                    RowError(number, "公民身份号码", mask_id_number(id_number), f"公民身份号码在文件中重复（第 {listed} 行）")
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
    for number, values in cleaned:
        old = existing.get(values["id_number"])
        if old is None:
            creates.append(values)
            kind = "new"
        else:
            if allowed is not None and old["branch_id"] not in allowed:
                report.errors.append(
                    RowError(number, "公民身份号码", mask_id_number(values["id_number"]),
                             "该党员属于您无权管理的党支部，不能通过导入修改")
                )
                report.bad_rows.setdefault(number, [])
                continue
            changed = {f: values[f] for f in present if f in values and values[f] != old[f]}
            if changed:
                updates.append((old, changed))
                kind = "update"
            else:
                report.unchanged += 1
                kind = "skip"
        if len(report.outcomes) < keep_outcomes:
            report.outcomes.append((number, kind, values))
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
    except IntegrityError:
        # Someone else changed the roster between our check and our write.
        report.created = report.updated = report.unchanged = report.transferred = 0
        report.message = "导入时名册已被他人修改（公民身份号码冲突），未导入任何数据，请重新导入"
        return report
    notify(100)
    return report


def _write(*, creates: list[dict[str, Any]], updates: list[tuple[dict[str, Any], dict[str, Any]]], user) -> None:
    now = timezone.now()
    if creates:
        if connection.vendor == "postgresql":
            _copy_members(creates, now)
        else:
            Member.objects.bulk_create((Member(**v) for v in creates), batch_size=500)
    if not updates:
        return
    today = timezone.localdate()
    transfers = [
        MemberTransfer(member_id=old["pk"], from_branch_id=old["branch_id"], to_branch_id=changed["branch_id"],
                       transferred_on=today, reason="名册导入", recorded_by=user if user and user.pk else None)
        for old, changed in updates
        if "branch_id" in changed
    ]
    by_fields: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    for old, changed in updates:
        if "branch_id" in changed:
            changed = changed | {"party_group_id": None}  # groups belong to the old branch
        member = Member(pk=old["pk"], updated_at=now, **changed)
        by_fields[tuple(sorted(changed))].append(member)
    for fields, members in by_fields.items():
        Member.objects.bulk_update(members, [*fields, "updated_at"], batch_size=500)
    MemberTransfer.objects.bulk_create(transfers, batch_size=1000)


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
    given = [f for f in fields if f.attname in IMPORT_FIELDS]
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
        cursor.cursor.copy_expert(f"COPY {Member._meta.db_table} ({columns}) FROM STDIN", buffer)


def roster_import_file(
    *, source: str | os.PathLike | bytes, file_name: str = "", user=None, dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Read and import a file; file-level problems come back as ``report.message``."""
    try:
        sheet = read_roster(source, file_name=file_name)
    except RosterFileError as exc:
        return ImportReport(file_name=file_name, dry_run=dry_run, message=str(exc))
    return roster_import_sheet(sheet=sheet, user=user, dry_run=dry_run, progress=progress, file_name=file_name)


# --------------------------------------------------------------------------- report and export files

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def error_report_xlsx(report: ImportReport) -> bytes:
    """The bad rows as they were (ID numbers and phones masked), with the reasons beside them."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误报告")
    headers = report.headers or list(HEADERS)
    sheet.append(["行号", "错误说明", *headers])
    reasons: dict[int, list[str]] = defaultdict(list)
    for e in report.errors:
        reasons[e.row].append(f"{e.column}：{e.message}")
    canonical = [canonical_header(h) for h in headers]
    for number in sorted(reasons):
        cells = report.bad_rows.get(number) or []
        shown = [
            shown_value(canonical[i], cells[i]) if canonical[i] in ("公民身份号码", "联系电话") else _cell_out(cells[i])
            for i in range(min(len(cells), len(headers)))
        ]
        sheet.append([number, "；".join(reasons[number]), *[neutralise(v) for v in shown]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_out(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def member_row(member: Member, *, number: int, unmasked: bool) -> list[Any]:
    """One member as a roster row, in the order of HEADERS."""
    return [
        number,
        member.name,
        member.get_gender_display(),
        member.ethnicity,
        member.id_number if unmasked else mask_id_number(member.id_number),
        member.birth_date.isoformat() if member.birth_date else "",
        member.get_education_display() if member.education else "",
        member.get_category_display(),
        member.branch.name,
        member.joined_on.isoformat() if member.joined_on else "",
        member.full_member_on.isoformat() if member.full_member_on else "",
        member.job,
        member.phone if unmasked else mask_phone(member.phone),
        member.address,
        member.get_standing_display(),
        "是" if member.is_floating else "否",
        "是" if member.is_lost_contact else "否",
    ]


def write_xlsx(rows: Iterable[list[Any]], *, title: str = "党员信息") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(rows: Iterable[list[Any]]) -> bytes:
    # UTF-8 with a BOM: Excel on a Chinese Windows opens it without garbling.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_rows() -> list[list[Any]]:
    """One made-up example member, valid as it stands."""
    number = make_id_number("330203", dt.date(1985, 7, 1), 123)
    return [[1, "张三", "男", "汉族", number, "1985-07-01", "大学本科", "正式党员", "高桥社区党支部",
             "2010-07-01", "2011-07-01", "村委会委员", "13800000000", "浙江省宁波市海曙区高桥镇某路1号",
             "正常", "否", "否"]]


# --------------------------------------------------------------------------- jobs and the log

MAX_STORED_ERRORS = 5000


def _report_fields(report: ImportReport) -> dict[str, Any]:
    return {
        "total_rows": report.total,
        "created_count": report.created,
        "updated_count": report.updated,
        "unchanged_count": report.unchanged,
        "error_count": len(report.errors),
        "message": report.summary(),
        "errors": [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
    }


def _report_status(report: ImportReport) -> str:
    from .models import RosterImport

    if report.message:
        return RosterImport.Status.FAILED
    if report.errors:
        return RosterImport.Status.REJECTED
    return RosterImport.Status.CHECKED if report.dry_run else RosterImport.Status.DONE


def _attach_error_report(job, report: ImportReport) -> None:
    from django.core.files.base import ContentFile

    if report.errors:
        stem = os.path.splitext(os.path.basename(job.file_name))[0] or "roster"
        job.error_report.save(f"{stem}-错误报告.xlsx", ContentFile(error_report_xlsx(report)), save=False)


def roster_import_record(*, report: ImportReport, user, source: str, file_size: int = 0):
    """Record an import that ran in the caller's process (command, admin)."""
    from .models import RosterImport

    now = timezone.now()
    job = RosterImport(
        source=source,
        uploaded_by=user if user is not None and user.pk else None,
        file_name=report.file_name[:255] or "-",
        file_size=file_size,
        dry_run=report.dry_run,
        status=_report_status(report),
        progress=100,
        started_at=now,
        finished_at=now,
        **_report_fields(report),
    )
    _attach_error_report(job, report)
    job.save()
    return job


def roster_import_job_create(*, upload, user):
    """Keep the uploaded file and queue its check (a dry run); the page then polls the job."""
    from .models import RosterImport

    if not allowed_branch_ids_for(user):
        raise ValidationError("您没有导入党员的权限")
    if upload.size > _max_bytes():
        raise ValidationError(
            f"文件太大（{upload.size / 1024 / 1024:.1f} MB），上限为 {_max_bytes() / 1024 / 1024:.0f} MB，请拆分后导入"
        )
    job = RosterImport(
        source=RosterImport.Source.PAGE, uploaded_by=user, file_name=os.path.basename(upload.name)[:255],
        file_size=upload.size, dry_run=True,
    )
    job.file.save(f"upload{os.path.splitext(upload.name)[1].lower()[:6]}", upload, save=False)
    job.save()
    _queue(job.pk)
    return job


def roster_import_job_confirm(*, job, user):
    """The uploader confirms a checked file: queue the real import (checked again then)."""
    from .models import RosterImport

    if job.uploaded_by_id != user.pk:
        raise ValidationError("只能确认自己上传的文件")
    claimed = RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
        status=RosterImport.Status.QUEUED, dry_run=False, progress=0
    )
    if not claimed:
        raise ValidationError("该文件当前不能确认导入")
    _queue(job.pk)
    job.refresh_from_db()
    return job


def _queue(job_id: int) -> None:
    from .tasks import roster_import_run

    transaction.on_commit(lambda: roster_import_run.delay(job_id))


def _remove_upload(job) -> None:
    if job.file:
        job.file.delete(save=False)


def roster_import_job_run(*, job_id: int):
    """Run whatever the job is waiting for. Claimed by a conditional update: safe to run twice."""
    from accounts.models import User

    from .models import RosterImport

    Status = RosterImport.Status
    now = timezone.now()
    if RosterImport.objects.filter(pk=job_id, status=Status.PENDING).update(status=Status.CHECKING, started_at=now):
        dry_run = True
    elif RosterImport.objects.filter(pk=job_id, status=Status.QUEUED).update(status=Status.IMPORTING, started_at=now):
        dry_run = False
    else:
        return None  # someone else has it, or nothing to do
    job = RosterImport.objects.get(pk=job_id)
    user = User.objects.select_related("branch").get(pk=job.uploaded_by_id) if job.uploaded_by_id else None
    last = [-1]

    def progress(pct: int) -> None:
        if pct >= last[0] + 2:  # a write every 2 % is plenty for a progress bar
            last[0] = pct
            RosterImport.objects.filter(pk=job_id).update(progress=pct)

    try:
        try:
            source: Any = job.file.path
        except NotImplementedError:  # a storage without local paths
            with job.file.open("rb") as fh:
                source = fh.read()
        report = roster_import_file(source=source, file_name=job.file_name, user=user, dry_run=dry_run,
                                    progress=progress)
    except Exception:
        import logging

        logging.getLogger(__name__).exception("roster import %s failed", job_id)
        report = ImportReport(file_name=job.file_name, dry_run=dry_run, message="导入时发生内部错误，未导入任何数据，请联系管理员")
    for name, value in _report_fields(report).items():
        setattr(job, name, value)
    job.status = _report_status(report)
    job.progress = 100
    job.finished_at = timezone.now()
    _attach_error_report(job, report)
    if job.status != Status.CHECKED:
        _remove_upload(job)  # done, rejected or failed: the personal data goes
    job.save()
    return job


# Uploaded rosters hold every member's personal data: a checked file that nobody
# confirms, and the error reports (the bad rows in full), are not kept for long.
UNCONFIRMED_KEPT = dt.timedelta(days=1)
ERROR_REPORTS_KEPT = dt.timedelta(days=7)


def roster_imports_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Expire checked-but-unconfirmed jobs and drop old error reports. Returns (expired, reports removed).

    Each job is claimed by a conditional update, so two runs at once do the work once.
    """
    from .models import RosterImport

    now = now or timezone.now()
    expired = 0
    stale = RosterImport.objects.filter(status=RosterImport.Status.CHECKED, finished_at__lt=now - UNCONFIRMED_KEPT)
    for job in stale:
        if RosterImport.objects.filter(pk=job.pk, status=RosterImport.Status.CHECKED).update(
            status=RosterImport.Status.EXPIRED
        ):
            _remove_upload(job)
            RosterImport.objects.filter(pk=job.pk).update(file="")
            expired += 1
    reports = 0
    for job in RosterImport.objects.exclude(error_report="").filter(finished_at__lt=now - ERROR_REPORTS_KEPT):
        job.error_report.delete(save=False)
        RosterImport.objects.filter(pk=job.pk).update(error_report="")
        reports += 1
    return expired, reports


# --------------------------------------------------------------------------- export


def roster_export(*, user, file_format: str, branch: Branch | None = None, source: str = "page") -> tuple[bytes, str]:
    """The roster the user may read (a branch's subtree if given), as xlsx or csv bytes, and a file name."""
    from .models import RosterExport
    from .selectors import can_see_personal_data, members_visible_to

    queryset = members_visible_to(user).order_by("branch__path", "name", "pk")
    if branch is not None:
        queryset = queryset.filter(branch__path__startswith=branch.path)
    counts = {"rows": 0, "unmasked": 0}

    def rows() -> Iterator[list[Any]]:
        for number, member in enumerate(queryset.iterator(chunk_size=2000), start=1):
            unmasked = can_see_personal_data(user, member)
            counts["rows"] += 1
            counts["unmasked"] += unmasked
            yield [neutralise(v) for v in member_row(member, number=number, unmasked=unmasked)]

    if file_format == "csv":
        data = write_csv(rows())
    elif file_format == "xlsx":
        data = write_xlsx(rows())
    else:
        raise ValueError(file_format)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    file_name = f"党员名册-{branch.name if branch else '全部'}-{stamp}.{file_format}"
    RosterExport.objects.create(
        exported_by=user if user is not None and user.pk else None, source=source, file_name=file_name,
        file_format=file_format, branch=branch, row_count=counts["rows"], unmasked_count=counts["unmasked"],
    )
    return data, file_name


def roster_template_xlsx() -> bytes:
    return write_xlsx(template_rows())
