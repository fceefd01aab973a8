"""七个一 checks on a phone: the checklist, recording a check with a photo, scope."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from disclosure.models import Fixture, FixtureCheck
from disclosure.sites import site_create

from .images import jpeg_bytes


@pytest.fixture
def site(branch_a):
    return site_create(branch=branch_a, name="高峰村", slug="gaofeng")


@pytest.fixture
def other_site(branch_b):
    return site_create(branch=branch_b, name="高桥社区", slug="gaoqiao-shequ")


def test_area_head_sees_the_seven_fixtures_as_a_checklist(area_head, site):
    page = area_head.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    for label in ("一旗（党旗）", "一徽（党徽）", "一室", "一墙", "一栏", "一本", "一柜（党建档案柜）"):
        assert label in page
    assert page.count("尚未检查") == 7
    assert "记录检查" in page
    assert "未检查 7" in page


def test_area_head_records_a_check_with_a_photo_from_the_phone(area_head, area_head_user, site):
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    url = reverse("disclosure:fixture", args=[flag.pk])
    assert 'capture="environment"' in area_head.get(url).content.decode()
    photo = SimpleUploadedFile("flag.jpg", jpeg_bytes((2400, 1800), exif_gps=True), content_type="image/jpeg")
    response = area_head.post(url, {"result": "needs_fixing", "note": "党旗褪色，需更换", "photo": photo})
    assert response.status_code == 302 and response["Location"] == reverse("disclosure:site", args=[site.pk])
    flag.refresh_from_db()
    assert flag.status == Fixture.Status.NEEDS_FIXING and flag.last_checked_by == area_head_user
    check = flag.checks.get()
    assert check.note == "党旗褪色，需更换" and check.checked_by == area_head_user
    # The photo is served to readers of the site only, re-encoded smaller and without EXIF/GPS.
    served = area_head.get(reverse("disclosure:check-photo", args=[check.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert max(image.size) == 1600 and not image.getexif()
    page = area_head.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    assert "需整改 1" in page and "未检查 6" in page
    assert "党旗褪色" in area_head.get(url).content.decode()


def test_needs_fixing_without_a_note_is_refused_on_the_field(area_head, site):
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    response = area_head.post(reverse("disclosure:fixture", args=[flag.pk]), {"result": "needs_fixing", "note": " "})
    assert response.status_code == 200
    assert "需整改时请写明问题" in response.content.decode()
    assert not FixtureCheck.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(area_head, site):
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    fake = SimpleUploadedFile("flag.jpg", b"not an image at all", content_type="image/jpeg")
    response = area_head.post(reverse("disclosure:fixture", args=[flag.pk]), {"result": "meets", "photo": fake})
    assert response.status_code == 200 and not FixtureCheck.objects.exists()


def test_secretary_sees_the_checklist_but_does_not_record_checks(secretary_a, site, other_site):
    page = secretary_a.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    assert "一旗（党旗）" in page and "记录检查" not in page
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    assert "记录本次检查" not in secretary_a.get(reverse("disclosure:fixture", args=[flag.pk])).content.decode()
    assert secretary_a.post(reverse("disclosure:fixture", args=[flag.pk]), {"result": "meets"}).status_code == 403
    assert not FixtureCheck.objects.exists()
    assert secretary_a.get(reverse("disclosure:site", args=[other_site.pk])).status_code == 404


def test_area_head_cannot_check_outside_the_area(area_head, other_site):
    flag = other_site.fixtures.get(kind=Fixture.Kind.FLAG)
    assert area_head.post(reverse("disclosure:fixture", args=[flag.pk]), {"result": "meets"}).status_code == 404
    assert not FixtureCheck.objects.exists()


def test_site_list_is_scoped_filtered_and_has_an_empty_state(area_head, town_admin, site, other_site):
    page = area_head.get(reverse("disclosure:sites")).content.decode()
    assert "高峰村" in page and "高桥社区" not in page
    page = town_admin.get(reverse("disclosure:sites")).content.decode()
    assert "高峰村" in page and "高桥社区" in page
    assert "没有符合条件的阵地" in town_admin.get(reverse("disclosure:sites") + "?status=needs_fixing").content.decode()
    for fixture in site.fixtures.all():
        town_admin.post(reverse("disclosure:fixture", args=[fixture.pk]), {"result": "meets"})
    page = town_admin.get(reverse("disclosure:sites") + "?status=ok").content.decode()
    assert "高峰村" in page and "七项全部达标" in page and "高桥社区" not in page
    assert "高峰村" not in town_admin.get(reverse("disclosure:sites") + "?q=社区").content.decode()


def test_site_list_empty_state_and_pagination(town_admin, town):
    from tests.factories import BranchFactory

    assert "还没有七个一阵地" in town_admin.get(reverse("disclosure:sites")).content.decode()
    for i in range(23):
        branch = BranchFactory(parent=town, code=f"GQ-X{i:02d}", name=f"测试村{i:02d}党支部")
        site_create(branch=branch, name=f"测试村{i:02d}", slug=f"test-{i:02d}")
    first = town_admin.get(reverse("disclosure:sites")).content.decode()
    second = town_admin.get(reverse("disclosure:sites") + "?page=2").content.decode()
    assert "第 1 / 2 页" in first and "测试村22" in second and "测试村22" not in first


def test_a_check_photo_is_not_served_outside_scope_or_to_the_public(anonymous, secretary_b, town_admin, site):
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    town_admin.post(
        reverse("disclosure:fixture", args=[flag.pk]),
        {"result": "meets", "photo": SimpleUploadedFile("f.jpg", jpeg_bytes(), content_type="image/jpeg")},
    )
    url = reverse("disclosure:check-photo", args=[flag.checks.get().pk])
    assert secretary_b.get(url).status_code == 404
    assert anonymous.get(url).status_code == 302


def test_the_navigation_offers_the_staff_pages(secretary_a, member):
    page = secretary_a.get(reverse("disclosure:items")).content.decode()
    for label, name in (
        ("党务公开", "disclosure:items"),
        ("七个一检查", "disclosure:sites"),
        ("党费收缴", "disclosure:dues"),
    ):
        assert f'href="{reverse(name)}"' in page and label in page
    assert member.get(reverse("disclosure:items")).status_code == 403


def test_a_liaison_records_checks_in_the_area_but_approves_nothing(area, branch_a, site, secretary_a_user):
    from django.test import Client

    from accounts.models import Role
    from disclosure.services import item_create, item_submit
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="liaison", role=Role.LIAISON, area=area, display_name="周海波"))
    flag = site.fixtures.get(kind=Fixture.Kind.FLAG)
    assert client.post(reverse("disclosure:fixture", args=[flag.pk]), {"result": "meets"}).status_code == 302
    assert "周海波" in client.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    item = item_submit(
        item=item_create(
            branch=branch_a,
            category="party_documents",
            period="2026",
            title="文件",
            payload={"body": "正文"},
            by=secretary_a_user,
        ),
        by=secretary_a_user,
    )
    assert client.post(reverse("disclosure:item-approve", args=[item.pk]), {"when": "now"}).status_code == 403


@pytest.mark.parametrize("n", [3, 30])
def test_the_staff_lists_take_a_fixed_number_of_queries(
    n, town, town_admin, town_admin_user, django_assert_max_num_queries
):
    from disclosure.services import item_create
    from tests.factories import BranchFactory

    for i in range(n):
        branch = BranchFactory(parent=town, code=f"GQ-Q{i:02d}", name=f"查询村{i:02d}党支部")
        site_create(branch=branch, name=f"查询村{i:02d}", slug=f"q-{i:02d}")
        item_create(
            branch=branch,
            category="party_documents",
            period="2026",
            title="文件",
            payload={"body": "正文"},
            by=town_admin_user,
        )
    for name in ("disclosure:sites", "disclosure:items", "disclosure:dues"):
        with django_assert_max_num_queries(14):
            assert town_admin.get(reverse(name)).status_code == 200


def test_the_secretary_keeps_the_office_phone_on_the_board(secretary_a, area_head, anonymous, site):
    url = reverse("disclosure:site-phone", args=[site.pk])
    assert "公开栏联系电话" in secretary_a.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    assert "公开栏联系电话" not in area_head.get(reverse("disclosure:site", args=[site.pk])).content.decode()
    anonymous.get(reverse("public:wall", args=[site.slug]))  # cached or not, the change must show
    anonymous.get(reverse("public:board", args=[site.slug]))
    response = secretary_a.post(url, {"office_phone": "13912345678"}, follow=True)
    assert "不能填写个人手机号" in response.content.decode()
    site.refresh_from_db()
    assert site.office_phone == ""
    secretary_a.post(url, {"office_phone": "0574-88123456"})
    site.refresh_from_db()
    assert site.office_phone == "0574-88123456"
    assert "0574-88123456" in anonymous.get(reverse("public:board", args=[site.slug])).content.decode()
    assert "0574-88123456" in anonymous.get(reverse("public:wall", args=[site.slug])).content.decode()
    assert area_head.post(url, {"office_phone": "0574-88000000"}).status_code == 403
