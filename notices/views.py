from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from . import services
from .selectors import get_notice_for_user, notices_of

PAGE_SIZE = 30


@require_safe
@login_required
def notice_list(request):
    qs = notices_of(request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page, "only_unread": request.GET.get("unread") == "1"})


@require_POST
@login_required
def notice_open(request, pk: int):
    """Mark one notice read and go where it points (only to this site)."""
    notice = services.notice_mark_read(notice=get_notice_for_user(request.user, pk))
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        return redirect(notice.url)
    return redirect("notices:list")


@require_POST
@login_required
def notice_read_all(request):
    n = services.notices_mark_all_read(user=request.user)
    messages.success(request, f"已将 {n} 条通知标为已读")
    return redirect("notices:list")
