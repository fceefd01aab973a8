"""Hole 3: uploaded rosters and error reports are private, under random names, served only to who may see them."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse

from members.models import RosterImport
from tests.members.roster_files import last_job, person, xlsx_bytes


def _files_under(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(str(root)) for f in files]


def test_upload_and_report_live_outside_media_under_random_names(town_admin, branch_a, settings, upload):
    upload(town_admin, "upload.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    job = last_job()
    assert job.status == RosterImport.Status.CHECKED
    assert _files_under(settings.MEDIA_ROOT) == []  # nothing a web server publishes
    stored = Path(job.file.path)
    assert str(stored).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "upload" not in stored.name and len(stored.stem) == 32
    with pytest.raises(ValueError):
        job.file.url  # noqa: B018  (no URL to hand out)


def test_error_report_has_a_random_name_and_goes_to_uploader_or_town_admin(
    secretary_a, secretary_b, town_admin, anonymous, branch_a, settings, upload
):
    upload(secretary_a, "名册.xlsx", xlsx_bytes([person(1, branch="无此党支部")]))
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED and job.error_report
    name = Path(job.error_report.path).name
    assert "错误报告" not in name and "名册" not in name
    url = reverse("members:roster-import-report", args=[job.pk])
    assert secretary_a.get(url).status_code == 200
    assert town_admin.get(url).status_code == 200  # a town admin of the uploader's town helps fix it
    assert secretary_b.get(url).status_code == 404
    assert anonymous.get(url).status_code == 302


@pytest.fixture
def debug_urls(settings):
    """The URLs as `make demo` (DEBUG=1) builds them."""
    settings.DEBUG = True
    import gaoqiao.urls

    clear_url_caches()
    importlib.reload(gaoqiao.urls)
    yield
    settings.DEBUG = False
    importlib.reload(gaoqiao.urls)
    clear_url_caches()


def test_demo_serves_member_photos_and_nothing_else(debug_urls, settings, town_admin, branch_a, upload):
    photos = Path(settings.MEDIA_ROOT) / "members" / "photos"
    photos.mkdir(parents=True)
    (photos / "a.jpg").write_bytes(b"\xff\xd8\xff")
    (Path(settings.MEDIA_ROOT) / "roster_imports").mkdir()
    (Path(settings.MEDIA_ROOT) / "roster_imports" / "upload.xlsx").write_bytes(b"PK")
    upload(town_admin, "upload.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    job = last_job()
    client = Client(raise_request_exception=False)
    assert client.get("/media/members/photos/a.jpg").status_code == 200
    assert client.get("/media/roster_imports/upload.xlsx").status_code == 404
    assert client.get(f"/media/{job.file.name}").status_code == 404
    assert client.get("/media/members/photos/../../roster_imports/upload.xlsx").status_code in (400, 404)
