"""The roster page (upload, check, confirm, progress, report), the admin import and the Celery task."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, RosterImport
from members.roster import roster_import_job_run
from tests.concurrently import at_once

from .roster_files import csv_bytes, last_job, person, snapshot, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def committing(request):
    """A function running a request as its transaction would commit: the on_commit callbacks
    (the queued task) run in-process. On a transactional database or a real broker the request
    commits for real, and the function just calls it."""
    from gaoqiao.celery import app

    eager = app.conf.CELERY_TASK_ALWAYS_EAGER
    if "transactional_db" in request.fixturenames or request.node.get_closest_marker("redis"):

        def run(call):
            return call()

    else:
        capture = request.getfixturevalue("django_capture_on_commit_callbacks")
        app.conf.CELERY_TASK_ALWAYS_EAGER = True  # these tests run the task in-process, even where REDIS_URL is set

        def run(call):
            with capture(execute=True):
                return call()

    yield run
    app.conf.CELERY_TASK_ALWAYS_EAGER = eager


@pytest.fixture
def upload(committing):
    def post(client, name: str, data: bytes):
        return committing(
            lambda: client.post(reverse("members:roster-import"), {"file": SimpleUploadedFile(name, data)})
        )

    return post


@pytest.fixture
def confirm(committing):
    def post(client, job):
        return committing(lambda: client.post(reverse("members:roster-import-confirm", args=[job.pk])))

    return post


def test_town_admin_checks_then_confirms_and_the_file_is_removed(town_admin, branch_a, branch_b, upload, confirm):
    rows = [person(1, branch=branch_a.name), person(2, branch=branch_b.name)]
    response = upload(town_admin, "名册.xlsx", xlsx_bytes(rows))
    job = last_job()
    assert response.status_code == 302 and response["Location"] == reverse("members:roster-import-status", args=[job.pk])
    # Celery is eager on a laptop: the check ran on commit.
    assert job.status == RosterImport.Status.CHECKED and job.dry_run
    assert job.created_count == 2 and Member.objects.filter(name__startswith="测试").count() == 0
    page = town_admin.get(response["Location"])
    assert "确认导入" in page.content.decode() and "roster.js" in page.content.decode()
    stored = job.file.path
    assert os.path.exists(stored)

    response = confirm(town_admin, job)
    job.refresh_from_db()
    assert job.status == RosterImport.Status.DONE and job.progress == 100
    assert Member.objects.filter(name__startswith="测试").count() == 2
    assert not job.file and not os.path.exists(stored)
    # Confirming twice does nothing more.
    confirm(town_admin, job)
    assert Member.objects.filter(name__startswith="测试").count() == 2


def test_bad_file_is_rejected_with_a_downloadable_report(town_admin, branch_a, upload, confirm):
    rows = [person(1, branch=branch_a.name), person(2, branch="无此党支部"), person(3, branch=branch_a.name, 入党日期="x")]
    before = snapshot()
    upload(town_admin, "bad.csv", csv_bytes(rows, encoding="gb18030"))
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED
    assert not job.file  # the upload is gone
    assert snapshot() == before
    page = town_admin.get(reverse("members:roster-import-status", args=[job.pk])).content.decode()
    assert "第 3 行" in page and "无此党支部" in page and "确认导入" not in page
    response = town_admin.get(reverse("members:roster-import-report", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert cells[0][:2] == ["行号", "错误说明"]
    assert [(r[0], r[1].split("：")[0]) for r in cells[1:]] == [(3, "所在党支部"), (4, "入党日期")]
    assert confirm(town_admin, job).status_code == 302
    assert snapshot() == before


def test_not_a_spreadsheet_gets_one_message_on_the_page(town_admin, upload):
    upload(town_admin, "photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    job = last_job()
    assert job.status == RosterImport.Status.FAILED
    assert "不是有效的 Excel/WPS 表格" in job.message


def test_wrong_extension_and_empty_file_are_refused_by_the_form(town_admin, upload):
    assert "请上传 .xlsx、.xls 或 .csv 文件" in upload(town_admin, "x.pdf", b"%PDF").content.decode()
    assert RosterImport.objects.count() == 0


def test_too_large_upload_is_refused(town_admin, settings, upload):
    settings.ROSTER_IMPORT_MAX_BYTES = 100
    assert "文件太大" in upload(town_admin, "big.csv", b"x" * 500).content.decode()
    assert RosterImport.objects.count() == 0


def test_progress_endpoint_survives_a_reload(town_admin, branch_a, upload):
    upload(town_admin, "p.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    job = last_job()
    state = town_admin.get(reverse("members:roster-import-progress", args=[job.pk])).json()
    assert state["status"] == "checked" and state["progress"] == 100 and state["running"] is False
    assert state["created"] == 1
    # The uploader finds the job again from the import page.
    assert "p.xlsx" in town_admin.get(reverse("members:roster-import")).content.decode()


def test_a_job_is_seen_only_by_its_uploader(town_admin, secretary_a, branch_a, upload):
    upload(town_admin, "p.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    job = last_job()
    for name in ("roster-import-status", "roster-import-progress"):
        assert secretary_a.get(reverse(f"members:{name}", args=[job.pk])).status_code == 404
    assert secretary_a.post(reverse("members:roster-import-confirm", args=[job.pk])).status_code == 404


def test_users_without_write_scope_cannot_open_the_import_page(area_head, member, anonymous, town_staff):
    for client in (area_head, member, town_staff):
        assert client.get(reverse("members:roster-import")).status_code == 403
    assert anonymous.get(reverse("members:roster-import")).status_code == 302


def test_secretary_page_says_up_front_only_her_branch_is_imported(secretary_a, town_admin, branch_a):
    html = secretary_a.get(reverse("members:roster-import")).content.decode()
    assert f"您只能导入 {branch_a.name} 的党员" in html
    assert "您只能导入" not in town_admin.get(reverse("members:roster-import")).content.decode()


def test_secretary_import_sums_other_branches_once_and_previews_who_changes(
    secretary_a, branch_a, branch_b, upload, confirm
):
    first = person(1, branch=branch_a.name)
    upload(secretary_a, "a.xlsx", xlsx_bytes([first]))
    confirm(secretary_a, last_job())
    known = Member.objects.get(id_number=first["公民身份号码"])
    changed = {**first, "联系电话": "13500001111"}
    rows = [changed, person(2, branch=branch_a.name, 姓名="钱新"), *(person(n, branch=branch_b.name) for n in range(3, 9))]
    upload(secretary_a, "s.xlsx", xlsx_bytes(rows))
    job = last_job()
    assert job.status == RosterImport.Status.CHECKED, job.message
    assert "6 行属于其他党支部，未导入" in job.message and job.error_count == 0
    page = secretary_a.get(reverse("members:roster-import-status", args=[job.pk])).content.decode()
    assert page.count("属于其他党支部") == 1
    assert "钱新" in page and "新增" in page
    assert known.name in page and "修改：联系电话" in page
    assert known.id_number not in page  # the preview keeps ID numbers masked
    confirm(secretary_a, job)
    assert set(Member.objects.values_list("branch", flat=True)) == {branch_a.pk}
    known.refresh_from_db()
    assert known.phone == "13500001111"


def test_running_the_task_twice_is_safe(town_admin, branch_a, upload, confirm):
    upload(town_admin, "p.xlsx", xlsx_bytes([person(1, branch=branch_a.name)]))
    job = last_job()
    confirm(town_admin, job)
    assert roster_import_job_run(job_id=job.pk) is None  # nothing left to claim
    assert Member.objects.filter(name="测试1号").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_one_job_at_once_import_it_once(town_admin_user, branch_a):
    data = xlsx_bytes([person(n, branch=branch_a.name) for n in range(1, 4)])
    job = RosterImport(
        source=RosterImport.Source.PAGE, uploaded_by=town_admin_user, file_name="p.xlsx", file_size=len(data),
        dry_run=False, status=RosterImport.Status.QUEUED,
    )
    job.file.save("upload.xlsx", ContentFile(data), save=False)
    job.save()

    results = at_once(lambda: roster_import_job_run(job_id=job.pk))

    assert sum(result is not None for result in results) == 1  # one claimed it, the other found nothing to do
    job.refresh_from_db()
    assert (job.status, job.created_count) == (RosterImport.Status.DONE, 3)
    assert Member.objects.filter(branch=branch_a).count() == 3


# ---------------------------------------------------------------- admin: django-import-export's preview and confirm


def test_admin_import_previews_then_confirms(town_admin, branch_a, branch_b):
    url = reverse("admin:members_member_import")
    page = town_admin.get(url)
    assert page.status_code == 200 and "党员名册" in page.content.decode()
    data = xlsx_bytes([person(1, branch=branch_a.name), person(2, branch=branch_b.name)])
    response = town_admin.post(url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.totals["new"] == 2 and not result.has_validation_errors()
    assert Member.objects.filter(name__startswith="测试").count() == 0
    confirm = response.context["confirm_form"]
    response = town_admin.post(reverse("admin:members_member_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Member.objects.filter(name__startswith="测试").count() == 2
    assert list(RosterImport.objects.order_by("pk").values_list("source", "dry_run", "status")) == [
        ("admin", True, "checked"), ("admin", False, "done")]


def test_admin_import_shows_row_errors_and_writes_nothing(town_admin, branch_a):
    data = xlsx_bytes([person(1, branch=branch_a.name), person(2, branch=branch_a.name, 入党日期="不详")])
    before = snapshot()
    response = town_admin.post(reverse("admin:members_member_import"),
                               {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("a.xlsx", data)})
    result = response.context["result"]
    assert [r.number for r in result.invalid_rows] == [3]
    assert "入党日期" in result.invalid_rows[0].field_specific_errors
    assert "confirm_form" not in response.context
    assert snapshot() == before


def test_admin_import_names_a_missing_column(town_admin):
    data = xlsx_bytes([person(1)], ["姓名", "公民身份号码"])
    response = town_admin.post(reverse("admin:members_member_import"),
                               {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("a.xlsx", data)})
    assert "缺少必填列：人员类别、所在党支部、入党日期" in response.content.decode()


# ---------------------------------------------------------------- Celery through the real Redis broker


def _close_worker_connections():
    """The worker thread's own connection would keep the test database from being dropped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_large_file_is_imported_by_a_celery_worker_through_redis(
    settings, town_admin_user, branch_a, tmp_path, upload, confirm
):
    from celery.contrib.testing.worker import start_worker
    from django.test import Client

    from gaoqiao.celery import app

    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = os.environ["REDIS_URL"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = Client()
    client.force_login(town_admin_user)
    rows = [person(i, branch=branch_a.name) for i in range(1, 1501)]
    eager = app.conf.CELERY_TASK_ALWAYS_EAGER
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1):
            upload(client, "large.xlsx", xlsx_bytes(rows))
            job = last_job()
            import time

            for _ in range(300):
                job.refresh_from_db()
                if job.status == RosterImport.Status.CHECKED:
                    break
                time.sleep(0.1)
            assert job.status == RosterImport.Status.CHECKED, job.message
            confirm(client, job)
            for _ in range(300):
                job.refresh_from_db()
                if job.status == RosterImport.Status.DONE:
                    break
                time.sleep(0.1)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager
        _close_worker_connections()
    assert job.status == RosterImport.Status.DONE and job.created_count == 1500
    assert Member.objects.filter(branch=branch_a, name__startswith="测试").count() == 1500
    assert not job.file


