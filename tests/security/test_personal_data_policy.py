"""Holes 5, 7 and 10 (import side): one personal-data policy everywhere; control characters; ID probing; caps."""

from __future__ import annotations

import csv
import io

from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, RosterImport
from members.personal_data import POLICY
from tests.factories import MemberFactory
from tests.members.roster_files import csv_bytes, last_job, person, xlsx_bytes

ADDRESS = "浙江省宁波市海曙区高桥镇高峰村3组12号"


def _export(client, fmt: str) -> list[list[str]]:
    response = client.get(reverse("members:roster-export") + f"?format={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(response.content))
    return [["" if c.value is None else str(c.value) for c in row] for row in book.active.iter_rows()]


def test_the_policy_names_every_personal_field():
    assert set(POLICY) >= {"id_number", "phone", "address", "birth_date", "photo"}


def test_area_heads_csv_and_xlsx_exports_hold_no_full_address_or_birth_date(area_head, branch_a):
    member = MemberFactory(branch=branch_a, address=ADDRESS, phone="13812345678")
    for fmt in ("csv", "xlsx"):
        rows = _export(area_head, fmt)
        text = "\n".join(",".join(r) for r in rows)
        assert member.name in text
        assert ADDRESS not in text and "3组12号" not in text
        assert member.birth_date.isoformat() not in text
        assert member.id_number not in text and "13812345678" not in text
        row = next(r for r in rows if member.name in r)
        assert f"{member.birth_date.year}年" in row and "浙江省宁波市海曙区高桥镇****" in row


def test_a_secretary_in_office_exports_full_values(secretary_a, branch_a):
    member = MemberFactory(branch=branch_a, address=ADDRESS)
    text = "\n".join(",".join(r) for r in _export(secretary_a, "csv"))
    assert ADDRESS in text and member.birth_date.isoformat() in text and member.id_number in text


def test_api_masks_birth_date_like_the_page(area_head, branch_a):
    member = MemberFactory(branch=branch_a, address=ADDRESS)
    data = area_head.get(reverse("api:members-detail", args=[member.pk])).json()
    assert data["birth_date"] == f"{member.birth_date.year}年"
    assert data["address"] == "浙江省宁波市海曙区高桥镇****"
    page = area_head.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert member.birth_date.isoformat() not in page and ADDRESS not in page


def test_error_report_shows_full_values_to_a_role_that_may_see_them(town_admin, secretary_a, branch_a, upload):
    bad = person(1, branch=branch_a.name, 联系电话="138-abc-5678", 家庭住址=ADDRESS)
    bad["入党日期"] = "not a date"
    upload(secretary_a, "bad.xlsx", xlsx_bytes([bad]))
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED
    for client in (secretary_a, town_admin):
        response = client.get(reverse("members:roster-import-report", args=[job.pk]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [str(c.value) for row in book.active.iter_rows() for c in row]
        assert bad["公民身份号码"] in cells and ADDRESS in cells  # so the file can be fixed


# -- hole 7: control characters ----------------------------------------------------------------


def test_control_characters_are_stripped_on_import(town_admin, branch_a, upload, confirm):
    row = person(1, branch=branch_a.name, 家庭住址="高峰村\x013组\x0212号\r\n东侧")
    upload(town_admin, "ctl.csv", csv_bytes([row]))
    job = last_job()
    assert job.status == RosterImport.Status.CHECKED, job.message
    confirm(town_admin, job)
    assert Member.objects.get(id_number=row["公民身份号码"]).address == "高峰村3组12号 东侧"


def test_export_never_fails_on_a_stored_control_character(area_head, town_admin, branch_a):
    MemberFactory(branch=branch_a, address="高峰村\x013组12号", name="控制符")
    for client in (area_head, town_admin):
        for fmt in ("xlsx", "csv"):
            rows = _export(client, fmt)
            assert any("控制符" in r for r in rows)


# -- hole 10: ID numbers of other branches ----------------------------------------------------


def test_a_few_foreign_id_numbers_get_one_neutral_message(secretary_a, branch_a, branch_b, upload):
    other = MemberFactory(branch=branch_b)
    row = person(1, branch=branch_a.name, 公民身份号码=other.id_number, 出生日期=other.birth_date.isoformat())
    row["性别"] = other.get_gender_display()
    upload(secretary_a, "few.xlsx", xlsx_bytes([row]))
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED
    text = str(job.errors)
    assert "无法由您导入" in text and branch_b.name not in text and "党员属于" not in text


def test_a_file_of_many_foreign_id_numbers_is_refused_whole_and_town_admins_are_told(
    secretary_a, secretary_a_user, town_admin_user, branch_a, branch_b, settings, upload
):
    town_admin_user.email = "admin@gaoqiao.example"
    town_admin_user.save()
    others = [MemberFactory(branch=branch_b) for _ in range(8)]
    rows = []
    for n, other in enumerate(others, start=1):
        row = person(n, branch=branch_a.name, 公民身份号码=other.id_number, 出生日期=other.birth_date.isoformat())
        row["性别"] = other.get_gender_display()
        rows.append(row)
    rows.append(person(20, branch=branch_a.name))  # one honest row beside them
    before = Member.objects.count()
    upload(secretary_a, "probe.xlsx", xlsx_bytes(rows))
    job = last_job()
    assert job.status in (RosterImport.Status.FAILED, RosterImport.Status.REJECTED)
    assert "已拒绝整份文件" in job.message and job.errors == [] and not job.error_report
    assert Member.objects.count() == before
    assert [m.to for m in mail.outbox] == [["admin@gaoqiao.example"]]
    assert "secretary_a" in mail.outbox[0].body


def test_a_huge_cell_is_not_stored_whole(town_admin, branch_a, upload):
    row = person(1, branch=branch_a.name)
    row["民族"] = "汉" * 1_000_000
    upload(town_admin, "huge.xlsx", xlsx_bytes([row]))
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED
    assert len(str(job.errors)) < 10_000
