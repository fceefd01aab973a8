"""The publishing register (党务公开): how every app puts something on a board.

Publishing from another app (meetings, projects, assessment …)::

    from disclosure.models import Category
    from disclosure.services import disclosure_publish

    disclosure_publish(
        branch=branch,
        category=Category.THEME_DAY_PLAN,     # one of disclosure.models.Category
        period="2026",                        # "2026", "2026-03", "2026-Q1" or "2026-H1"
        source="meetings.plan",               # your app and what it publishes
        title="2026年主题党日活动计划",
        payload={"columns": ["月份", "主题"], "rows": [["1月", "学习贯彻…"], ["2月", "…"]]},
    )

The contract:

* **Key** ``(branch, category, period, source)``: one item per key. ``source``
  names the publishing app and what it publishes (``"meetings.plan"``,
  ``"projects.secretary"``, ``"assessment.ranking"``); ``"manual:…"`` is
  reserved for items people write by hand through the workflow below.
* **Idempotent**: the same title, payload and audience as the item's newest
  version makes no new version and returns the newest one, so a Celery task
  may publish on every run.
* **Corrections**: a changed payload (or title, or audience) becomes version
  n+1, dated ``at`` (default now, never in the future), with ``reason``
  (default "数据更新"); the public page marks it 更正 with that date and reason
  and keeps every earlier version readable. A version is never changed or
  deleted afterwards (model, queryset and a database trigger refuse it).
* **Payload**: a JSON dict. The public page renders
  ``templates/public/items/<category>.html`` with it, or the generic template,
  which understands ``summary`` (str), ``body`` (str; blank lines split
  paragraphs), ``columns`` (list of str) with ``rows`` (list of lists) for a
  table, and ``notes`` (list of str). Category templates document any extra
  keys they read in their first lines.
* **No personal data**: a payload whose keys name personal fields
  (``id_number``, ``phone``, ``mobile``, ``address``, ``birth_date``) or whose
  text holds a mobile number or an ID number is refused with a ValidationError.
  Names are fine; a contact must be an office landline (0574-…).
* ``audience="members"``: only logged-in readers who may read the branch, and
  members of the branch, see it; anyone else gets 404.
* Runs inside the caller's transaction (it locks the item row, so concurrent
  calls for one key queue up); the board caches are dropped when it commits.
* Returns the :class:`~disclosure.models.ItemVersion` that is now newest.

The register imports no feature app: results flow in through this function.

Hand-written items (党内文件, 上级会议精神, 村务公开 …) go through
``item_create`` → ``item_submit`` → ``item_approve`` (Cap.APPROVE: the area
head or the town office) → ``item_publish`` (at once, or by the beat task
``items_publish_due`` at ``publish_at``). Correcting a published hand-written
item is ``item_revise`` with a reason, then the same steps again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Cap, scope_for
from branches.models import Branch

from .cache import board_cache_drop
from .models import Audience, Category, Item, ItemVersion, period_display

DEFAULT_REASON = "数据更新"
MAX_PAYLOAD_BYTES = 200_000
_PERSONAL_KEYS = {"id_number", "idnumber", "phone", "mobile", "address", "birth_date", "birthday"}
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


# ---------------------------------------------------------------- helpers


def _canonical(title: str, payload: dict, audience: str) -> str:
    return json.dumps(
        {"title": title, "payload": payload, "audience": audience},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _walk_strings(value: Any, path: str = ""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield ("key", str(key), f"{path}.{key}")
            yield from _walk_strings(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            yield from _walk_strings(inner, f"{path}[{i}]")
    elif value is not None:
        yield ("text", str(value), path)


def payload_check(payload: Any) -> None:
    """Refuse a payload that is not a JSON dict or that carries personal data."""
    if not isinstance(payload, dict):
        raise ValidationError({"payload": _("公开内容应为键值结构（JSON 对象）")})
    try:
        size = len(json.dumps(payload, ensure_ascii=False).encode())
    except (TypeError, ValueError):
        raise ValidationError({"payload": _("公开内容只能包含文字、数字、列表和键值")}) from None
    if size > MAX_PAYLOAD_BYTES:
        raise ValidationError({"payload": _("公开内容过长（不超过 200 KB）")})
    for kind, text, where in _walk_strings(payload):
        if "\x00" in text:  # PostgreSQL's JSON cannot store it
            raise ValidationError(
                {"payload": _("公开内容不能包含空字符（%(where)s）") % {"where": where.lstrip(".") or "内容"}}
            )
        if kind == "key" and text.lower() in _PERSONAL_KEYS:
            raise ValidationError(
                {"payload": _("公开内容不能包含个人信息字段（%(where)s）") % {"where": where.lstrip(".")}}
            )
        if kind == "text" and (_MOBILE.search(text) or _ID_NUMBER.search(text)):
            raise ValidationError(
                {
                    "payload": _("公开内容不能包含手机号码或身份证号码（%(where)s）")
                    % {"where": where.lstrip(".") or "内容"}
                }
            )


def _search_text(title: str, payload: dict) -> str:
    parts = [title] + [text for kind, text, _where in _walk_strings(payload) if kind == "text"]
    return " ".join(parts)[:8000]


def _require(by, cap: Cap, branch: Branch) -> None:
    if by is not None and not scope_for(by).covers(cap, branch):
        raise PermissionDenied(_("您没有此项操作的权限"))


def _new_version(
    *, item: Item, title: str, payload: dict, audience: str, reason: str, at: dt.datetime, by
) -> ItemVersion:
    """Append the next version to a locked item and point the item at it."""
    previous = item.latest_version
    number = (previous.number + 1) if previous else 1
    version = ItemVersion(
        item=item,
        number=number,
        title=title,
        payload=payload,
        payload_hash=hashlib.sha256(_canonical(title, payload, audience).encode()).hexdigest(),
        reason="" if number == 1 else (reason.strip() or DEFAULT_REASON),
        audience=audience,
        published_at=at,
        published_by=by,
    )
    version.full_clean(exclude=["item"])
    version.save()
    item.latest_version = version
    item.state = Item.State.PUBLISHED
    item.first_published_at = item.first_published_at or at
    item.last_published_at = at
    item.search_text = _search_text(title, payload)
    item.correction_reason = ""
    item.publish_at = None
    item.save()
    # Now, and again once committed: a reader between the two may have cached the old board.
    board_cache_drop(branch_path=item.branch.path)
    transaction.on_commit(lambda path=item.branch.path: board_cache_drop(branch_path=path))
    return version


# ---------------------------------------------------------------- from other apps


@transaction.atomic
def disclosure_publish(
    *,
    branch: Branch,
    category: str,
    period: str,
    payload: dict,
    source: str,
    title: str = "",
    audience: str = Audience.PUBLIC,
    by=None,
    at: dt.datetime | None = None,
    reason: str = "",
) -> ItemVersion:
    """Publish structured content under (branch, category, period, source); see the module docstring."""
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=1):
        raise ValidationError({"at": _("发布时间不能晚于现在；定时发布请走审核流程")})
    if not source or source.startswith("manual:"):
        raise ValidationError({"source": _("请写明来源模块，如 meetings.plan")})
    if category not in Category.values:
        raise ValidationError({"category": _("未知的公开类别")})
    if audience not in Audience.values:
        raise ValidationError({"audience": _("未知的公开范围")})
    payload_check(payload)
    title = (title or "").strip() or f"{period_display(period)}{Category(category).label}"

    Item(
        branch=branch, category=category, period=period, source=source, title=title, audience=audience, payload=payload
    ).full_clean(exclude=["branch"], validate_unique=False, validate_constraints=False)
    item, _created = Item.objects.get_or_create(
        branch=branch,
        category=category,
        period=period,
        source=source,
        defaults={"title": title, "payload": payload, "audience": audience, "author": by},
    )
    item = Item.objects.select_for_update(of=("self",)).select_related("latest_version", "branch").get(pk=item.pk)
    digest = hashlib.sha256(_canonical(title, payload, audience).encode()).hexdigest()
    if item.latest_version is not None and item.latest_version.payload_hash == digest:
        return item.latest_version
    if item.latest_version is not None and at < item.latest_version.published_at:
        raise ValidationError({"at": _("更正的发布时间不能早于上一版本")})
    item.title, item.payload, item.audience = title, payload, audience
    return _new_version(item=item, title=title, payload=payload, audience=audience, reason=reason, at=at, by=by)


# ---------------------------------------------------------------- hand-written items


def item_create(
    *,
    branch: Branch,
    category: str,
    period: str,
    title: str,
    payload: dict,
    audience: str = Audience.PUBLIC,
    by,
) -> Item:
    """A new draft written by someone who may write the branch."""
    _require(by, Cap.WRITE, branch)
    payload_check(payload)
    item = Item(
        branch=branch,
        category=category,
        period=period,
        source=f"manual:{uuid.uuid4().hex[:12]}",
        audience=audience,
        title=title.strip(),
        payload=payload,
        author=by,
        state=Item.State.DRAFT,
    )
    item.full_clean()
    item.save()
    return item


def item_edit(*, item: Item, title: str, payload: dict, audience: str, period: str | None = None, by) -> Item:
    """Change a draft's working copy (only while it is a draft)."""
    _require(by, Cap.WRITE, item.branch)
    if item.state != Item.State.DRAFT:
        raise ValidationError(_("只有草稿可以修改；已提交的请先退回"))
    payload_check(payload)
    item.title, item.payload, item.audience = title.strip(), payload, audience
    if period is not None and item.latest_version_id is None:
        item.period = period
    item.full_clean()
    item.save()
    return item


def item_revise(*, item: Item, title: str, payload: dict, audience: str, reason: str, by) -> Item:
    """Start a correction of a published item: a new working copy with its reason, back to draft.

    The published versions stay as they are; the correction becomes a new
    version only after it is approved and published.
    """
    _require(by, Cap.WRITE, item.branch)
    if item.latest_version_id is None:
        raise ValidationError(_("尚未发布的事项请直接修改草稿"))
    if not item.is_manual:
        # Its content comes from another module (the dues table, the meeting plan …): correct it there.
        raise ValidationError(_("该事项由系统根据业务数据生成，请在原业务模块中更正"))
    if item.state != Item.State.PUBLISHED and item.state != Item.State.DRAFT:
        raise ValidationError(_("该更正已提交审核，请等待审核结果或由审核人退回后再修改"))
    if not reason.strip():
        raise ValidationError({"correction_reason": _("请写明更正原因")})
    payload_check(payload)
    item.title, item.payload, item.audience = title.strip(), payload, audience
    item.correction_reason = reason.strip()
    item.state = Item.State.DRAFT
    item.review_note = ""
    item.full_clean()
    item.save()
    return item


def item_submit(*, item: Item, by) -> Item:
    _require(by, Cap.WRITE, item.branch)
    if item.state != Item.State.DRAFT:
        raise ValidationError(_("只有草稿可以提交审核"))
    if item.latest_version_id and not item.correction_reason:
        raise ValidationError({"correction_reason": _("请写明更正原因")})
    updated = Item.objects.filter(pk=item.pk, state=Item.State.DRAFT).update(
        state=Item.State.SUBMITTED, submitted_at=timezone.now(), review_note=""
    )
    if not updated:
        raise ValidationError(_("该事项状态已变化，请刷新后重试"))
    item.refresh_from_db()
    return item


def item_reject(*, item: Item, note: str, by) -> Item:
    _require(by, Cap.APPROVE, item.branch)
    if item.state != Item.State.SUBMITTED:
        raise ValidationError(_("只有待审核的事项可以退回"))
    if not note.strip():
        raise ValidationError({"review_note": _("请写明退回原因")})
    Item.objects.filter(pk=item.pk, state=Item.State.SUBMITTED).update(state=Item.State.DRAFT, review_note=note.strip())
    item.refresh_from_db()
    return item


def item_approve(*, item: Item, by, publish_at: dt.datetime | None = None) -> Item:
    """Approve a submitted item; it is published now, or at ``publish_at`` by the beat task."""
    _require(by, Cap.APPROVE, item.branch)
    if item.state != Item.State.SUBMITTED:
        raise ValidationError(_("只有待审核的事项可以审核通过"))
    now = timezone.now()
    with transaction.atomic():
        updated = Item.objects.filter(pk=item.pk, state=Item.State.SUBMITTED).update(
            state=Item.State.APPROVED, approved_at=now, approved_by=by, publish_at=publish_at
        )
        if not updated:
            raise ValidationError(_("该事项状态已变化，请刷新后重试"))
        item.refresh_from_db()
        if publish_at is None or publish_at <= now:
            item_publish(item=item, by=by)
            item.refresh_from_db()
    return item


@transaction.atomic
def item_publish(*, item: Item, by=None, at: dt.datetime | None = None) -> ItemVersion | None:
    """Publish an approved item whose time has come; None when it is not (or no longer) due.

    Safe to run twice and concurrently: the item row is locked and its state checked.
    """
    now = at or timezone.now()
    locked = Item.objects.select_for_update(of=("self",)).select_related("latest_version", "branch").get(pk=item.pk)
    if locked.state != Item.State.APPROVED or (locked.publish_at and locked.publish_at > now):
        return None
    return _new_version(
        item=locked,
        title=locked.title,
        payload=locked.payload,
        audience=locked.audience,
        reason=locked.correction_reason,
        at=now,
        by=by or locked.approved_by,
    )


def items_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish every approved item whose set time has come (the beat task calls this)."""
    now = now or timezone.now()
    due = Item.objects.filter(state=Item.State.APPROVED, publish_at__lte=now).values_list("pk", flat=True)
    published = 0
    for pk in list(due):
        if item_publish(item=Item(pk=pk), at=now) is not None:
            published += 1
    return published
