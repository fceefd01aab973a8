"""What is printed and posted on the physical board: its QR code and an A4 poster."""

from __future__ import annotations

import hashlib
import io

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Site


def board_url(site: Site, request=None) -> str:
    """The board's absolute address: PUBLIC_BASE_URL when set (posters are printed inside the office), else the request's host."""
    path = reverse("public:board", args=[site.slug])
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def board_qr(site: Site, request=None) -> segno.QRCode:
    # Level M survives a scratch or a fold on a board that hangs outdoors.
    return segno.make(board_url(site, request), error="m", micro=False)


def qr_png(site: Site, request=None) -> bytes:
    buf = io.BytesIO()
    board_qr(site, request).save(buf, kind="png", scale=10, border=4)
    return buf.getvalue()


def qr_svg(site: Site, request=None) -> bytes:
    buf = io.BytesIO()
    board_qr(site, request).save(buf, kind="svg", scale=10, border=4, title=f"{site.name}党务公开", xmldecl=True)
    return buf.getvalue()


def poster_pdf(site: Site, request=None) -> bytes:
    """An A4 poster: the site's name, the QR code and the address, in Noto Sans CJK."""
    from weasyprint import HTML

    url = board_url(site, request)
    # Rendering takes about a second; the poster only changes with the site's name or address.
    key = "public:poster:" + hashlib.sha256(f"{url}|{site.name}|{site.branch.name}".encode()).hexdigest()
    if (cached := cache.get(key)) is not None:
        return cached
    html = render_to_string(
        "public/poster.html",
        {
            "site": site,
            "url": url,
            "qr_data_uri": board_qr(site, request).svg_data_uri(scale=10, border=2),
        },
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    cache.set(key, pdf, 24 * 60 * 60)
    return pdf
