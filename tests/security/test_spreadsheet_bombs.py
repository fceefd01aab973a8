"""Hole 2: spreadsheets that would exhaust memory are refused from what they declare, before anything is loaded.

The bomb files are built here, part by part, as an attacker would.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import RosterImport
from members.roster import RosterFileError, read_roster
from tests.members.roster_files import last_job, person, xlsx_bytes

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _xlsx(sheet_xml: str, shared: bytes | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _CT)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _BOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            with book.open("xl/sharedStrings.xml", "w") as part:
                part.write(shared)
    return out.getvalue()


def one_cell_at(ref: str, *, declare: bool = True) -> bytes:
    dimension = f'<dimension ref="A1:{ref}"/>' if declare else ""
    return _xlsx(
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dimension}<sheetData>'
        f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )


def shared_strings_bomb(megabytes: int = 60) -> bytes:
    """One shared string of ``megabytes`` MB of the same letter: it deflates to about a thousandth."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="1" uniqueCount="1"><si><t>'.encode()
    body = io.BytesIO()
    body.write(head)
    body.write(b"A" * (megabytes * 1024 * 1024))
    body.write(b"</t></si></sst>")
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="A1"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    return _xlsx(sheet, body.getvalue())


def test_the_probe_file_is_small():
    data = one_cell_at("XFD1048576")
    assert len(data) < 2048


@pytest.mark.parametrize("ref", ["XFD1048576", "Q1048576", "A300000", "DZ1"])
@pytest.mark.parametrize("declare", [True, False])
def test_a_far_cell_is_refused_before_loading(ref, declare):
    with pytest.raises(RosterFileError) as refused:
        read_roster(one_cell_at(ref, declare=declare), file_name="bomb.xlsx")
    assert "范围过大" in str(refused.value)


def test_shared_strings_bomb_is_refused():
    data = shared_strings_bomb(60)
    assert len(data) < 200 * 1024
    with pytest.raises(RosterFileError) as refused:
        read_roster(data, file_name="bomb.xlsx")
    assert "过大" in str(refused.value)


def test_a_lying_size_header_does_not_help(settings):
    """Declared sizes can be forged: the inflated bytes are counted as they come."""
    settings.ROSTER_IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    settings.ROSTER_IMPORT_MAX_RATIO = 10**9
    data = bytearray(shared_strings_bomb(8))
    # Rewrite the shared-strings part's declared size (local header and central directory) to 1 KB.
    book = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = book.getinfo("xl/sharedStrings.xml")
    real = info.file_size.to_bytes(4, "little")
    assert data.count(real) >= 1
    data = bytearray(bytes(data).replace(real, (1024).to_bytes(4, "little")))
    with pytest.raises(RosterFileError):
        read_roster(bytes(data), file_name="bomb.xlsx")


def test_too_many_cells_is_refused(settings, branch_a):
    settings.ROSTER_IMPORT_MAX_CELLS = 50
    with pytest.raises(RosterFileError) as refused:
        read_roster(xlsx_bytes([person(n, branch=branch_a.name) for n in range(1, 10)]), file_name="r.xlsx")
    assert "单元格" in str(refused.value)


def test_xlsb_and_ods_are_refused_not_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", "<x/>")
    with pytest.raises(RosterFileError) as refused:
        read_roster(out.getvalue(), file_name="r.xlsx")
    assert "另存为 .xlsx" in str(refused.value)


def test_probe_upload_on_the_roster_page_is_refused_and_the_server_keeps_serving(town_admin, branch_a, upload):
    upload(town_admin, "upload.xlsx", one_cell_at("XFD1048576"))
    job = last_job()
    assert job.status == RosterImport.Status.FAILED
    assert "范围过大" in job.message
    page = town_admin.get(reverse("members:roster-import-status", args=[job.pk]))
    assert page.status_code == 200 and "范围过大" in page.content.decode()
    # The next, honest file is read as usual.
    upload(town_admin, "ok.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    assert last_job().status == RosterImport.Status.CHECKED


def test_shared_strings_bomb_through_the_admin_import_is_refused(town_admin):
    response = town_admin.post(
        reverse("admin:members_member_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("bomb.xlsx", shared_strings_bomb(60))},
    )
    assert response.status_code == 200
    assert "过大" in response.content.decode()


def test_the_worker_ceiling_turns_exhaustion_into_an_error(tmp_path):
    """Under portal.limits' ceiling a reader that asks for too much gets MemoryError; the process goes on."""
    script = textwrap.dedent(
        """
        from portal.limits import cap_address_space
        cap_address_space(1024)
        try:
            bytearray(4 * 1024 ** 3)
        except MemoryError:
            print("refused, still alive")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "refused, still alive" in result.stdout
