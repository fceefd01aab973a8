"""季通报: one service behind the beat task, the page and ``compile_briefing``.

Compiling claims the briefing with a conditional update (one worker at a
time; a retry of the same Celery task, or a claim gone stale, may take it
over), computes the quarter's scores, renders HTML, PDF and xlsx into a fresh
folder, and only then points the briefing at that folder in the same
conditional update that marks it ready. A worker killed halfway leaves the
old draft (or none) in place and an orphan folder the next run removes: never
a half-written briefing. A published briefing never changes, and publishing
locks the quarter's scores.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch

from . import report, scoring
from .models import Briefing
from .selectors import may_publish_briefing

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STALE_AFTER = dt.timedelta(minutes=15)
B = Briefing.Status


class BriefingPublished(ValidationError):
    pass


def briefings_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "assessment" / "briefings"


def file_name(briefing: Briefing, fmt: str) -> str:
    return f"{briefing.quarter}-党建工作季度通报.{fmt}"


def file_path(briefing: Briefing, fmt: str) -> Path | None:
    if not briefing.folder or fmt not in FORMATS:
        return None
    path = briefings_root() / briefing.folder / f"briefing.{fmt}"
    return path if path.exists() else None


def briefing_request(*, organisation: Branch, quarter: str, by=None) -> Briefing:
    """Ask for the quarter's briefing to be (re)compiled; the work runs in Celery after commit."""
    briefing, _created = Briefing.objects.get_or_create(
        organisation=organisation, quarter=quarter, defaults={"requested_by": by}
    )
    if briefing.status == B.PUBLISHED:
        raise BriefingPublished(_("%(q)s 的季度通报已发布，不能再重新编制") % {"q": quarter})
    if briefing.status != B.COMPILING:
        Briefing.objects.filter(pk=briefing.pk).exclude(status__in=(B.PUBLISHED, B.COMPILING)).update(
            status=B.QUEUED, progress=0, step=_("排队等待"), error="", requested_by=by
        )
    from .tasks import briefing_compile_task

    transaction.on_commit(lambda: briefing_compile_task.delay(briefing.pk))
    briefing.refresh_from_db()
    return briefing


def _claim(briefing_id: int, token: str) -> bool:
    now = timezone.now()
    free = Briefing.objects.filter(pk=briefing_id, status__in=(B.QUEUED, B.READY, B.FAILED))
    mine_again = Briefing.objects.filter(pk=briefing_id, status=B.COMPILING, token=token)
    stale = Briefing.objects.filter(pk=briefing_id, status=B.COMPILING, claimed_at__lt=now - STALE_AFTER)
    fields = {"status": B.COMPILING, "token": token, "claimed_at": now, "progress": 1, "error": ""}
    return bool(free.update(**fields) or mine_again.update(**fields) or stale.update(**fields))


def _progress(briefing_id: int, token: str, percent: int, step: str) -> None:
    Briefing.objects.filter(pk=briefing_id, token=token, status=B.COMPILING).update(progress=percent, step=step)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def briefing_compile(*, briefing_id: int, token: str | None = None) -> Briefing:
    """Compile the briefing now (in the caller's process). Returns it READY, or unchanged if another holds it."""
    token = token or uuid.uuid4().hex
    briefing = Briefing.objects.select_related("organisation").get(pk=briefing_id)
    if briefing.status == B.PUBLISHED:
        raise BriefingPublished(_("%(q)s 的季度通报已发布，不能再重新编制") % {"q": briefing.quarter})
    if not _claim(briefing_id, token):
        return briefing
    folder = f"{briefing.organisation.code}-{briefing.quarter}/{token}"
    target = briefings_root() / folder
    try:
        _progress(briefing_id, token, 10, _("计算季度考核得分"))
        with transaction.atomic():
            scoring.quarter_scores_compute(organisation=briefing.organisation, quarter=briefing.quarter)
        _progress(briefing_id, token, 30, _("汇总各单位数据"))
        data = report.collect(organisation=briefing.organisation, quarter=briefing.quarter)
        target.mkdir(parents=True, exist_ok=True)
        _progress(briefing_id, token, 45, _("生成网页版"))
        html = report.render_html(data)
        _write_atomically(target / "briefing.html", html.encode("utf-8"))
        _progress(briefing_id, token, 60, _("生成 PDF"))
        _write_atomically(target / "briefing.pdf", report.render_pdf(data))
        _progress(briefing_id, token, 90, _("生成 Excel"))
        _write_atomically(target / "briefing.xlsx", report.render_xlsx(data))
    except Exception as exc:
        Briefing.objects.filter(pk=briefing_id, token=token, status=B.COMPILING).update(
            status=B.FAILED, error=str(exc)[:2000], step=_("编制失败")
        )
        shutil.rmtree(target, ignore_errors=True)
        raise
    # The switch: only the claimant, only while nobody published it, in one statement.
    switched = Briefing.objects.filter(pk=briefing_id, token=token, status=B.COMPILING).update(
        status=B.READY, folder=folder, progress=100, step=_("已完成"), compiled_at=timezone.now()
    )
    if not switched:
        shutil.rmtree(target, ignore_errors=True)
    _remove_orphans(briefing_id)
    briefing.refresh_from_db()
    return briefing


def _remove_orphans(briefing_id: int) -> None:
    """Folders of earlier drafts and of runs that died halfway: everything but the current one."""
    briefing = Briefing.objects.select_related("organisation").get(pk=briefing_id)
    if briefing.status == B.COMPILING:
        return  # another run is writing its folder right now
    parent = briefings_root() / f"{briefing.organisation.code}-{briefing.quarter}"
    keep = Path(briefing.folder).name if briefing.folder else None
    for child in parent.iterdir() if parent.exists() else ():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


def briefing_compile_quarter(*, organisation: Branch, quarter: str, by=None) -> Briefing:
    """What the command and the beat task run: the quarter's briefing, compiled here and now."""
    briefing, _created = Briefing.objects.get_or_create(
        organisation=organisation, quarter=quarter, defaults={"requested_by": by}
    )
    return briefing_compile(briefing_id=briefing.pk)


def briefing_publish(*, briefing: Briefing, by) -> Briefing:
    """Publish the draft: it never changes again, the quarter's scores lock, the ranking goes on the board."""
    if not may_publish_briefing(by, briefing):
        raise PermissionDenied
    with transaction.atomic():
        done = Briefing.objects.filter(pk=briefing.pk, status=B.READY).update(
            status=B.PUBLISHED, published_at=timezone.now()
        )
        if not done:
            raise ValidationError(_("只有已生成的草稿才能发布"))
        scoring.quarter_scores_lock(organisation=briefing.organisation, quarter=briefing.quarter)
        publish_results(organisation=briefing.organisation, quarter=briefing.quarter, by=by)
    briefing.refresh_from_db()
    return briefing


def publish_results(*, organisation: Branch, quarter: str, by=None) -> bool:
    """The pioneer-index ranking of each branch for the half year, through the disclosure register."""
    from .publishing import publish_pioneer_rankings

    return publish_pioneer_rankings(organisation=organisation, quarter=quarter, by=by)


def compile_due(*, today: dt.date | None = None) -> list[Briefing]:
    """Beat: after a quarter ends, compile its briefing for every town (unless already published)."""
    from .periods import last_full_quarter

    quarter = last_full_quarter(today or timezone.localdate())
    done = []
    for town in Branch.objects.filter(unit=Branch.Unit.TOWN, is_active=True):
        existing = Briefing.objects.filter(organisation=town, quarter=quarter).first()
        if existing and existing.status in (B.PUBLISHED, B.READY):
            continue
        done.append(briefing_compile_quarter(organisation=town, quarter=quarter))
    return done
