"""The one personal-data policy: which fields of a member are personal, and how each is shown
to a viewer who may not see it.

Pages (``presenters.MemberDisplay``), the API (``api.MemberSerializer``), the
roster exports and the admin's export (``roster.files.member_row``), the import
error reports (``roster.cleaning.shown_value``) and the log filter
(``pii.PersonalDataLogFilter``) all read this table; none has a rule of its own.
Who may see a member's personal data is the scope's ``PERSONAL_DATA``
capability (``selectors.can_see_personal_data``).

| field | shown to a viewer who may not see it | in log lines |
|---|---|---|
| 公民身份号码 id_number | first 6 and last 2 characters: ``330203**********3X`` | masked the same |
| 联系电话 phone | ``138****5678`` | masked the same |
| 家庭住址 address | up to the town: ``浙江省宁波市海曙区高桥镇****`` | masked the same |
| 出生日期 birth_date | the year only: ``1975年`` (with a masked ID number, a full date leaves ~9 candidates) | — |
| 照片 photo | not shown | — |
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .pii import mask_address, mask_id_number, mask_phone, normalize_id_number


def _birth_year(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年"
    text = str(value or "").strip()
    return f"{text[:4]}年" if len(text) >= 4 and text[:4].isdigit() else ""


def _hidden(value: Any) -> str:
    return ""


@dataclass(frozen=True)
class PersonalField:
    name: str  # the Member attribute
    header: str  # its column in rosters and reports
    masked: Callable[[Any], Any]  # what a viewer who may not see it gets
    in_text: re.Pattern | None = None  # how it is found in free text (logs)
    text_mask: Callable[[re.Match], str] | None = None


POLICY: dict[str, PersonalField] = {
    f.name: f
    for f in (
        PersonalField(
            "id_number",
            "公民身份号码",
            lambda v: mask_id_number(normalize_id_number(str(v or ""))),
            re.compile(r"(?<![\d.])(\d{6})\d{8,10}(\d{1}[\dXx])(?![\dXx])"),
            lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}",
        ),
        PersonalField(
            "phone",
            "联系电话",
            lambda v: mask_phone(str(v or "")),
            re.compile(r"(?<![\d.])(1[3-9]\d)\d{4}(\d{4})(?!\d)"),
            lambda m: f"{m.group(1)}****{m.group(2)}",
        ),
        PersonalField(
            "address",
            "家庭住址",
            lambda v: mask_address(str(v or "")),
            # A Chinese address down to the house: a place name, then a number with 号/室/幢/座….
            re.compile(
                r"[\u4e00-\u9fff]{2,}(?:省|市|区|县|镇|乡|街道|村|社区)[\u4e00-\u9fffA-Za-z0-9#\-]*?\d+\s*"
                r"(?:号|室|幢|栋|弄|座|单元|组)[\u4e00-\u9fffA-Za-z0-9#\-]*"
            ),
            lambda m: mask_address(m.group(0)),
        ),
        PersonalField("birth_date", "出生日期", _birth_year),
        PersonalField("photo", "照片", _hidden),
    )
}
BY_HEADER = {f.header: f for f in POLICY.values()}


def shown(name: str, value: Any, *, visible: bool) -> Any:
    """``value`` of the member attribute ``name`` as a viewer sees it."""
    field = POLICY.get(name)
    if visible or field is None or value in (None, ""):
        return value
    return field.masked(value)


def shown_in_column(header: str, value: Any, *, visible: bool) -> Any:
    """A roster cell under ``header`` as a viewer sees it (exports, error reports)."""
    field = BY_HEADER.get(header)
    if visible or field is None or value in (None, ""):
        return value
    return field.masked(value)


def mask_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A serialized member with every personal field masked (the API's masked view)."""
    for name, field in POLICY.items():
        if name in data and data[name] not in (None, ""):
            data[name] = field.masked(data[name])
    return data


_QUERY_IN_TEXT = re.compile(r"(/[^\s?\"']*)\?[^\s\"']+")


def redact_text(text: str) -> str:
    """Free text (a log line, a traceback) with query strings dropped and every personal field masked."""
    text = _QUERY_IN_TEXT.sub(r"\1?…", text)
    for field in POLICY.values():
        if field.in_text is not None:
            text = field.in_text.sub(field.text_mask, text)
    return text
