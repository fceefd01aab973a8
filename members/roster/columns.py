"""The national party member information system's layout: columns, their other names, limits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings


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


def max_file_bytes() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_ROWS", 200_000)
