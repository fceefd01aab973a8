"""What a new user meets under `make demo` (DEBUG=1): the portal's own 404, a favicon, a Chinese file picker."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings as django_settings
from django.urls import reverse


def test_out_of_scope_url_shows_the_portals_404_even_with_debug(settings, secretary_a, branch_b):
    settings.DEBUG = True
    for url in (reverse("branches:detail", args=[branch_b.pk]), "/no-such-page/", "/members/999999/"):
        response = secretary_a.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert "页面不存在" in html and "DEBUG = True" not in html and "URLconf" not in html


def test_api_404_stays_json_with_debug(settings, secretary_a, member_b):
    settings.DEBUG = True
    for url in (reverse("api:members-detail", args=[member_b.pk]), "/api/no-such-endpoint/"):
        response = secretary_a.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), url


def test_favicon_is_served_from_our_static_files(anonymous, secretary_a, branch_a):
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.ico")
    assert (Path(django_settings.BASE_DIR) / "static" / "favicon.ico").stat().st_size > 0
    assert "favicon.ico" in secretary_a.get(reverse("branches:detail", args=[branch_a.pk])).content.decode()


def test_the_file_picker_speaks_chinese(secretary_a):
    html = secretary_a.get(reverse("members:roster-import")).content.decode()
    assert "选择文件" in html and "未选择文件" in html
