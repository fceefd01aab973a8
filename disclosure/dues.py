"""党费收缴: the monthly dues table per branch, entered or imported by the secretary, published as it is.

Each month is one register item (category 党费收缴, period ``YYYY-MM``, source
``disclosure.dues``) whose payload is built from the table row: changing a
month's figures after it was published is a 更正 with a reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch

from .models import Category, DuesMonth, ItemVersion, period_display
from .services import disclosure_publish

SOURCE = "disclosure.dues"
CSV_HEADERS = ("月份", "应交人数", "实交人数", "实交金额", "备注")


def dues_payload(row: DuesMonth) -> dict:
    return {
        "month": row.month,
        "members_due": row.members_due,
        "members_paid": row.members_paid,
        "amount_paid": f"{Decimal(row.amount_paid):.2f}",
        "note": row.note,
    }


def dues_title(month: str) -> str:
    return f"{period_display(month)}党费收缴情况"


@transaction.atomic
def dues_month_save(
    *,
    branch: Branch,
    month: str,
    members_due: int,
    members_paid: int,
    amount_paid: Decimal,
    note: str = "",
    reason: str = "",
    by,
) -> ItemVersion:
    """Enter (or correct) one month and publish it; a correction of a published month needs ``reason``."""
    if by is not None and not scope_for(by).covers(Cap.WRITE, branch):
        raise PermissionDenied(_("您没有此项操作的权限"))
    row = DuesMonth.objects.filter(branch=branch, month=month).first() or DuesMonth(branch=branch, month=month)
    changed = row.pk is not None and (row.members_due, row.members_paid, Decimal(row.amount_paid), row.note) != (
        members_due,
        members_paid,
        Decimal(amount_paid),
        note.strip(),
    )
    if changed and not reason.strip():
        raise ValidationError({"reason": _("已公开的月份修改后将作为更正发布，请写明更正原因")})
    row.members_due, row.members_paid, row.amount_paid, row.note = members_due, members_paid, amount_paid, note.strip()
    row.entered_by = by
    row.full_clean()
    row.save()
    return disclosure_publish(
        branch=branch,
        category=Category.DUES,
        period=month,
        source=SOURCE,
        title=dues_title(month),
        payload=dues_payload(row),
        by=by,
        reason=reason,
    )


MAX_IMPORT_ROWS = 600  # fifty years of months: a dues table, not a roster
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@dataclass
class DuesImportResult:
    saved: int
    errors: list[str]


class _FileError(Exception):
    pass


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):  # a month typed into Excel becomes a date
        return value.strftime("%Y-%m")
    return str(value).strip()


def _read_rows(content: bytes, file_name: str) -> list[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells as text) from an xlsx or a CSV."""
    if len(content) > MAX_IMPORT_BYTES:
        raise _FileError(_("文件太大（不超过 2 MB）"))
    if not content.strip():
        raise _FileError(_("文件是空的"))
    if content.startswith(b"PK\x03\x04"):
        from members.roster.guard import check_xlsx
        from members.roster.reading import RosterFileError

        try:
            check_xlsx(content)  # what the file declares, before anything is inflated
        except RosterFileError as exc:
            raise _FileError(str(exc)) from None
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            first = sheet.start[0] if sheet.start else 0
            return [
                (first + i + 1, [_cell_text(c) for c in cells])
                for i, cells in enumerate(sheet.iter_rows())
                if i <= MAX_IMPORT_ROWS
            ]
        except Exception:  # calamine raises several types for a broken file
            raise _FileError(_("无法读取该文件：文件已损坏，或不是 Excel 表格（.xlsx）")) from None
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm")) or b"\x00" in content[:4096]:
        raise _FileError(_("请上传 .xlsx 或 .csv 文件（.xls 请在 Excel/WPS 中另存为 .xlsx）"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _FileError(_("无法识别文件编码，请另存为 UTF-8 的 CSV"))
    rows = list(csv.reader(io.StringIO(text, newline="")))[: MAX_IMPORT_ROWS + 1]
    return [(i + 1, [c.strip() for c in row]) for i, row in enumerate(rows)]


def dues_import_file(*, branch: Branch, content: bytes, file_name: str = "", reason: str = "", by) -> DuesImportResult:
    """Import a dues table (xlsx or CSV; headers 月份,应交人数,实交人数,实交金额[,备注]): all rows or none.

    Every bad cell is reported with its row number and column; nothing is saved
    until every row is good.
    """
    if by is not None and not scope_for(by).covers(Cap.WRITE, branch):
        raise PermissionDenied(_("您没有此项操作的权限"))
    try:
        numbered = [(n, cells) for n, cells in _read_rows(content, file_name) if any(cells)]
    except _FileError as exc:
        return DuesImportResult(0, [str(exc)])
    if not numbered:
        return DuesImportResult(0, [_("文件中没有内容")])
    header_number, header = numbered[0]
    where = {name: header.index(name) for name in CSV_HEADERS if name in header}
    missing = [h for h in CSV_HEADERS[:4] if h not in where]
    if missing:
        return DuesImportResult(
            0, [_("第 %(line)s 行（表头）缺少列：%(cols)s") % {"line": header_number, "cols": "、".join(missing)}]
        )
    data = numbered[1:]
    if len(data) > MAX_IMPORT_ROWS:
        return DuesImportResult(0, [_("行数过多（一次最多 %(n)s 行）") % {"n": MAX_IMPORT_ROWS}])
    rows, errors, seen = [], [], {}
    for line, cells in data:
        raw = {name: (cells[i] if i < len(cells) else "") for name, i in where.items()}
        try:
            parsed = _parse_row(raw)
        except _CellError as exc:
            errors.append(
                _("第 %(line)s 行「%(col)s」：%(error)s") % {"line": line, "col": exc.column, "error": exc.message}
            )
            continue
        if parsed[0] in seen:
            errors.append(
                _("第 %(line)s 行「月份」：%(month)s 与第 %(first)s 行重复")
                % {"line": line, "month": parsed[0], "first": seen[parsed[0]]}
            )
            continue
        seen[parsed[0]] = line
        rows.append(parsed)
    if errors:
        return DuesImportResult(0, errors)
    if not rows:
        return DuesImportResult(0, [_("文件中没有数据行")])
    try:
        with transaction.atomic():
            for month, due, paid, amount, note in rows:
                dues_month_save(
                    branch=branch,
                    month=month,
                    members_due=due,
                    members_paid=paid,
                    amount_paid=amount,
                    note=note,
                    reason=reason,
                    by=by,
                )
    except ValidationError as exc:
        return DuesImportResult(
            0, [_("第 %(line)s 行：%(error)s") % {"line": seen[month], "error": "；".join(exc.messages)}]
        )
    return DuesImportResult(len(rows), [])


def dues_import_csv(*, branch: Branch, content: bytes, reason: str = "", by) -> DuesImportResult:
    """The CSV form of :func:`dues_import_file` (kept for callers that only ever send CSV)."""
    return dues_import_file(branch=branch, content=content, file_name="dues.csv", reason=reason, by=by)


class _CellError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _parse_row(raw: dict) -> tuple[str, int, int, Decimal, str]:
    month = (raw.get("月份") or "").strip().replace("/", "-").replace(".", "-").replace("年", "-").rstrip("月")
    m = re.match(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$", month)
    if not m or not 1 <= int(m[2]) <= 12:
        raise _CellError("月份", _("应写成 2026-03（填写的是“%(v)s”）") % {"v": raw.get("月份") or ""})
    month = f"{m[1]}-{int(m[2]):02d}"
    numbers = {}
    for column in ("应交人数", "实交人数"):
        try:
            numbers[column] = int(raw.get(column) or "")
        except ValueError:
            raise _CellError(column, _("应为整数（填写的是“%(v)s”）") % {"v": raw.get(column) or ""}) from None
        if numbers[column] < 0:
            raise _CellError(column, _("不能为负数"))
    due, paid = numbers["应交人数"], numbers["实交人数"]
    if paid > due:
        raise _CellError("实交人数", _("实交人数不能多于应交人数"))
    try:
        amount = Decimal((raw.get("实交金额") or "").strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise _CellError(
            "实交金额", _("应为数字，如 1234.50（填写的是“%(v)s”）") % {"v": raw.get("实交金额") or ""}
        ) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= Decimal("100000000")
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise _CellError("实交金额", _("应为 0 到 99999999.99 之间、最多两位小数的金额"))
    note = (raw.get("备注") or "").strip()
    if len(note) > 200:
        raise _CellError("备注", _("不超过 200 个字"))
    return month, due, paid, amount, note
