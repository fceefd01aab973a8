"""Roster import through the service and the ``import_members`` command: real files, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accounts.models import Role
from members.models import Member, MemberTransfer, RosterImport
from members.pii import make_id_number
from members.roster import error_report_xlsx, roster_import_file
from tests.factories import MemberFactory, UserFactory

from .roster_files import (
    SAMPLE_CSV,
    SAMPLE_XLSX,
    csv_bytes,
    last_job,
    load_organisation,
    person,
    snapshot,
    write,
    xls_bytes,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # error reports land here, not in the project


@pytest.fixture
def organisation(db):
    return load_organisation()


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_members", str(path), *args, stdout=out)
    return out.getvalue()


def run_failing(path, *args) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_members", str(path), *args, stdout=out)
    assert exc.value.returncode == 1
    return out.getvalue(), str(exc.value)


# ---------------------------------------------------------------- the sample roster


def test_sample_xlsx_creates_300_then_second_run_changes_nothing(organisation):
    out = run_import(SAMPLE_XLSX)
    assert "新增 300 人" in out
    assert Member.objects.count() == 300
    before = snapshot()

    out = run_import(SAMPLE_XLSX)
    assert "新增 0 人，更新 0 人，无变化 300 人" in out
    assert snapshot() == before
    job = last_job()
    assert (job.source, job.status, job.unchanged_count, job.file_name) == ("command", "done", 300, "roster-sample.xlsx")


def test_dry_run_writes_nothing(organisation):
    before = snapshot()
    out = run_import(SAMPLE_XLSX, "--dry-run")
    assert "预检通过：将新增 300 人" in out
    assert snapshot() == before
    assert last_job().dry_run


def test_csv_gives_the_same_members_as_xlsx(organisation):
    run_import(SAMPLE_CSV)
    from_csv = list(Member.objects.order_by("id_number").values_list(
        "name", "id_number", "gender", "birth_date", "education", "category", "branch__code", "joined_on",
        "full_member_on", "job", "phone", "address", "standing", "is_floating", "is_lost_contact"))
    assert len(from_csv) == 300
    out = run_import(SAMPLE_XLSX)
    assert "无变化 300 人" in out
    Member.objects.all().delete()
    run_import(SAMPLE_XLSX)
    from_xlsx = list(Member.objects.order_by("id_number").values_list(
        "name", "id_number", "gender", "birth_date", "education", "category", "branch__code", "joined_on",
        "full_member_on", "job", "phone", "address", "standing", "is_floating", "is_lost_contact"))
    assert from_xlsx == from_csv


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_windows_and_utf8_encodings(organisation, tmp_path, encoding):
    text = SAMPLE_CSV.read_bytes().decode("utf-8-sig")
    path = write(tmp_path, "名册.csv", text.encode(encoding))
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "新增 300 人" in run_import(path)
    assert Member.objects.filter(name="黄华", branch__name="学院社区党支部").exists()


def test_xls_made_by_libreoffice(organisation, tmp_path):
    rows = [person(i, branch="高峰村党支部") for i in range(1, 6)]
    path = write(tmp_path, "名册.xls", xls_bytes(rows))
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real BIFF/OLE file
    assert "新增 5 人" in run_import(path)
    assert Member.objects.get(id_number=rows[0]["公民身份号码"]).joined_on.isoformat() == rows[0]["入党日期"]


# ---------------------------------------------------------------- bad rows: nothing written, every bad row named


def _bad(row: dict, **changes) -> dict:
    return {**row, **changes}


def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


BAD_ROWS = {
    "bad check digit": (lambda r: _bad(r, 公民身份号码=_wrong_check_digit(r["公民身份号码"])), "公民身份号码", "校验位不正确"),
    "bad date": (lambda r: _bad(r, 入党日期="2018-13-45"), "入党日期", "入党日期无法识别"),
    "unparseable date": (lambda r: _bad(r, 转为正式党员日期="去年七月"), "转为正式党员日期", "无法识别"),
    "unknown branch": (lambda r: _bad(r, 所在党支部="不存在村党支部"), "所在党支部", "党支部“不存在村党支部”不存在"),
    "birth date not the ID's": (lambda r: _bad(r, 出生日期="1950-01-01"), "出生日期", "出生日期与公民身份号码不一致"),
    "gender not the ID's": (lambda r: _bad(r, 性别="女" if r["性别"] == "男" else "男"), "性别", "性别与公民身份号码不一致"),
    "full before joining": (lambda r: _bad(r, 转为正式党员日期="1990-01-01", 入党日期="1995-01-01"), "转为正式党员日期",
                            "转为正式党员日期不能早于入党日期"),
    "probationary with full date": (lambda r: _bad(r, 人员类别="预备党员"), "转为正式党员日期", "预备党员不应有转正日期"),
    "unknown category": (lambda r: _bad(r, 人员类别="积极分子"), "人员类别", "不是有效的人员类别"),
    "bad yes/no": (lambda r: _bad(r, 是否流动党员="也许"), "是否流动党员", "应填“是”或“否”"),
    "empty name": (lambda r: _bad(r, 姓名="  "), "姓名", "姓名不能为空"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_bad_row_writes_nothing_and_is_reported(organisation, tmp_path, case, kind):
    MemberFactory(branch=organisation["GQ-V02"], name="早已在册")
    make_bad, column, reason = BAD_ROWS[case]
    rows = [person(i) for i in range(1, 6)]
    rows[2] = make_bad(rows[2])  # the spreadsheet's row 4: the header is row 1
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows, encoding="gb18030")
    path = write(tmp_path, f"名册.{kind}", data)
    before = snapshot()

    out, message = run_failing(path)

    assert snapshot() == before
    assert f"第 4 行  {column}" in out
    assert reason in out
    assert "未导入任何数据" in message
    assert out.count("第 ") == 1, out  # only the bad row
    job = last_job()
    assert job.status == RosterImport.Status.REJECTED and job.error_count == 1
    assert job.errors[0]["row"] == 4 and job.errors[0]["column"] == column


def test_duplicate_id_number_is_reported_on_each_row(organisation, tmp_path):
    rows = [person(i) for i in range(1, 6)]
    rows[3]["公民身份号码"] = rows[0]["公民身份号码"]
    rows[3]["出生日期"], rows[3]["性别"] = rows[0]["出生日期"], rows[0]["性别"]
    path = write(tmp_path, "dup.xlsx", xlsx_bytes(rows))
    before = snapshot()
    out, _ = run_failing(path)
    assert snapshot() == before
    assert "第 2 行  公民身份号码" in out and "第 5 行  公民身份号码" in out
    assert "重复（第 2、5 行）" in out


def test_report_masks_id_numbers_and_phones(organisation, tmp_path):
    rows = [person(i) for i in range(1, 4)]
    bad_id = _wrong_check_digit(rows[1]["公民身份号码"])
    rows[1]["公民身份号码"] = bad_id
    rows[2]["联系电话"] = "138-abc-5678"
    path = write(tmp_path, "mask.xlsx", xlsx_bytes(rows))
    out, _ = run_failing(path)
    assert bad_id not in out and bad_id[:6] + "**********" + bad_id[-2:] in out
    assert "138-abc-5678" not in out
    report = roster_import_file(source=path)
    book = load_workbook(io.BytesIO(error_report_xlsx(report)))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert cells[0][:3] == ["行号", "错误说明", "序号"]
    assert [r[0] for r in cells[1:]] == [3, 4]
    assert "校验位不正确" in cells[1][1]
    flat = repr(cells)
    assert bad_id not in flat and "138-abc-5678" not in flat and rows[0]["公民身份号码"] not in flat


def test_many_bad_rows_are_all_listed(organisation, tmp_path):
    rows = [person(i, 入党日期="昨天" if i % 2 else person(i)["入党日期"]) for i in range(1, 41)]
    out, message = run_failing(write(tmp_path, "m.xlsx", xlsx_bytes(rows)))
    assert out.count("入党日期无法识别") == 20
    assert "20 行有错误" in message
    assert Member.objects.count() == 0


# ---------------------------------------------------------------- whole-file problems: one message, no traceback


def test_missing_required_column_is_named(organisation, tmp_path):
    headers = [h for h in person(1) if h not in ("入党日期", "所在党支部")]
    path = write(tmp_path, "cols.xlsx", xlsx_bytes([person(1)], headers))
    out, message = run_failing(path)
    assert message == "缺少必填列：所在党支部、入党日期"
    assert Member.objects.count() == 0
    assert last_job().status == RosterImport.Status.FAILED


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("photo.xlsx", PNG, "不是有效的 Excel/WPS 表格"),
        ("photo.csv", PNG, "不是表格文件"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "文件已损坏"),
        ("empty.xlsx", b"", "文件是空的"),
        ("empty.csv", b"", "文件是空的"),
        ("header-only.csv", "序号,姓名,公民身份号码,人员类别,所在党支部,入党日期\n".encode(), "文件中没有党员数据"),
        ("no-header.csv", b"a,b,c\n1,2,3\n", "找不到表头"),
    ],
)
def test_a_file_that_is_no_roster_gets_one_clear_message(organisation, tmp_path, name, data, expected):
    before = snapshot()
    out, message = run_failing(write(tmp_path, name, data))
    assert expected in message
    assert "Traceback" not in out + message
    assert snapshot() == before


def test_too_large_file_is_refused(organisation, tmp_path, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 4096
    path = write(tmp_path, "big.csv", csv_bytes([person(i) for i in range(1, 60)]))
    _, message = run_failing(path)
    assert "文件太大" in message and "上限为" in message
    assert Member.objects.count() == 0


def test_too_many_rows_is_refused(organisation, tmp_path, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 3
    _, message = run_failing(write(tmp_path, "rows.xlsx", xlsx_bytes([person(i) for i in range(1, 6)])))
    assert "行数过多" in message
    assert Member.objects.count() == 0


# ---------------------------------------------------------------- messy but valid


def test_full_width_digits_lowercase_x_and_stray_spaces_are_folded(organisation, tmp_path):
    number = make_id_number("330203", dt.date(1970, 3, 4), 12)
    seq = 12
    while not number.endswith("X"):
        seq += 1
        number = make_id_number("330203", dt.date(1970, 3, 4), seq)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:17]) + "x"
    row = person(1, 公民身份号码=f" {full_width} ", 出生日期="1970-03-04", 性别="男" if int(number[16]) % 2 else "女",
                 联系电话="１３８ ００００ １２３４", 姓名="\u3000王 五 ", 所在党支部=" 高峰村党支部 ")
    run_import(write(tmp_path, "messy.csv", csv_bytes([row], encoding="gb18030")))
    member = Member.objects.get()
    assert member.id_number == number
    assert member.phone == "13800001234"
    assert member.name == "王 五"
    assert member.branch.name == "高峰村党支部"


def test_headers_with_spaces_full_width_and_any_order(organisation, tmp_path):
    rows = [person(i) for i in range(1, 4)]
    headers = list(reversed(list(rows[0])))
    messy = {"姓名": " 姓 名 ", "公民身份号码": "公民身份号码\u3000", "入党日期": "入党日期（必填）".replace("（必填）", "") + " ",
             "所在党支部": "所在党支部*", "人员类别": "\u3000人员类别"}
    shown = [messy.get(h, h) for h in headers]
    book_rows = [{messy.get(k, k): v for k, v in r.items()} for r in rows]
    path = write(tmp_path, "order.xlsx", xlsx_bytes(book_rows, shown, title_row="高桥镇党员名册（2018年）"))
    assert "新增 3 人" in run_import(path)
    assert Member.objects.filter(name="测试1号", branch__code="GQ-V02").exists()


def test_dates_in_all_five_forms(organisation, tmp_path):
    forms = ["2018-07-01", "2018/7/1", "2018.07.01", "2018年7月1日", dt.date(2018, 7, 1), dt.datetime(2018, 7, 1)]
    rows = [person(i, 入党日期=f, 转为正式党员日期="") | {"人员类别": "预备党员"} for i, f in enumerate(forms, start=1)]
    for r, birth in zip(rows, [person(i)["出生日期"] for i in range(1, 7)]):
        r["出生日期"] = birth.replace("-", "/")
    assert "新增 6 人" in run_import(write(tmp_path, "dates.xlsx", xlsx_bytes(rows)))
    assert set(Member.objects.values_list("joined_on", flat=True)) == {dt.date(2018, 7, 1)}


def test_branch_by_code_and_blank_optional_cells(organisation, tmp_path):
    row = person(1, 所在党支部="GQ-V03", 性别="", 出生日期="", 民族="", 学历="", 党籍状态="", 是否流动党员="", 是否失联党员="")
    run_import(write(tmp_path, "code.csv", csv_bytes([row])))
    member = Member.objects.get()
    assert member.branch.name == "蒲家村党支部"
    assert member.ethnicity == "汉族" and member.standing == Member.Standing.NORMAL
    assert member.birth_date.isoformat() == person(1)["出生日期"]


# ---------------------------------------------------------------- re-import


def test_changed_rows_update_their_member_and_the_rest_are_unchanged(organisation, tmp_path):
    rows = [person(i) for i in range(1, 6)]
    run_import(write(tmp_path, "a.xlsx", xlsx_bytes(rows)))
    rows[1]["联系电话"] = "13999999999"
    rows[1]["工作岗位"] = "村委会主任"
    rows[3]["所在党支部"] = "蒲家村党支部"
    out = run_import(write(tmp_path, "b.xlsx", xlsx_bytes(rows)))
    assert "新增 0 人，更新 2 人，无变化 3 人" in out
    assert Member.objects.get(id_number=rows[1]["公民身份号码"]).phone == "13999999999"
    moved = Member.objects.get(id_number=rows[3]["公民身份号码"])
    assert moved.branch.name == "蒲家村党支部"
    transfer = MemberTransfer.objects.get(member=moved)
    assert transfer.from_branch.name == "高峰村党支部" and transfer.reason == "名册导入"
    assert (transfer.kind, transfer.status, transfer.transferred_on) == ("within", "accepted", dt.date.today())


def test_imported_members_get_their_pinyin_keys(organisation, tmp_path):
    rows = [person(1, 姓名="单雄信"), person(2, 姓名="王小明")]
    run_import(write(tmp_path, "a.xlsx", xlsx_bytes(rows)))
    keys = dict(Member.objects.values_list("name", "name_initials"))
    assert keys == {"单雄信": "sxx", "王小明": "wxm"}
    rows[1]["姓名"] = "王晓敏"
    run_import(write(tmp_path, "b.xlsx", xlsx_bytes(rows)))
    assert Member.objects.get(name="王晓敏").name_pinyin == "wangxiaomin"


def test_a_row_missing_an_optional_column_keeps_the_stored_value(organisation, tmp_path):
    rows = [person(1)]
    run_import(write(tmp_path, "a.xlsx", xlsx_bytes(rows)))
    headers = [h for h in rows[0] if h != "联系电话"]
    assert "无变化 1 人" in run_import(write(tmp_path, "b.xlsx", xlsx_bytes(rows, headers)))
    assert Member.objects.get().phone == rows[0]["联系电话"]


# ---------------------------------------------------------------- scope


def test_rows_of_other_branches_are_left_out_and_counted_once(tmp_path, branch_a, branch_b, secretary_a_user):
    rows = [person(1, branch=branch_a.name), *(person(n, branch=branch_b.name) for n in range(2, 6))]
    out = run_import(write(tmp_path, "scope.xlsx", xlsx_bytes(rows)), "--user", secretary_a_user.username)
    assert "新增 1 人" in out and "4 行属于其他党支部，未导入" in out
    assert "无权" not in out
    assert set(Member.objects.values_list("branch", flat=True)) == {branch_a.pk}


def test_nobody_imports_into_a_branch_outside_their_scope(tmp_path, branch_a, branch_b, secretary_a_user):
    rows = [person(2, branch=branch_b.name), person(3, branch=branch_b.name)]
    before = snapshot()
    _, message = run_failing(write(tmp_path, "scope.xlsx", xlsx_bytes(rows)), "--user", secretary_a_user.username)
    assert "2 行都属于其他党支部" in message
    assert snapshot() == before


def test_secretary_imports_into_own_branch(tmp_path, branch_a, secretary_a_user):
    out = run_import(write(tmp_path, "own.xlsx", xlsx_bytes([person(1, branch=branch_a.name)])), "--user",
                     secretary_a_user.username)
    assert "新增 1 人" in out
    assert last_job().uploaded_by == secretary_a_user


def test_import_cannot_move_a_member_out_of_a_branch_outside_scope(tmp_path, branch_a, branch_b, secretary_a_user):
    other = MemberFactory(branch=branch_b)
    row = person(1, branch=branch_a.name, 公民身份号码=other.id_number, 出生日期=other.birth_date.isoformat(),
                 性别=other.get_gender_display())
    before = snapshot()
    out, _ = run_failing(write(tmp_path, "steal.xlsx", xlsx_bytes([row])), "--user", secretary_a_user.username)
    assert "无法由您导入" in out
    assert snapshot() == before


def test_area_head_without_write_scope_cannot_import(tmp_path, branch_a, area_head_user):
    _, message = run_failing(write(tmp_path, "x.xlsx", xlsx_bytes([person(1, branch=branch_a.name)])), "--user",
                             area_head_user.username)
    assert message == "您没有导入党员的权限"
    assert not Member.objects.filter(name="测试1号").exists()


def test_town_admin_imports_anywhere_in_town(tmp_path, branch_a, branch_b, town_admin_user):
    rows = [person(1, branch=branch_a.name), person(2, branch=branch_b.name)]
    assert "新增 2 人" in run_import(write(tmp_path, "t.xlsx", xlsx_bytes(rows)), "--user", town_admin_user.username)


def test_unknown_user_is_a_clear_error(organisation):
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        call_command("import_members", str(SAMPLE_XLSX), "--user", "nobody")
    UserFactory(username="x", role=Role.MEMBER)
