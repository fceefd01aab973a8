from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from assessment.models import Inspection, Rectification
from branches.models import Branch
from tests.factories import BranchFactory


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (29.0, 52.0, 10.0), 3: "E", 4: (121.0, 30.0, 5.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _post(standard, branch, **extra):
    data = {"branch": branch.pk, "month": "2026-07", "inspected_on": "2026-07-15", "note": "整体较好"}
    data.update({f"item_{i.pk}": str(i.points) for i in standard.items.all()})
    data.update(extra)
    return data


def test_area_head_records_an_inspection_with_a_photo_and_the_gps_is_gone(area_head, standard, branch_a):
    with Image.open(io.BytesIO(_jpeg_with_gps())) as original:
        assert original.getexif().get(0x010F) == "PhoneMaker"  # the upload does carry EXIF
    data = _post(
        standard,
        branch_a,
        finding_1="党员活动室被挪作仓库",
        finding_1_photo=SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg"),
    )
    first = standard.items.order_by("order").first()
    data[f"item_{first.pk}"] = "2"
    response = area_head.post(reverse("assessment:inspection-new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get(branch=branch_a)
    assert float(inspection.score) == float(inspection.full_marks) - float(first.points) + 2
    rect = Rectification.objects.get(inspection=inspection)
    with Image.open(rect.photo.path) as saved:
        assert saved.format == "JPEG"
        assert max(saved.size) == 1600
        assert not saved.getexif()  # no camera, no GPS
    page = area_head.get(reverse("assessment:inspection-detail", args=[inspection.pk]))
    assert "党员活动室被挪作仓库" in page.content.decode()


def test_a_score_above_the_item_points_is_refused_per_field(area_head, standard, branch_a):
    first = standard.items.order_by("order").first()
    response = area_head.post(
        reverse("assessment:inspection-new"), _post(standard, branch_a, **{f"item_{first.pk}": str(first.points + 5)})
    )
    assert response.status_code == 400
    assert "小于或等于" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(area_head, standard, branch_a):
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = area_head.post(
        reverse("assessment:inspection-new"), _post(standard, branch_a, finding_1="问题", finding_1_photo=fake)
    )
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_area_head_cannot_pick_a_unit_outside_their_area(area_head, standard, branch_b):
    response = area_head.post(reverse("assessment:inspection-new"), _post(standard, branch_b))
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_the_form_offers_every_unit_and_item_in_the_same_queries_for_few_or_many_units(
    area_head, standard, town, area, branch_a, branch_b
):
    url = reverse("assessment:inspection-new")
    counts = []
    for n in (1, 20):
        while Branch.objects.filter(area=area).count() < n:
            BranchFactory(parent=town, area=area)
        area_head.get(url)  # the navigation's unread count is cached from then on
        with CaptureQueriesContext(connection) as ctx:
            page = area_head.get(url).content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    units = re.findall(r'<option value="(\d+)">', page.split('name="branch"')[1].split("</select>")[0])
    assert units == [str(pk) for pk in Branch.objects.filter(area=area).order_by("path").values_list("pk", flat=True)]
    scores = re.findall(r'<input type="number" name="item_(\d+)" value="([\d.]+)"', page)
    assert scores == [(str(i.pk), f"{i.points}") for i in standard.items.order_by("order", "code")]
    assert page.count('<option value="" selected>不对应具体条目</option>') == 3
