"""django-import-export frame for the roster: one format, one resource, one import path.

``MemberResource.import_data`` hands the dataset to ``members.roster`` (the same
service as the roster page and ``import_members``): the admin preview and confirm
call it like any resource and get django-import-export's result back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import Format
from import_export.results import RowResult

from branches.models import Branch

from .models import Member, RosterImport
from .roster import (
    HEADERS,
    IMPORT_FIELDS,
    RosterFileError,
    canonical_header,
    member_row,
    neutralise,
    read_roster,
    roster_import_record,
    roster_import_sheet,
    sheet_from_dataset,
    shown_value,
)


class RosterFormat(Format):
    """xlsx, xls (Excel and WPS) and csv in UTF-8 or GB18030, recognised by content."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the content decides; kept for the admin's call

    def get_title(self) -> str:
        return "Excel / WPS / CSV 党员名册（.xlsx .xls .csv）"

    def create_dataset(self, in_stream) -> tablib.Dataset:
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        sheet = read_roster(data)  # RosterFileError carries the message for the form
        headers = [canonical_header(h) or h or f"列{i + 1}" for i, h in enumerate(sheet.headers)]
        dataset = tablib.Dataset(headers=headers)
        numbers: list[int] = []
        width = len(headers)
        for number, cells in sheet.rows:
            if not any(c not in (None, "") and str(c).strip() for c in cells):
                continue
            dataset.append((list(cells) + [None] * width)[:width])
            numbers.append(number)
        # Spreadsheet row numbers, so errors name the row the user sees.
        dataset.roster_row_numbers = numbers
        return dataset

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return False


def _field(attribute: str, header: str, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=widget or widgets.Widget())


class MemberResource(resources.ModelResource):
    name = _field("name", "姓名")
    gender = _field("gender", "性别")
    ethnicity = _field("ethnicity", "民族")
    id_number = _field("id_number", "公民身份号码")
    birth_date = _field("birth_date", "出生日期", widgets.DateWidget())
    education = _field("education", "学历")
    category = _field("category", "人员类别")
    branch = _field("branch", "所在党支部", widgets.ForeignKeyWidget(Branch, "name"))
    joined_on = _field("joined_on", "入党日期", widgets.DateWidget())
    full_member_on = _field("full_member_on", "转为正式党员日期", widgets.DateWidget())
    job = _field("job", "工作岗位")
    phone = _field("phone", "联系电话")
    address = _field("address", "家庭住址")
    standing = _field("standing", "党籍状态")
    is_floating = _field("is_floating", "是否流动党员", widgets.BooleanWidget())
    is_lost_contact = _field("is_lost_contact", "是否失联党员", widgets.BooleanWidget())

    class Meta:
        model = Member
        fields = ("name", "gender", "ethnicity", "id_number", "birth_date", "education", "category", "branch",
                  "joined_on", "full_member_on", "job", "phone", "address", "standing", "is_floating",
                  "is_lost_contact")
        import_id_fields = ("id_number",)
        # import_data hands rows to members.roster, which applies the model's rules (Member.clean) itself.
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True
        skip_diff = True
        use_transactions = True

    PREVIEW_ROWS = 1000  # the admin preview lists this many rows; the counts cover all

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    # -- import: the roster service ------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        user = kwargs.get("user", self.user)
        result = self.get_result_class()()
        result.diff_headers = list(HEADERS)
        try:
            sheet = sheet_from_dataset(dataset, getattr(dataset, "roster_row_numbers", None))
        except RosterFileError as exc:
            result.append_invalid_row(0, {}, ValidationError(str(exc)))
            return result
        report = roster_import_sheet(sheet=sheet, user=user, dry_run=dry_run, file_name=kwargs.get("file_name") or "",
                                     keep_outcomes=self.PREVIEW_ROWS)
        roster_import_record(report=report, user=user, source=kwargs.get("source", RosterImport.Source.ADMIN))
        if report.message:
            result.append_invalid_row(0, {}, ValidationError(report.message))
            return result
        if report.errors:
            by_row: dict[int, dict[str, list[str]]] = {}
            for error in report.errors:
                by_row.setdefault(error.row, {}).setdefault(error.column, []).append(f"“{error.value}”：{error.message}")
            canonical = [canonical_header(h) for h in report.headers]
            for number, errors in by_row.items():
                cells = report.bad_rows.get(number) or []
                shown = {c: shown_value(c, v) for c, v in zip(canonical, cells) if c}
                result.append_invalid_row(number, shown, ValidationError(errors))
            result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_row)
            return result
        branch_names = dict(Branch.objects.values_list("pk", "name"))
        for number, kind, values in report.outcomes:
            row = RowResult()
            row.import_type = kind
            row.diff = [shown_value(h, v) for h, v in zip(HEADERS, _values_row(values, number, branch_names))]
            row.object_repr = values.get("name", "")
            result.append_row_result(row)
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        result.total_rows = report.total
        result.roster_report = report
        return result

    # -- export: masked unless the user may see personal data, formula-safe ----------------

    def export(self, queryset=None, **kwargs):
        from .selectors import can_see_personal_data, members_visible_to

        if queryset is None:
            queryset = members_visible_to(self.user)
        dataset = tablib.Dataset(headers=list(HEADERS))
        for number, member in enumerate(queryset.select_related("branch").iterator(chunk_size=2000), start=1):
            unmasked = self.user is not None and can_see_personal_data(self.user, member)
            dataset.append([neutralise(v) for v in member_row(member, number=number, unmasked=unmasked)])
        return dataset


_LABELS = {
    "gender": dict(Member.Gender.choices), "education": dict(Member.Education.choices),
    "category": dict(Member.Category.choices), "standing": dict(Member.Standing.choices),
}


def _values_row(values: dict[str, Any], number: int, branch_names: dict[int, str]) -> list[Any]:
    """Cleaned values back in the roster's column order, for the admin preview."""
    out: list[Any] = [number]
    for name in IMPORT_FIELDS:
        value = values.get(name)
        if name in _LABELS:
            value = str(_LABELS[name].get(value, value or ""))
        elif name == "branch_id":
            value = branch_names.get(value, "")
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out.append("" if value is None else value)
    return out
