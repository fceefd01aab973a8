"""Roster export: scoped, masked unless the user may see personal data, formula-safe, logged; the template."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, RosterExport
from members.roster import HEADERS, roster_import_file
from tests.factories import MemberFactory


def xlsx_rows(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def csv_rows(response) -> list[list]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel on a Chinese Windows needs the BOM
    return list(csv.reader(io.StringIO(text[1:])))


def export(client, fmt: str, **params):
    return client.get(reverse("members:roster-export"), {"format": fmt, **params})


@pytest.fixture
def roster(branch_a, branch_b):
    return [
        MemberFactory(branch=branch_a, name="张三", phone="13812345678"),
        MemberFactory(branch=branch_b, name="李四", phone="13987654321"),
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_town_admin_exports_everything_unmasked(town_admin, roster, fmt):
    response = export(town_admin, fmt)
    assert response.status_code == 200
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert rows[0] == list(HEADERS)
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["张三"][4] == roster[0].id_number and by_name["张三"][12] == "13812345678"
    assert set(by_name) == {"张三", "李四"}
    log = RosterExport.objects.get()
    assert (log.row_count, log.unmasked_count, log.file_format) == (2, 2, fmt)
    assert log.exported_by.username == "town_admin"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_area_head_gets_masked_id_numbers_and_phones(area_head, roster, fmt):
    response = export(area_head, fmt)
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert [r[1] for r in rows[1:]] == ["张三"]  # branch_b is outside the area
    number = roster[0].id_number
    assert rows[1][4] == number[:6] + "*" * 10 + number[-2:]
    assert rows[1][12] == "138****5678"
    assert number not in response.content.decode("latin-1")
    assert RosterExport.objects.get().unmasked_count == 0


def test_secretary_gets_only_their_branch(secretary_a, roster, branch_a):
    rows = xlsx_rows(export(secretary_a, "xlsx"))
    assert {r[8] for r in rows[1:]} == {branch_a.name}
    assert "李四" not in {r[1] for r in rows[1:]}


def test_export_of_one_branch_and_of_a_branch_out_of_sight(town_admin, secretary_a, roster, branch_b):
    rows = xlsx_rows(export(town_admin, "xlsx", branch=branch_b.code))
    assert [r[1] for r in rows[1:]] == ["李四"]
    assert export(secretary_a, "xlsx", branch=branch_b.code).status_code == 404


def test_member_login_cannot_export(member):
    assert export(member, "xlsx").status_code == 403


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_cells_that_look_like_formulas_are_neutralised(town_admin, branch_a, fmt):
    MemberFactory(branch=branch_a, name="=1+2", job="@SUM(A1)", address="+86 宁波", phone="")
    MemberFactory(branch=branch_a, name="王五", job='=HYPERLINK("http://x","点我")', address="-1")
    response = export(town_admin, fmt)
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    cells = [c for r in rows[1:] for c in r if isinstance(c, str)]
    for dangerous in ("=1+2", "@SUM(A1)", "+86 宁波", '=HYPERLINK("http://x","点我")', "-1"):
        assert "'" + dangerous in cells
        assert dangerous not in cells
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.content))
        assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


def test_export_reimports_unchanged(town_admin, roster, tmp_path):
    response = export(town_admin, "xlsx")
    report = roster_import_file(source=response.content, file_name="export.xlsx")
    assert report.ok and report.unchanged == 2


def test_formula_quote_is_taken_off_again_on_import(town_admin, branch_a):
    MemberFactory(branch=branch_a, name="=1+2")
    content = export(town_admin, "csv").content
    Member.objects.all().delete()
    report = roster_import_file(source=content, file_name="x.csv")
    assert report.ok, report.errors
    assert Member.objects.get().name == "=1+2"


def test_template_has_the_headers_and_one_valid_example(town_admin, branch_b):
    response = town_admin.get(reverse("members:roster-template"))
    rows = xlsx_rows(response)
    assert rows[0] == list(HEADERS) and len(rows) == 2
    assert rows[1][8] == branch_b.name  # 高桥社区党支部
    report = roster_import_file(source=response.content, file_name="template.xlsx", dry_run=True)
    assert report.ok and report.created == 1, report.errors


def test_export_page_lists_visible_branches(secretary_a, branch_a, branch_b):
    page = secretary_a.get(reverse("members:roster-export")).content.decode()
    assert branch_a.name in page and branch_b.name not in page


def test_export_command_writes_a_masked_file(area_head_user, roster, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "out.csv"
    call_command("export_members", str(path), "--user", area_head_user.username, stdout=io.StringIO())
    text = path.read_text(encoding="utf-8-sig")
    assert "138****5678" in text and roster[0].id_number not in text
    assert RosterExport.objects.get().source == "command"


def test_admin_export_is_masked_for_area_head_and_logged(area_head_user, roster):
    from django.test import Client

    area_head_user.is_staff = True
    area_head_user.save()
    client = Client()
    client.force_login(area_head_user)
    response = client.post(reverse("admin:members_member_export"), {"format": "0", "resource": "0",
                                                                    **{f"memberresource_{f}": "on" for f in
                                                                       ("name", "id_number", "phone")}})
    assert response.status_code == 200, response.content[:500]
    rows = xlsx_rows(response)
    assert rows[1][4] != roster[0].id_number and "*" in rows[1][4]
    assert RosterExport.objects.get().source == "admin"
