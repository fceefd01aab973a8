"""The register's workflow pages: a secretary drafts and submits, an area head or the town office approves.

Every step is a service in ``services.py`` (which checks the capability again);
a page only picks the object in scope and shows what the user may do next.
A published item is never edited: a correction (更正) is a new draft with a
reason that becomes a new dated version once approved and published.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from portal.forms import apply_errors

from . import services
from .forms import ApproveForm, ItemForm, RejectForm, ReviseForm
from .models import Audience, Category, Item, validate_period
from .presenters import ITEM_CARD_COLUMNS, item_cards_html
from .selectors import branches_writable_by, get_item_for_user, get_item_page_for_user, items_visible_to

PAGE_SIZE = 20
GET_POST = require_http_methods(["GET", "HEAD", "POST"])
# What the item's page shows of each published version (not who published it).
VERSION_COLUMNS = ("item_id", "number", "title", "payload", "reason", "published_at")


def _filters(request, qs):
    chosen = {}
    state = request.GET.get("state")
    if state in Item.State.values:
        qs, chosen["state"] = qs.filter(state=state), state
    category = request.GET.get("category")
    if category in Category.values:
        qs, chosen["category"] = qs.filter(category=category), category
    period = request.GET.get("period", "").strip()
    if period:
        try:
            validate_period(period)
        except ValidationError:
            chosen["period_error"] = _("期间格式应为 2026、2026-03、2026-Q1 或 2026-H1 之一")
        else:
            qs, chosen["period"] = qs.filter(period__startswith=period), period
    if request.GET.get("mine") == "review":
        qs, chosen["mine"] = (
            qs.filter(scope_for(request.user).q(Cap.APPROVE, "branch__"), state=Item.State.SUBMITTED),
            "review",
        )
    return qs, chosen


@require_safe
@login_required
def item_list(request):
    scope = scope_for(request.user)
    if not scope.has(Cap.READ):
        raise PermissionDenied
    # Only what a card shows (``presenters.ITEM_CARD_COLUMNS``): the content (JSON) and its search text
    # are read on the item's own page.
    qs = items_visible_to(request.user).order_by("-updated_at", "-id")
    qs, chosen = _filters(request, qs)
    page = Paginator(qs.values_list(*ITEM_CARD_COLUMNS, named=True), PAGE_SIZE).get_page(request.GET.get("page"))
    awaiting = (
        items_visible_to(request.user).filter(scope.q(Cap.APPROVE, "branch__"), state=Item.State.SUBMITTED).count()
        if scope.has(Cap.APPROVE)
        else 0
    )
    return render(
        request,
        "disclosure/item_list.html",
        {
            "page": page,
            "cards_html": item_cards_html(page.object_list),
            "chosen": chosen,
            "states": Item.State.choices,
            "categories": Category.choices,
            "may_add": scope.has(Cap.WRITE),
            "may_approve": scope.has(Cap.APPROVE),
            "awaiting": awaiting,
        },
    )


@GET_POST
@login_required
def item_create(request):
    branches = branches_writable_by(request.user)
    if not branches.exists():
        raise PermissionDenied
    form = ItemForm(request.POST or None, branches=branches, initial={"branch": branches.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                branch=data["branch"],
                category=data["category"],
                period=data["period"],
                title=data["title"],
                payload=form.payload(),
                audience=data["audience"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if "submit" in request.POST:
                services.item_submit(item=item, by=request.user)
                messages.success(request, _("已提交审核"))
            else:
                messages.success(request, _("草稿已保存"))
            return redirect("disclosure:item", item.pk)
    return render(request, "disclosure/item_form.html", {"form": form, "title": _("新建公开事项")})


@require_safe
@login_required
def item_detail(request, pk: int):
    item = get_item_page_for_user(request.user, pk)
    scope = scope_for(request.user)
    may_write = scope.covers(Cap.WRITE, item.branch)
    may_approve = scope.covers(Cap.APPROVE, item.branch)
    return render(
        request,
        "disclosure/item_detail.html",
        {
            "item": item,
            "versions": list(item.versions.only(*VERSION_COLUMNS).order_by("-number")),
            "may_write": may_write,
            "may_edit": may_write and item.state == Item.State.DRAFT,
            "may_submit": may_write and item.state == Item.State.DRAFT,
            "may_revise": may_write and item.is_manual and item.state == Item.State.PUBLISHED,
            "may_review": may_approve and item.state == Item.State.SUBMITTED,
            "content_template": select_template(
                [f"public/items/{item.category}.html", "public/items/_generic.html"]
            ).template.name,
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
            "public": item.latest_version_id is not None
            and item.latest_version.audience == Audience.PUBLIC
            and item.audience == Audience.PUBLIC,
        },
    )


@GET_POST
@login_required
def item_edit(request, pk: int):
    """A draft's working copy; a correction's draft keeps its reason (it goes through ``item_revise``)."""
    item = get_item_for_user(request.user, pk, write=True)
    correcting = item.latest_version_id is not None
    if item.state != Item.State.DRAFT or (correcting and not item.is_manual):
        messages.error(request, _("只有草稿可以修改；已提交的请先由审核人退回"))
        return redirect("disclosure:item", pk)
    form_class = ReviseForm if correcting else ItemForm
    form = form_class(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        if _save_working_copy(request, item, form, correcting):
            return redirect("disclosure:item", pk)
    title = _("修改更正内容") if correcting else _("修改草稿")
    return render(request, "disclosure/item_form.html", {"form": form, "item": item, "title": title})


@GET_POST
@login_required
def item_revise(request, pk: int):
    """Correct a published hand-written item: a new draft with a reason; the published versions stay."""
    item = get_item_for_user(request.user, pk, write=True)
    if item.state != Item.State.PUBLISHED or not item.is_manual:
        messages.error(request, _("只有已发布的手工事项可以更正"))
        return redirect("disclosure:item", pk)
    form = ReviseForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        if _save_working_copy(request, item, form, correcting=True):
            return redirect("disclosure:item", pk)
    return render(request, "disclosure/item_form.html", {"form": form, "item": item, "title": _("更正已发布事项")})


def _save_working_copy(request, item: Item, form, correcting: bool) -> bool:
    data = form.cleaned_data
    try:
        if correcting:
            services.item_revise(
                item=item,
                title=data["title"],
                payload=form.payload(),
                audience=data["audience"],
                reason=data["correction_reason"],
                by=request.user,
            )
        else:
            services.item_edit(
                item=item,
                title=data["title"],
                payload=form.payload(),
                audience=data["audience"],
                period=data["period"],
                by=request.user,
            )
        if "submit" in request.POST:
            services.item_submit(item=item, by=request.user)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("已提交审核") if "submit" in request.POST else _("已保存"))
    return True


@require_POST
@login_required
def item_submit(request, pk: int):
    item = get_item_for_user(request.user, pk, write=True)
    try:
        services.item_submit(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已提交审核"))
    return redirect("disclosure:item", pk)


@require_POST
@login_required
def item_approve(request, pk: int):
    item = get_item_for_user(request.user, pk, write=Cap.APPROVE)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("disclosure:item", pk)
    try:
        item = services.item_approve(item=item, by=request.user, publish_at=form.cleaned_data["publish_at"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已审核并发布") if item.state == Item.State.PUBLISHED else _("已审核，将定时发布"))
    return redirect("disclosure:item", pk)


@require_POST
@login_required
def item_reject(request, pk: int):
    item = get_item_for_user(request.user, pk, write=Cap.APPROVE)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明退回原因"))
        return redirect("disclosure:item", pk)
    try:
        services.item_reject(item=item, note=form.cleaned_data["review_note"], by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已退回修改"))
    return redirect("disclosure:item", pk)
