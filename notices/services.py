"""Flags and notices: the one machinery every daily job uses to say what is late, and to whom.

A job (overdue meetings, missed milestones, overdue rectifications) computes
what is due *now* as a list of :class:`FlagSpec` and calls :func:`flags_sync`
with its ``kind``. The service opens a flag for every new key, reopens one
that was closed and is due again, closes every open flag of that kind that is
no longer due, and tells the responsible people once per flag. It runs in a
fixed number of queries whatever the number of branches, and is safe to run
twice or on two workers at once: the unique key (kind, branch, subject,
period) claims each flag, and a notice is unique per (recipient, key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.selectors import responsible_users

from .models import Flag, Notice
from .selectors import forget_unread

BATCH = 2000


@dataclass(frozen=True)
class FlagSpec:
    branch_id: int
    subject: str
    period: str
    title: str
    detail: str = ""
    url: str = ""

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.branch_id, self.subject, self.period)


@dataclass(frozen=True)
class SyncResult:
    opened: int
    reopened: int
    closed: int
    open: int


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def flags_sync(
    *,
    kind: str,
    due: Iterable[FlagSpec],
    branches: QuerySet | None = None,
    notify: bool = True,
) -> SyncResult:
    """Make the open flags of ``kind`` (within ``branches``, if given) exactly the ``due`` ones."""
    specs = {spec.key: spec for spec in due}
    now = timezone.now()
    flags = Flag.objects.filter(kind=kind)
    if branches is not None:
        flags = flags.filter(branch__in=branches)
    periods = {spec.period for spec in specs.values()}

    with transaction.atomic():
        open_rows = {
            (b, s, p): pk
            for pk, b, s, p in flags.filter(closed_at__isnull=True).values_list("pk", "branch_id", "subject", "period")
        }
        closed_rows = {
            (b, s, p): pk
            for pk, b, s, p in flags.filter(closed_at__isnull=False, period__in=periods).values_list(
                "pk", "branch_id", "subject", "period"
            )
        }
        to_close = [pk for key, pk in open_rows.items() if key not in specs]
        to_reopen = [pk for key, pk in closed_rows.items() if key in specs]
        new = [spec for key, spec in specs.items() if key not in open_rows and key not in closed_rows]

        closed = sum(
            flags.filter(pk__in=chunk, closed_at__isnull=True).update(closed_at=now) for chunk in _chunks(to_close)
        )
        reopened = sum(
            flags.filter(pk__in=chunk, closed_at__isnull=False).update(closed_at=None, opened_at=now)
            for chunk in _chunks(to_reopen)
        )
        Flag.objects.bulk_create(
            [
                Flag(
                    kind=kind,
                    branch_id=s.branch_id,
                    subject=s.subject,
                    period=s.period,
                    title=s.title[:200],
                    detail=s.detail,
                    url=s.url[:200],
                )
                for s in new
            ],
            batch_size=BATCH,
            ignore_conflicts=True,  # another worker made it first: it is theirs to tell
        )
    if notify and (new or to_reopen):
        # The flags just opened (by this run or a concurrent one), each told once per person.
        told = flags.filter(closed_at__isnull=True, opened_at__gte=now)
        notices_for_flags(told)
    return SyncResult(opened=len(new), reopened=reopened, closed=closed, open=len(specs))


def notices_for_flags(flags: QuerySet[Flag]) -> int:
    """Tell each flag's branch secretary and area head about it, once (keyed by the flag)."""
    flags = list(flags.only("pk", "branch_id", "title", "detail", "url"))
    people = responsible_users({f.branch_id for f in flags})
    notices = [
        Notice(recipient=user, key=f"flag:{flag.pk}", title=flag.title, body=flag.detail, url=flag.url)
        for flag in flags
        for user in people.get(flag.branch_id, [])
    ]
    return notify_many(notices)


def notice_send(*, recipients: Iterable, key: str, title: str, body: str = "", url: str = "") -> int:
    """One message to several people, once per (person, key)."""
    return notify_many(
        [Notice(recipient=user, key=key[:120], title=title[:200], body=body, url=url[:200]) for user in recipients]
    )


def notify_many(notices: list[Notice]) -> int:
    """Store the notices (a (recipient, key) pair already told is skipped) and queue their emails."""
    if not notices:
        return 0
    Notice.objects.bulk_create(notices, batch_size=BATCH, ignore_conflicts=True)
    forget_unread(n.recipient_id for n in notices)
    from .tasks import notices_email_pending

    transaction.on_commit(notices_email_pending.delay)
    return len(notices)


def notices_email_pending(*, limit: int = 500) -> int:
    """Email notices not yet emailed; each is claimed by a conditional update, so two workers send it once."""
    sent = 0
    pending = Notice.objects.filter(emailed_at__isnull=True).select_related("recipient").order_by("pk")[:limit]
    for notice in pending:
        claimed = Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed or not notice.recipient.email:
            continue
        send_mail(
            subject=f"【高桥党建】{notice.title}",
            message=f"{notice.body}\n\n{notice.url}".strip(),
            from_email=None,
            recipient_list=[notice.recipient.email],
            fail_silently=True,
        )
        sent += 1
    return sent


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])  # the post_save signal forgets the cached unread count
    return notice


def notices_mark_all_read(*, user) -> int:
    n = Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    forget_unread([user.pk])
    return n
