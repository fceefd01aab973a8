"""The files the roster writes: exports, the template, the error report; all formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..models import Member
from ..personal_data import BY_HEADER, shown
from ..pii import make_id_number
from .cleaning import shown_value
from .columns import HEADERS, canonical_header
from .importing import ImportReport

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an xlsx (XML 1.0) cannot hold


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never evaluate, and can always store.

    A stored string with a control character (from before imports refused them)
    loses it here, so an export never fails on one.
    """
    if isinstance(value, str):
        if not value.isprintable():
            value = _UNWRITABLE.sub("", value)
        if value.startswith(_FORMULA_START):
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
            shown_value(canonical[i], cells[i], visible=report.personal_data_visible)
            if canonical[i] in BY_HEADER
            else _cell_out(cells[i])
            for i in range(min(len(cells), len(headers)))
        ]
        sheet.append([number, "；".join(reasons[number]), *[neutralise(v) for v in shown]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REPORT_CELL_CHARS = 200  # a bad cell is quoted this far in the report, never whole (a 10 MB cell stays out)


def _cell_out(value: Any) -> Any:
    if isinstance(value, str) and len(value) > REPORT_CELL_CHARS:
        return value[:REPORT_CELL_CHARS] + "…"
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
        shown("id_number", member.id_number, visible=unmasked),
        shown("birth_date", member.birth_date.isoformat() if member.birth_date else "", visible=unmasked),
        member.get_education_display() if member.education else "",
        member.get_category_display(),
        member.branch.name,
        member.joined_on.isoformat() if member.joined_on else "",
        member.full_member_on.isoformat() if member.full_member_on else "",
        member.job,
        shown("phone", member.phone, visible=unmasked),
        shown("address", member.address, visible=unmasked),
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
    return [
        [
            1,
            "张三",
            "男",
            "汉族",
            number,
            "1985-07-01",
            "大学本科",
            "正式党员",
            "高桥社区党支部",
            "2010-07-01",
            "2011-07-01",
            "村委会委员",
            "13800000000",
            "浙江省宁波市海曙区高桥镇某路1号",
            "正常",
            "否",
            "否",
        ]
    ]


def roster_template_xlsx() -> bytes:
    return write_xlsx(template_rows())
