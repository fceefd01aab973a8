"""Cleaning: one roster row into validated ``Member`` values (the only validation)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import Branch

from ..models import Member
from ..personal_data import BY_HEADER, shown_in_column
from ..pii import InvalidIdNumber, normalize_id_number, parse_id_number
from .columns import HEADER_OF_FIELD, fold

_LABELS = {
    "gender": {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE, "M": "M", "F": "F"},
    "education": {str(label): value for value, label in Member.Education.choices}
    | {
        "本科": Member.Education.BACHELOR,
        "大学": Member.Education.BACHELOR,
        "硕士": Member.Education.POSTGRADUATE,
        "博士": Member.Education.POSTGRADUATE,
        "硕士研究生": Member.Education.POSTGRADUATE,
        "博士研究生": Member.Education.POSTGRADUATE,
        "中等专科": Member.Education.SECONDARY_VOCATIONAL,
        "大学专科": Member.Education.JUNIOR_COLLEGE,
    },
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
DERIVED_FROM_ID = ("birth_date", "gender")


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
    if not text.isprintable():
        # Control characters (\x01, a stray tab or line break) never reach the roster:
        # a break becomes a space, the rest is dropped.
        text = _CONTROL.sub("", _BREAKS.sub(" ", text)).strip()
    return text


_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029\x85]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


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


def shown_value(column: str, value: Any, *, visible: bool = False) -> str:
    """A cell as it may appear in an error report: personal fields masked (``personal_data.POLICY``)
    unless the reader may see them, so an admin can fix the file; long values cut."""
    text = _text(value)[:100]
    if column in BY_HEADER and not visible:
        return shown_in_column(column, fold(text) if column == "联系电话" else text, visible=False)
    return text


class _Row:
    """One row being cleaned: the raw cells by header, the values so far, the errors so far."""

    __slots__ = ("raw", "values", "errors")

    def __init__(self, raw: Mapping[str, Any]):
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.errors: list[tuple[str, Any, str]] = []

    def error(self, header: str, message: str) -> None:
        self.errors.append((header, self.raw.get(header), message))

    def text(self, header: str, fieldname: str, *, required: bool = False, default: str = "") -> None:
        if header not in self.raw:
            return
        value = _text(self.raw[header]) or default
        if required and not value:
            self.error(header, f"{header}不能为空")
        elif len(value) > _TEXT_LIMITS[fieldname]:
            self.error(header, f"{header}过长，最多 {_TEXT_LIMITS[fieldname]} 个字")
        self.values[fieldname] = value

    def choice(self, header: str, fieldname: str, *, default: str | None) -> None:
        """A label of the field's choices (or its code); empty gives ``default``, or an error if None."""
        if header not in self.raw:
            return
        value = fold(_text(self.raw[header]))
        if not value and default is not None:
            self.values[fieldname] = default
            return
        found = _LABELS[fieldname].get(value) or _LABELS[fieldname].get(value.upper())
        if found is not None:
            self.values[fieldname] = str(found)
        elif not value:
            self.error(header, f"{header}不能为空")
        else:
            labels = "、".join(dict.fromkeys(str(lbl) for _, lbl in getattr(Member, fieldname.title()).choices))
            self.error(header, f"“{value}”不是有效的{header}，应为：{labels}")

    def date(self, header: str, fieldname: str, *, required: bool = False) -> None:
        if header not in self.raw:
            return
        try:
            value = parse_date(self.raw[header])
        except ValueError:
            self.error(header, f"{header}无法识别，请写成 2018-07-01、2018/7/1 或 2018年7月1日")
            return
        if value is None and required:
            self.error(header, f"{header}不能为空")
        self.values[fieldname] = value

    def flag(self, header: str, fieldname: str) -> None:
        if header not in self.raw:
            return
        value = fold(_text(self.raw[header])).upper()
        if value in _YES:
            self.values[fieldname] = True
        elif value in _NO:
            self.values[fieldname] = False
        else:
            self.error(header, f"{header}应填“是”或“否”")

    def phone(self, header: str, fieldname: str) -> None:
        if header not in self.raw:
            return
        value = fold(_text(self.raw[header]))
        if value and not _PHONE.match(value):
            self.error(header, "联系电话格式不正确")
        self.values[fieldname] = value


# Set in a row's values when it belongs to a branch the importer may not import into.
OTHER_BRANCH = "_other_branch"


class RowCleaner:
    """Turns one roster row into validated Member values.

    The branch is looked up by exact name or code among existing branches;
    ``allowed_branch_ids`` (None: all) are the branches the importer may write.
    """

    def __init__(self, *, allowed_branch_ids: set[int] | None = None, today: dt.date | None = None):
        self.branches: dict[str, tuple[int, bool]] = {}
        self.branch_names: dict[int, str] = {}
        for pk, code, name, active in Branch.objects.values_list("pk", "code", "name", "is_active"):
            self.branch_names[pk] = name
            self.branches[name] = (pk, active)
            self.branches.setdefault(code, (pk, active))
        self.allowed = allowed_branch_ids
        self.today = today or timezone.localdate()

    def clean(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Any, str]]]:
        """Returns (values, errors); errors are (column header, raw value, message in Chinese)."""
        row = _Row(raw)
        row.text("姓名", "name", required=True)
        from_id = self._id_number(row)
        self._columns(row)
        # The ID number's birth date and gender fill the columns left empty.
        if not row.values.get("birth_date"):
            row.values["birth_date"] = from_id[0]
        if not row.values.get("gender"):
            row.values["gender"] = from_id[1] or ""
        self._branch(row)
        if not row.errors:
            self._model_rules(row)
        return row.values, row.errors

    @staticmethod
    def _id_number(row: _Row) -> tuple[dt.date | None, str | None]:
        """Normalise the ID number; returns the birth date and gender it encodes (None, None if bad)."""
        id_number = normalize_id_number(_text(row.raw.get("公民身份号码")))
        row.values["id_number"] = id_number
        if not id_number:
            row.error("公民身份号码", "公民身份号码不能为空")
            return None, None
        try:
            return parse_id_number(id_number)
        except InvalidIdNumber as exc:
            row.error("公民身份号码", str(exc))
            return None, None

    @staticmethod
    def _columns(row: _Row) -> None:
        """Every column but the name, the ID number and the branch, in the roster's order."""
        row.choice("性别", "gender", default="")
        row.text("民族", "ethnicity", default="汉族")
        row.date("出生日期", "birth_date")
        row.choice("学历", "education", default="")
        row.choice("人员类别", "category", default=None)
        row.date("入党日期", "joined_on", required=True)
        row.date("转为正式党员日期", "full_member_on")
        row.text("工作岗位", "job")
        row.phone("联系电话", "phone")
        row.text("家庭住址", "address")
        row.choice("党籍状态", "standing", default=Member.Standing.NORMAL)
        row.flag("是否流动党员", "is_floating")
        row.flag("是否失联党员", "is_lost_contact")

    def _branch(self, row: _Row) -> None:
        """An existing, active branch the importer may write, by full name or code."""
        name = _text(row.raw.get("所在党支部"))
        found = self.branches.get(name) or self.branches.get(fold(name))
        if not name:
            row.error("所在党支部", "所在党支部不能为空")
        elif found is None:
            row.error("所在党支部", f"党支部“{name}”不存在，请填写已建立的党支部的全称或组织编码")
        elif not found[1]:
            row.error("所在党支部", f"党支部“{name}”已撤销")
        elif self.allowed is not None and found[0] not in self.allowed:
            # Another branch's row: left out and counted once, not reported as an error per row.
            row.values[OTHER_BRANCH] = True
        else:
            row.values["branch_id"] = found[0]

    def _model_rules(self, row: _Row) -> None:
        """The model's own cross-field rules (dates, ID consistency), nothing copied.

        ``Model.__init__`` costs more than all the parsing above; ``clean()`` only reads these attributes.
        """
        values = row.values
        member = Member.__new__(Member)
        member.__dict__.update(
            id_number=values["id_number"],
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
                    row.error(header, message)
