"""七个一 checks on a phone: the sites in scope, a site's seven fixtures as a checklist, recording a check.

Anyone who may read a site's branch sees its checklist (the secretary sees their
own site); recording a check needs Cap.INSPECT over it (area heads, liaisons,
the town office).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from portal.forms import apply_errors

from .forms import CheckForm, OfficePhoneForm
from .models import Fixture
from .selectors import get_check_for_user, get_fixture_for_user, get_site_for_user, sites_with_counts
from .sites import fixture_check_record, site_set_office_phone

PAGE_SIZE = 20
STATUS_FILTERS = {
    "needs_fixing": gettext_lazy("有需整改项"),
    "unchecked": gettext_lazy("有未检查项"),
    "ok": gettext_lazy("全部达标"),
}


@require_safe
@login_required
def site_list(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        raise PermissionDenied
    sites = sites_with_counts(request.user)
    status = request.GET.get("status")
    if status == "needs_fixing":
        sites = sites.filter(needs_fixing__gt=0)
    elif status == "unchecked":
        sites = sites.filter(unchecked__gt=0)
    elif status == "ok":
        sites = sites.filter(needs_fixing=0, unchecked=0)
    else:
        status = None
    query = request.GET.get("q", "").strip()[:30]
    if query:
        sites = sites.filter(name__icontains=query)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/site_list.html",
        {
            "page": page,
            "status": status,
            "statuses": list(STATUS_FILTERS.items()),
            "query": query,
            "may_inspect": scope.has(Cap.INSPECT),
        },
    )


@require_safe
@login_required
def site_detail(request, pk: int):
    site = get_site_for_user(request.user, pk)
    fixtures = list(site.fixtures.select_related("last_checked_by").order_by("id"))
    order = {kind: i for i, kind in enumerate(Fixture.Kind.values)}
    fixtures.sort(key=lambda f: order.get(f.kind, 99))
    return render(
        request,
        "disclosure/site_detail.html",
        {
            "site": site,
            "fixtures": fixtures,
            "may_inspect": scope_for(request.user).covers(Cap.INSPECT, site.branch),
            "phone_form": OfficePhoneForm(initial={"office_phone": site.office_phone})
            if scope_for(request.user).covers(Cap.WRITE, site.branch)
            else None,
            "counts": {s: sum(1 for f in fixtures if f.status == s) for s in Fixture.Status.values},
        },
    )


@require_POST
@login_required
def site_phone(request, pk: int):
    """The branch office's landline on the board (the secretary's to keep)."""
    site = get_site_for_user(request.user, pk, write=True)
    form = OfficePhoneForm(request.POST)
    if form.is_valid():
        try:
            site_set_office_phone(site=site, office_phone=form.cleaned_data["office_phone"], by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("办公电话已更新，公开栏同步显示"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("disclosure:site", site.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def fixture_check(request, pk: int):
    """The checks of one fixture; an inspector records a new one (photo from the phone's camera)."""
    fixture = get_fixture_for_user(request.user, pk)
    may_inspect = scope_for(request.user).covers(Cap.INSPECT, fixture.site.branch)
    if request.method == "POST" and not may_inspect:
        raise PermissionDenied
    form = CheckForm(request.POST or None, request.FILES or None) if may_inspect else None
    if request.method == "POST" and form.is_valid():
        try:
            fixture_check_record(
                fixture=get_fixture_for_user(request.user, pk, inspect=True),
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录：%(kind)s") % {"kind": fixture.get_kind_display()})
            return redirect("disclosure:site", fixture.site_id)
    checks = Paginator(fixture.checks.select_related("checked_by"), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/fixture_check.html",
        {"fixture": fixture, "site": fixture.site, "form": form, "page": checks},
    )


@require_safe
@login_required
def check_photo(request, pk: int):
    """A check's photo, for those who may read the site (check photos are not public media)."""
    check = get_check_for_user(request.user, pk)
    if not check.photo:
        raise Http404
    try:
        handle = check.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
