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


@dataclass
class DuesImportResult:
    saved: int
    errors: list[str]


def dues_import_csv(*, branch: Branch, content: bytes, reason: str = "", by) -> DuesImportResult:
    """Import a CSV with the headers 月份,应交人数,实交人数,实交金额[,备注]: all rows or none."""
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return DuesImportResult(0, [_("无法识别文件编码，请另存为 UTF-8 的 CSV")])
    reader = csv.DictReader(io.StringIO(text))
    missing = [h for h in CSV_HEADERS[:4] if h not in (reader.fieldnames or [])]
    if missing:
        return DuesImportResult(0, [_("缺少列：%(cols)s") % {"cols": "、".join(missing)}])
    rows, errors = [], []
    for line, raw in enumerate(reader, start=2):
        try:
            rows.append(_parse_row(raw))
        except ValueError as exc:
            errors.append(_("第 %(line)s 行：%(error)s") % {"line": line, "error": exc})
    if errors:
        return DuesImportResult(0, errors)
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
        return DuesImportResult(0, ["；".join(exc.messages)])
    return DuesImportResult(len(rows), [])


def _parse_row(raw: dict) -> tuple[str, int, int, Decimal, str]:
    month = (raw.get("月份") or "").strip().replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-(\d{1,2})$", month)
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValueError(_("月份应写成 2026-03"))
    month = f"{m[1]}-{int(m[2]):02d}"
    try:
        due, paid = int(raw["应交人数"]), int(raw["实交人数"])
    except (TypeError, ValueError):
        raise ValueError(_("人数应为整数")) from None
    if due < 0 or paid < 0 or paid > due:
        raise ValueError(_("实交人数应在 0 到应交人数之间"))
    try:
        amount = Decimal((raw.get("实交金额") or "").strip())
    except InvalidOperation:
        raise ValueError(_("实交金额应为数字，如 1234.50")) from None
    if amount < 0:
        raise ValueError(_("实交金额不能为负数"))
    return month, due, paid, amount, (raw.get("备注") or "").strip()
