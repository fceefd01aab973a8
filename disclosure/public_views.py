"""Pages for villagers, no login: they scan a code on the disclosure board.

Every page here is readable with JavaScript off and printable. A board is
cached for anonymous readers and the cache moves on when something on it is
published (``disclosure.cache``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import printing
from .cache import board_key, board_page_get, board_page_set
from .models import Category
from .public_selectors import (
    area_for_code,
    board_blocks,
    latest_versions,
    public_directory,
    public_item,
    search_items,
    site_for_branch_code,
    site_for_slug,
)
from .selectors import public_branch_page


@require_safe
def index(request):
    return render(
        request,
        "public/index.html",
        {
            "groups": public_directory(),
            "latest": latest_versions(limit=10),
        },
    )


@require_safe
def area(request, code: str):
    area, sites = area_for_code(code)
    return render(request, "public/area.html", {"area": area, "sites": sites})


@require_safe
def branch(request, code: str):
    """The old address by branch code: on to the site's board, or the branch's own page where it has none."""
    site = site_for_branch_code(code)
    if site is not None:
        return redirect("public:board", site.slug, permanent=True)
    return render(request, "public/branch.html", {"page": public_branch_page(code)})


@require_safe
def board(request, slug: str):
    anonymous = not request.user.is_authenticated
    key = board_key(slug) if anonymous else None
    if key is not None and (html := board_page_get(key)) is not None:
        return HttpResponse(html)
    site = site_for_slug(slug)
    response = render(
        request,
        "public/board.html",
        {
            "site": site,
            "page": public_branch_page(site.branch.code),
            "blocks": board_blocks(site, request.user),
            "board_url": printing.board_url(site, request),
        },
    )
    if key is not None:
        board_page_set(key, response.content)
    return response


@require_safe
def board_list(request, slug: str):
    """Every published item of a board, newest first, optionally of one category (?category=dues)."""
    site = site_for_slug(slug)
    category = request.GET.get("category") or None
    if category is not None and category not in Category.values:
        raise Http404
    items = [item for block in board_blocks(site, request.user, category=category or "*") for item in block.items]
    items.sort(key=lambda i: (i.last_published_at, i.pk), reverse=True)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    label = Category(category).label if category else _("全部公开内容")
    return render(
        request,
        "public/category.html",
        {"site": site, "category_label": label, "page_obj": page, "category": category or ""},
    )


@require_safe
def wall(request, slug: str):
    site = site_for_slug(slug)
    return render(request, "public/wall.html", {"site": site, "page": public_branch_page(site.branch.code)})


@require_safe
def item(request, pk: int):
    found = public_item(pk, request.user)
    template = select_template([f"public/items/{found.item.category}.html", "public/items/_generic.html"])
    return render(request, "public/item.html", {"found": found, "content_template": template.template.name})


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:50]
    page = Paginator(search_items(query), 20).get_page(request.GET.get("page")) if query else None
    return render(request, "public/search.html", {"query": query, "page_obj": page})


@require_safe
def qr_png(request, slug: str):
    site = site_for_slug(slug)
    return _download(printing.qr_png(site, request), "image/png", f"{site.slug}-qr.png")


@require_safe
def qr_svg(request, slug: str):
    site = site_for_slug(slug)
    return _download(printing.qr_svg(site, request), "image/svg+xml", f"{site.slug}-qr.svg")


@require_safe
def poster(request, slug: str):
    site = site_for_slug(slug)
    return _download(printing.poster_pdf(site, request), "application/pdf", f"{site.slug}-poster.pdf")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
