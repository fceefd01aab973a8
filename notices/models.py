from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Flag(models.Model):
    """Something late in a branch: an overdue meeting, a missed milestone, an overdue rectification.

    One row per (kind, branch, subject, period), ever: a daily job opens it
    when the thing falls due and closes it when it is done, so running the job
    twice, or on two workers at once, changes nothing (the unique constraint
    claims the row). ``subject`` names what is late inside the kind (a rule, a
    milestone); ``period`` the period it belongs to ("2026-11", "2026Q3", …).
    """

    kind = models.CharField(_("类别"), max_length=40, db_index=True)
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="flags", verbose_name=_("党组织")
    )
    subject = models.CharField(_("事项"), max_length=80)
    period = models.CharField(_("期间"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("逾期提醒")
        verbose_name_plural = _("逾期提醒")
        ordering = ["-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "branch", "subject", "period"], name="flag_one_per_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Notice(models.Model):
    """A message in a user's notice list (and their mailbox, if they have an email address).

    ``key`` makes sending idempotent: one notice per (recipient, key), so a
    job that runs twice tells nobody twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("接收人")
    )
    key = models.CharField(_("去重键"), max_length=120)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.title
