"""The QR code decodes to the board's address; the poster names the site; the feeds are valid Atom."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import segno
import zxingcpp
from django.utils import timezone
from PIL import Image

from disclosure.models import Category
from disclosure.services import disclosure_publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
def test_qr_png_decodes_to_the_board_address(anonymous, site_a):
    response = anonymous.get("/public/gaofeng/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [r.text for r in results] == ["http://testserver/public/gaofeng/"]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


@pytest.mark.django_db
def test_qr_uses_the_public_base_url_when_set(anonymous, site_a, settings):
    settings.PUBLIC_BASE_URL = "https://dangjian.example.gov.cn/"
    image = Image.open(io.BytesIO(anonymous.get("/public/gaofeng/qr.png").content))
    assert zxingcpp.read_barcodes(image)[0].text == "https://dangjian.example.gov.cn/public/gaofeng/"


@pytest.mark.django_db
def test_qr_svg_is_well_formed_and_holds_the_same_code(anonymous, site_a):
    response = anonymous.get("/public/gaofeng/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Rasterise segno's own matrix for the address and decode it: the SVG draws exactly that matrix.
    expected = segno.make("http://testserver/public/gaofeng/", error="m", micro=False)
    buf = io.BytesIO()
    expected.save(buf, kind="svg", scale=10, border=4, title="高峰村党务公开", xmldecl=True)
    assert response.content == buf.getvalue()
    png = io.BytesIO()
    expected.save(png, kind="png", scale=10, border=4)
    assert zxingcpp.read_barcodes(Image.open(png))[0].text == "http://testserver/public/gaofeng/"


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext: apt-get install poppler-utils")
def test_poster_pdf_is_a4_and_names_the_site_and_its_address(anonymous, site_a, tmp_path):
    response = anonymous.get("/public/gaofeng/poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "高峰村党务公开" in text and "高峰村党支部" in text
    assert "http://testserver/public/gaofeng/" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info and re.search(r"^Pages:\s+1$", info, re.M)


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _assert_valid_atom(root):
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None and root.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}link[@rel='alternate']") is not None
    updated = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None and entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}link").get("href")
        updated.append(dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text))
    assert updated == sorted(updated, reverse=True)
    return root.findall(f"{ATOM}entry")


@pytest.mark.django_db
def test_board_and_town_feeds_are_valid_atom_with_corrections(anonymous, site_a, site_b):
    dues = {"month": "2026-01", "members_due": 30, "members_paid": 29, "amount_paid": "1234.00"}
    first = disclosure_publish(
        branch=site_a.branch,
        category=Category.DUES,
        period="2026-01",
        source="disclosure.dues",
        payload=dues,
        at=timezone.now() - dt.timedelta(days=2),
    )
    disclosure_publish(
        branch=site_a.branch,
        category=Category.DUES,
        period="2026-01",
        source="disclosure.dues",
        payload={**dues, "members_paid": 30},
        reason="补交1人",
    )
    disclosure_publish(
        branch=site_b.branch,
        category=Category.PARTY_DOCUMENTS,
        period="2026-01",
        source="town.documents",
        title="关于开展主题教育的通知",
        payload={"body": "通知全文"},
    )
    board = _assert_valid_atom(_atom(anonymous, "/public/gaofeng/feed/"))
    titles = [e.find(f"{ATOM}title").text for e in board]
    assert titles == ["更正：2026年1月党费收缴（2026年1月）", "2026年1月党费收缴（2026年1月）"]
    assert board[0].find(f"{ATOM}link").get("href") == f"http://testserver/public/items/{first.item_id}/#v2"
    town = _assert_valid_atom(_atom(anonymous, "/public/feed/"))
    assert len(town) == 3 and any("主题教育" in e.find(f"{ATOM}title").text for e in town)
    empty = _assert_valid_atom(_atom(anonymous, "/public/gaoqiao-shequ/feed/"))
    assert len(empty) == 1
