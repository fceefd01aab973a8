"""党费收缴 on its pages: a month entered on a phone, a spreadsheet imported, both published as they are."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import Category, DuesMonth, Item, ItemVersion

MONTH = {"month": "2025-03", "members_due": "40", "members_paid": "38", "amount_paid": "1520.50", "note": ""}


def _xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("党费.xlsx", out.getvalue())


def test_secretary_enters_a_month_and_it_is_published(secretary_a, anonymous, branch_a):
    url = reverse("disclosure:dues-branch", args=[branch_a.pk])
    response = secretary_a.post(url, MONTH)
    assert response.status_code == 302
    row = DuesMonth.objects.get()
    assert (row.members_due, row.members_paid, row.amount_paid) == (40, 38, Decimal("1520.50"))
    item = Item.objects.get(category=Category.DUES)
    assert item.latest_version.payload["amount_paid"] == "1520.50"
    page = secretary_a.get(url).content.decode()
    assert "2025年3月" in page and "1520.50" in page and reverse("disclosure:item", args=[item.pk]) in page
    assert "1520.50" in anonymous.get(reverse("public:item", args=[item.pk])).content.decode()


def test_changing_a_published_month_needs_a_reason_and_becomes_a_correction(secretary_a, anonymous, branch_a):
    url = reverse("disclosure:dues-branch", args=[branch_a.pk])
    secretary_a.post(url, MONTH)
    assert 'value="38"' in secretary_a.get(url + "?month=2025-03").content.decode()  # the form to correct it
    response = secretary_a.post(url, {**MONTH, "members_paid": "39"})
    assert response.status_code == 200 and "请写明更正原因" in response.content.decode()
    assert DuesMonth.objects.get().members_paid == 38
    secretary_a.post(url, {**MONTH, "members_paid": "39", "amount_paid": "1560.50", "reason": "补录一名党员"})
    versions = list(ItemVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].reason == "补录一名党员"
    assert versions[0].payload["members_paid"] == 38
    public = anonymous.get(reverse("public:item", args=[versions[0].item_id])).content.decode()
    assert "更正" in public and "补录一名党员" in public


def test_the_form_refuses_bad_figures_per_field(secretary_a, branch_a):
    url = reverse("disclosure:dues-branch", args=[branch_a.pk])
    page = secretary_a.post(url, {**MONTH, "members_paid": "41"}).content.decode()
    assert "实交人数不能多于应交人数" in page
    page = secretary_a.post(url, {**MONTH, "month": "2025-13"}).content.decode()
    assert "月份格式应为 2026-03" in page
    page = secretary_a.post(url, {**MONTH, "month": "2099-01"}).content.decode()
    assert "不能填写未来的月份" in page
    page = secretary_a.post(url, {**MONTH, "note": "经办人 13912345678"}).content.decode()
    assert "手机号码或身份证号码" in page
    assert not DuesMonth.objects.exists() and not Item.objects.exists()


def test_an_xlsx_is_imported_whole_and_published(secretary_a, branch_a):
    upload = _xlsx(
        [
            ["月份", "应交人数", "实交人数", "实交金额", "备注"],
            ["2025-01", 40, 40, 1600, ""],
            ["2025-02", 40, 39, "1580.00", "一人外出务工，次月补交"],
        ]
    )
    response = secretary_a.post(reverse("disclosure:dues-import", args=[branch_a.pk]), {"file": upload})
    assert response.status_code == 302
    assert list(DuesMonth.objects.order_by("month").values_list("month", "members_paid")) == [
        ("2025-01", 40),
        ("2025-02", 39),
    ]
    assert Item.objects.filter(category=Category.DUES).count() == 2


def test_an_xlsx_with_errors_names_row_and_column_and_imports_nothing(secretary_a, branch_a):
    upload = _xlsx(
        [
            ["月份", "应交人数", "实交人数", "实交金额"],
            ["2025-01", 40, 40, 1600],
            ["2025-13", 40, 40, 1600],
            ["2025-03", 40, "三十", 1600],
            ["2025-04", 40, 41, 1600],
            ["2025-05", 40, 40, "很多"],
            ["2025-01", 40, 40, 1600],
        ]
    )
    page = secretary_a.post(reverse("disclosure:dues-import", args=[branch_a.pk]), {"file": upload}).content.decode()
    assert "第 3 行「月份」" in page
    assert "第 4 行「实交人数」" in page
    assert "第 5 行「实交人数」：实交人数不能多于应交人数" in page
    assert "第 6 行「实交金额」" in page
    assert "第 7 行「月份」：2025-01 与第 2 行重复" in page
    assert not DuesMonth.objects.exists()


def test_a_csv_is_imported_and_a_missing_column_is_named(secretary_a, branch_a):
    url = reverse("disclosure:dues-import", args=[branch_a.pk])
    good = "月份,应交人数,实交人数,实交金额\n2025-06,40,40,1600\n".encode("gb18030")
    assert secretary_a.post(url, {"file": SimpleUploadedFile("d.csv", good)}).status_code == 302
    bad = "月份,应交人数,实交金额\n2025-07,40,1600\n".encode()
    page = secretary_a.post(url, {"file": SimpleUploadedFile("d.csv", bad)}).content.decode()
    assert "缺少列：实交人数" in page
    page = secretary_a.post(url, {"file": SimpleUploadedFile("d.xlsx", b"PK\x03\x04broken")}).content.decode()
    assert "无法读取该文件" in page
    assert DuesMonth.objects.count() == 1


def test_area_head_reads_the_table_but_does_not_enter_it(area_head, secretary_a, branch_a, branch_b):
    url = reverse("disclosure:dues-branch", args=[branch_a.pk])
    secretary_a.post(url, MONTH)
    page = area_head.get(url).content.decode()
    assert "1520.50" in page and "录入一个月" not in page
    assert area_head.post(url, {**MONTH, "month": "2025-04"}).status_code == 403
    assert area_head.get(reverse("disclosure:dues-import", args=[branch_a.pk])).status_code == 403
    assert area_head.get(reverse("disclosure:dues-branch", args=[branch_b.pk])).status_code == 404
    assert DuesMonth.objects.count() == 1


def test_the_index_lists_branches_in_scope_with_an_empty_state(secretary_a, branch_a, branch_b):
    page = secretary_a.get(reverse("disclosure:dues")).content.decode()
    assert branch_a.name in page and branch_b.name not in page and "尚未录入" in page
    assert "没有符合条件的党组织" in secretary_a.get(reverse("disclosure:dues") + "?q=不存在").content.decode()


def test_an_xlsx_typed_by_hand_in_excel_is_read_as_meant(secretary_a, branch_a):
    """A month typed into Excel becomes a date cell, counts become floats: both are read as the secretary meant."""
    import datetime as dt

    upload = _xlsx([["月份", "应交人数", "实交人数", "实交金额"], [dt.datetime(2025, 9, 1), 40.0, 39.0, 1580.5]])
    assert secretary_a.post(reverse("disclosure:dues-import", args=[branch_a.pk]), {"file": upload}).status_code == 302
    row = DuesMonth.objects.get()
    assert (row.month, row.members_due, row.members_paid, row.amount_paid) == ("2025-09", 40, 39, Decimal("1580.50"))
