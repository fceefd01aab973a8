"""Real roster files for the import tests: xlsx by openpyxl, xls by LibreOffice, csv in any encoding."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from branches.models import Area, Branch
from branches.services import branch_create
from members.models import Member, MemberTransfer, RosterImport
from members.pii import make_id_number
from members.roster import HEADERS

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE_XLSX = DATA / "roster-sample.xlsx"
SAMPLE_CSV = DATA / "roster-sample.csv"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def load_organisation(*, under: Branch | None = None) -> dict[str, Branch]:
    """The demo town's branches from data/gaoqiao-organisation.csv, through the branch service.

    With ``under`` the town committee row is skipped and its children hang below ``under``.
    """
    made: dict[str, Branch] = {}
    areas: dict[str, Area] = {}
    with open(DATA / "gaoqiao-organisation.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if under is not None and not row["parent_code"]:
                made[row["code"]] = under
                continue
            parent = made.get(row["parent_code"]) if row["parent_code"] else None
            if parent is not None:
                parent = Branch.objects.get(pk=parent.pk)  # fresh numchild for treebeard
            area = None
            if row["area"]:
                town = made[next(iter(made))]
                area = areas.get(row["area"]) or Area.objects.filter(name=row["area"]).first()
                if area is None:
                    area = Area.objects.create(town=town, name=row["area"], code=f"area-{len(areas) + 10}")
                areas[row["area"]] = area
            made[row["code"]] = branch_create(
                code=row["code"], name=row["name"], kind=row["kind"], unit=row["unit"], parent=parent, area=area
            )
    return made


def person(n: int, *, branch: str = "高峰村党支部", **overrides: Any) -> dict[str, Any]:
    """A valid roster row (a dict keyed by header), made-up but consistent."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=7 * n)
    number = make_id_number("330203", birth, 100 + n % 800)
    female = int(number[16]) % 2 == 0
    row = {
        "序号": n,
        "姓名": f"测试{n}号",
        "性别": "女" if female else "男",
        "民族": "汉族",
        "公民身份号码": number,
        "出生日期": birth.isoformat(),
        "学历": "大专",
        "人员类别": "正式党员",
        "所在党支部": branch,
        "入党日期": (birth + dt.timedelta(days=25 * 365)).isoformat(),
        "转为正式党员日期": (birth + dt.timedelta(days=26 * 365)).isoformat(),
        "工作岗位": "农民",
        "联系电话": f"138{n:08d}",
        "家庭住址": f"浙江省宁波市海曙区高桥镇{n}号",
        "党籍状态": "正常",
        "是否流动党员": "否",
        "是否失联党员": "否",
    }
    row.update(overrides)
    return row


def _table(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None) -> tuple[list[str], list[list[Any]]]:
    headers = list(headers or HEADERS)
    keys = [h.strip().replace("\u3000", "") for h in headers]
    return headers, [[row.get(k, row.get(h, "")) for h, k in zip(headers, keys)] for row in rows]


def xlsx_bytes(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None, *, title_row: str = "") -> bytes:
    headers, body = _table(rows, headers)
    book = Workbook()
    sheet = book.active
    sheet.title = "党员信息"
    if title_row:
        sheet.append([title_row])
    sheet.append(headers)
    for values in body:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None, *, encoding: str = "utf-8") -> bytes:
    headers, body = _table(rows, headers)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(body)
    return out.getvalue().encode(encoding)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def xls_bytes(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None) -> bytes:
    """A real BIFF8 .xls, converted from xlsx by LibreOffice's headless converter."""
    program = soffice()
    if program is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is required in CI to make .xls test files: apt-get install libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "roster.xlsx"
        source.write_bytes(xlsx_bytes(rows, headers))
        subprocess.run(
            [program, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "xls",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=120,
        )
        return (Path(tmp) / "roster.xls").read_bytes()


def snapshot() -> tuple:
    """Everything an import may touch, to assert a failed import changed nothing."""
    members = tuple(Member.objects.order_by("pk").values_list(
        "pk", "name", "id_number", "branch_id", "phone", "joined_on", "full_member_on", "category", "updated_at"))
    transfers = MemberTransfer.objects.count()
    return members, transfers, Branch.objects.count()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def last_job() -> RosterImport:
    return RosterImport.objects.order_by("-pk").first()
