"""Day-to-day changes a branch secretary in office makes on her phone.

Every view loads its object through the scope (404 outside read scope, 403
without write), validates the form, and calls one member or transfer service;
a rule the service refuses comes back on the form's field, in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.scope import Cap, scope_for
from branches.selectors import get_branch_for_user
from portal.forms import apply_errors

from . import services
from .forms import (
    MemberAddForm,
    MemberConvertForm,
    MemberEditForm,
    MemberFlagsForm,
    TransferRejectForm,
    TransferStartForm,
)
from .models import Member
from .selectors import (
    get_member_for_user,
    get_transfer_for_user,
    transfer_actions_for,
    transfer_targets_for,
    transfers_visible_to,
)

PAGE_SIZE = 50


def _posted(request):
    """The POST data of a POST (even an empty one, which must be validated), else None."""
    return request.POST if request.method == "POST" else None


def _apply(form, call):
    """Run a service; put what it refuses on the form (per field where it names one). None on refusal."""
    try:
        return call()
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def _render_form(request, form, *, title, member=None, back, submit, intro=""):
    return render(
        request,
        "members/change_form.html",
        {"form": form, "title": title, "member": member, "back": back, "submit": submit, "intro": intro},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def add(request, branch_pk: int):
    """Add a probationary member (预备党员) to a branch."""
    branch = get_branch_for_user(request.user, pk=branch_pk, write=True)
    form = MemberAddForm(_posted(request), branch=branch)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "joined_on"}
        member = _apply(
            form,
            lambda: services.member_add_probationary(branch=branch, joined_on=form.cleaned_data["joined_on"], **data),
        )
        if member is not None:
            messages.success(request, f"已添加预备党员 {member.name}")
            return redirect("members:detail", pk=member.pk)
    return _render_form(
        request,
        form,
        title=f"添加预备党员 · {branch.name}",
        back=reverse("branches:detail", args=[branch.pk]),
        submit="添加",
        intro="支部党员大会通过接收的预备党员。出生日期和性别由公民身份号码自动得出。",
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk: int):
    member = get_member_for_user(request.user, pk, write=True)
    form = MemberEditForm(_posted(request), instance=member)
    if request.method == "POST" and form.is_valid():
        if _apply(form, lambda: services.member_update(member=member, **form.cleaned_data)) is not None:
            messages.success(request, "已保存联系方式、工作岗位和党小组")
            return redirect("members:detail", pk=member.pk)
    return _render_form(
        request,
        form,
        title=f"修改信息 · {member.name}",
        member=member,
        back=reverse("members:detail", args=[member.pk]),
        submit="保存",
    )


@require_http_methods(["GET", "POST"])
@login_required
def flags(request, pk: int):
    """Mark or clear 流动党员 / 失联党员."""
    member = get_member_for_user(request.user, pk, write=True)
    initial = {
        "is_floating": member.is_floating,
        "floating_to": member.floating_to,
        "is_lost_contact": member.is_lost_contact,
        "lost_contact_since": member.lost_contact_since,
    }
    form = MemberFlagsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if _apply(form, lambda: services.member_set_flags(member=member, **form.cleaned_data)) is not None:
            messages.success(request, "已更新流动、失联情况")
            return redirect("members:detail", pk=member.pk)
    return _render_form(
        request,
        form,
        title=f"流动、失联 · {member.name}",
        member=member,
        back=reverse("members:detail", args=[member.pk]),
        submit="保存",
    )


@require_http_methods(["GET", "POST"])
@login_required
def convert(request, pk: int):
    """Record 转正 and the date of the members' meeting that decided it."""
    member = get_member_for_user(request.user, pk, write=True)
    if member.category != Member.Category.PROBATIONARY:
        messages.info(request, f"{member.name} 已是正式党员")
        return redirect("members:detail", pk=member.pk)
    form = MemberConvertForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form,
            lambda: services.member_convert_to_full(
                member=member,
                meeting_on=form.cleaned_data["conversion_meeting_on"],
                on=form.cleaned_data["full_member_on"],
            ),
        )
        if done is not None:
            messages.success(request, f"已记录 {member.name} 转为正式党员（{done.full_member_on}）")
            return redirect("members:detail", pk=member.pk)
    return _render_form(
        request,
        form,
        title=f"记录转正 · {member.name}",
        member=member,
        back=reverse("members:detail", args=[member.pk]),
        submit="记录转正",
        intro=f"入党日期 {member.joined_on}。预备期满一年后，由支部党员大会讨论决定转正。",
    )


@require_http_methods(["GET", "POST"])
@login_required
def transfer(request, pk: int):
    """Start a transfer: within the town (the receiving branch accepts it) or out of the town."""
    member = get_member_for_user(request.user, pk, write=True)
    form = TransferStartForm(_posted(request), branches=transfer_targets_for(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _apply(
            form,
            lambda: services.transfer_start(
                member=member,
                kind=data["kind"],
                to_branch=data["to_branch"],
                destination=data["destination"],
                on=data["on"],
                reason=data["reason"],
                by=request.user,
            ),
        )
        if done is not None:
            if done.status == done.Status.PENDING:
                messages.success(request, f"已提交转接，待 {done.to_branch.name} 接收")
            else:
                messages.success(request, f"{member.name} 的组织关系已转至 {done.destination_name}")
            return redirect("members:detail", pk=member.pk)
    return _render_form(
        request,
        form,
        title=f"组织关系转接 · {member.name}",
        member=member,
        back=reverse("members:detail", args=[member.pk]),
        submit="提交转接",
        intro="镇内转接由转入支部书记或镇党建办确认接收后生效；转出本镇请写明转往的党组织全称。",
    )


@require_safe
@login_required
def transfers(request):
    """Transfers into and out of what the user may see; pending ones first."""
    if not scope_for(request.user).has(Cap.READ):
        raise PermissionDenied
    qs = transfers_visible_to(request.user).order_by("-status", "-recorded_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, transfer_actions_for(request.user, t)) for t in page.object_list]
    return render(request, "members/transfers.html", {"page": page, "rows": rows, "reject_form": TransferRejectForm()})


def _decided(request, pk: int, action: str):
    transfer = get_transfer_for_user(request.user, pk)
    if not transfer_actions_for(request.user, transfer)[action]:
        raise PermissionDenied
    return transfer


def _finish(request, call, done: str):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("members:transfers")


@require_POST
@login_required
def transfer_accept(request, pk: int):
    transfer = _decided(request, pk, "accept")
    return _finish(
        request,
        lambda: services.transfer_accept(transfer=transfer, by=request.user),
        f"已接收 {transfer.member.name}，现属 {transfer.to_branch.name}",
    )


@require_POST
@login_required
def transfer_reject(request, pk: int):
    transfer = _decided(request, pk, "reject")
    form = TransferRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回转接请写明退回原因")
        return redirect("members:transfers")
    return _finish(
        request,
        lambda: services.transfer_reject(transfer=transfer, by=request.user, note=form.cleaned_data["note"]),
        f"已退回 {transfer.member.name} 的转接",
    )


@require_POST
@login_required
def transfer_cancel(request, pk: int):
    transfer = _decided(request, pk, "cancel")
    return _finish(
        request,
        lambda: services.transfer_cancel(transfer=transfer, by=request.user),
        f"已撤回 {transfer.member.name} 的转接",
    )
