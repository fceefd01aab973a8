"""The quarterly briefing: the command on the demo town, the PDF read back, recompiling, a worker dying halfway."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from assessment import briefing as service
from assessment.models import Briefing, QuarterScore
from assessment.periods import last_full_quarter

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext: apt-get install poppler-utils")


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def demo_town(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_compile_briefing_on_the_demo_town_writes_html_pdf_and_xlsx(demo_town, tmp_path):
    quarter = last_full_quarter(timezone.localdate())
    out = tmp_path / "out"
    call_command("compile_briefing", quarter, "--out", str(out), stdout=open("/dev/null", "w"))
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".html", ".pdf", ".xlsx"}

    text = _pdf_text(files[".pdf"])
    assert "中共宁波市海曙区高桥镇委员会" in text and "考核情况的通报" in text
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 1000  # Chinese, not boxes
    compact = re.sub(r"\s+", " ", text)
    scores = list(QuarterScore.objects.filter(quarter=quarter).select_related("branch").order_by("rank"))
    assert len(scores) == 32
    # Two units, top and bottom: their rank, name and total stand on one table row.
    for score in (scores[0], scores[-1]):
        row = rf"{score.rank} {re.escape(score.branch.name)} \S+ .*?{score.total} [★☆]{{5}}"
        assert re.search(row, compact), f"{score.branch.name} {score.total} not found in the PDF"
    assert f"参评单位{len(scores)}个" in compact.replace(" ", "")

    book = load_workbook(files[".xlsx"])
    sheet = book["考核排名"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    for score in (scores[0], scores[-1]):
        assert rows[score.branch.name][0] == score.rank
        assert float(rows[score.branch.name][-3]) == float(score.total)
    assert "<svg" in files[".html"].read_text(encoding="utf-8")


def test_recompiling_replaces_the_draft_and_a_dead_worker_leaves_no_half_briefing(demo_town, monkeypatch):
    from branches.models import Branch

    town = Branch.objects.get(code="GQ")
    quarter = last_full_quarter(timezone.localdate())
    first = service.briefing_compile_quarter(organisation=town, quarter=quarter)
    first_pdf = service.file_path(first, "pdf")
    assert first.status == Briefing.Status.READY and first_pdf.exists()

    # A worker dies while writing the PDF: the claim stays, the old draft stays whole.
    def die(data):
        raise SystemExit("worker killed")

    monkeypatch.setattr("assessment.report.render_pdf", die)
    with pytest.raises(SystemExit):
        service.briefing_compile(briefing_id=first.pk, token="task-1")
    stuck = Briefing.objects.get(pk=first.pk)
    assert stuck.status == Briefing.Status.COMPILING and stuck.folder == first.folder
    assert service.file_path(stuck, "pdf") == first_pdf and first_pdf.read_bytes()[:5] == b"%PDF-"
    # Another run cannot take a fresh claim; the redelivered task (same id) can, and completes.
    monkeypatch.undo()
    assert service.briefing_compile(briefing_id=first.pk, token="someone-else").status == Briefing.Status.COMPILING
    done = service.briefing_compile(briefing_id=first.pk, token="task-1")
    assert done.status == Briefing.Status.READY and done.folder != first.folder
    assert not first_pdf.exists()  # the old draft and the dead run's folder are gone
    folders = list((service.briefings_root() / f"GQ-{quarter}").iterdir())
    assert [f.name for f in folders] == [Path(done.folder).name]
    assert not list(folders[0].glob("*.part"))
    assert Briefing.objects.filter(quarter=quarter).count() == 1
