"""三会一课: meeting types, the rules that say how often (data, per town policy), meetings and attendance."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from branches.models import Branch

from . import periods


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Photos and attachments of meetings are private to the branch: kept outside
    MEDIA_ROOT (which the web server publishes) and served by a scoped view.
    The folder is read from settings on every use, so tests can move it."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()


class MeetingType(models.Model):
    """主题党日, 支委会, 党小组会, 党员大会, 党课 …: what a sitting counts as."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    has_lecturer = models.BooleanField(_("需记录授课人"), default=False)
    for_party_group = models.BooleanField(_("按党小组召开"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("会议类型")
        verbose_name_plural = _("会议类型")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class MeetingRuleQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> MeetingRuleQuerySet:
        return self.filter(valid_from__lte=on).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class MeetingRule(models.Model):
    """How many meetings of a type a kind of branch must hold per period, from one date until another.

    A period is judged by the rule in force on its first day, so changing a
    rule mid-year (end the old one, start a new one) leaves the earlier
    periods judged as they were.
    """

    class PeriodKind(models.TextChoices):
        MONTH = periods.MONTH, _("每月")
        QUARTER = periods.QUARTER, _("每季度")
        HALF = periods.HALF, _("每半年")
        YEAR = periods.YEAR, _("每年")

    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("会议类型")
    )
    kinds = models.JSONField(
        _("适用组织类别"), default=list, blank=True, help_text=_('留空表示所有类别，例如 ["branch"]')
    )
    units = models.JSONField(
        _("适用单位类型"), default=list, blank=True, help_text=_('留空表示所有单位，例如 ["village", "community"]')
    )
    per_party_group = models.BooleanField(_("每个党小组分别计算"), default=False)
    period = models.CharField(_("周期"), max_length=10, choices=PeriodKind.choices)
    count = models.PositiveSmallIntegerField(_("每周期次数"), default=1)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = MeetingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议制度")
        verbose_name_plural = _("会议制度")
        ordering = ["meeting_type__order", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="meeting_rule_valid_order",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="meeting_rule_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_type.name} {self.get_period_display()}{self.count}次"

    def clean(self) -> None:
        errors = {}
        for name, choices in (("kinds", Branch.Kind.values), ("units", Branch.Unit.values)):
            value = getattr(self, name)
            if not isinstance(value, list) or any(v not in choices for v in value):
                errors[name] = _("须为列表，可选值：%(values)s") % {"values": ", ".join(choices)}
        if self.per_party_group and self.meeting_type_id and not self.meeting_type.for_party_group:
            errors["per_party_group"] = _("只有党小组会可以按党小组分别计算")
        if errors:
            raise ValidationError(errors)

    def applies_to(self, branch_kind: str, branch_unit: str) -> bool:
        return (not self.kinds or branch_kind in self.kinds) and (not self.units or branch_unit in self.units)

    def judges(self, period: periods.Period) -> bool:
        """Whether this rule judges ``period`` (it is in force on the period's first day)."""
        return self.valid_from <= period.start and (self.valid_until is None or period.start <= self.valid_until)

    @property
    def subject(self) -> str:
        return f"rule:{self.pk}"


class Meeting(models.Model):
    """One sitting; it may count for several types (a 主题党日 held with the quarter's 党员大会)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        CONFIRMED = "confirmed", _("已确认")

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("党组织"))
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("党小组"),
    )
    types = models.ManyToManyField(MeetingType, related_name="meetings", verbose_name=_("会议类型"))
    held_on = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100)
    topic = models.CharField(_("主题"), max_length=200)
    host = models.CharField(_("主持人"), max_length=50)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    lecturer = models.CharField(_("授课人"), max_length=50, blank=True)
    guests = models.TextField(_("列席人员"), blank=True, help_text=_("每行一人"))
    minutes = models.TextField(_("会议记录"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    expected_count = models.PositiveIntegerField(_("应到"), default=0)
    present_count = models.PositiveIntegerField(_("实到"), default=0)
    leave_count = models.PositiveIntegerField(_("请假"), default=0)
    absent_count = models.PositiveIntegerField(_("缺席"), default=0)
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人账号"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "held_on"]), models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @cached_property
    def type_names(self) -> str:
        return "、".join(t.name for t in self.types.all())

    def is_locked(self, today: dt.date) -> bool:
        """After 30 days the record is fixed; only town admins may amend it."""
        return (today - self.held_on).days > settings.MEETINGS_LOCK_DAYS


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        LEAVE = "leave", _("请假")
        ABSENT = "absent", _("缺席")

    class Reason(models.TextChoices):
        SICK = "sick", _("病假")
        PERSONAL = "personal", _("事假")
        OFFICIAL = "official", _("因公")
        FLOATING = "floating", _("流动在外")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议"))
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="meeting_attendance", verbose_name=_("党员")
    )
    status = models.CharField(_("出勤"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    reason = models.CharField(_("请假原因"), max_length=10, choices=Reason.choices, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(status="leave", reason__gt="") | (~Q(status="leave") & Q(reason="")),
                name="attendance_leave_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "meeting"]),
            # A branch calendar counts each member's absences (absent_streaks): off this index alone,
            # not every mark of theirs (2.5 → 0.3 ms for a branch of 80 at 40 towns).
            models.Index(fields=["member"], condition=Q(status="absent"), name="attendance_absences"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_status_display()}"


class MinutesRevision(models.Model):
    """The earlier text of minutes amended after the record was locked."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("会议"))
    minutes = models.TextField(_("原会议记录"))
    reason = models.CharField(_("修改原因"), max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("修改人")
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议记录修改")
        verbose_name_plural = _("会议记录修改")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.changed_at:%Y-%m-%d}"


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos", verbose_name=_("会议"))
    image = models.ImageField(_("照片"), upload_to="meetings/photos/%Y/%m/", storage=private_storage)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(_("已公开"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("会议"))
    file = models.FileField(_("附件"), upload_to="meetings/files/%Y/%m/", storage=private_storage)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """A resolution of a meeting: the conversion of a probationary member (转正) or another decision."""

    class Kind(models.TextChoices):
        CONVERSION = "conversion", _("预备党员转正")
        OTHER = "other", _("其他决议")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("会议"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("党员"),
    )
    text = models.CharField(_("决议内容"), max_length=300)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议决议")
        verbose_name_plural = _("会议决议")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(kind="conversion"), name="decision_one_conversion_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(kind="conversion") | Q(member__isnull=False), name="decision_conversion_names_member"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class PlanItem(models.Model):
    """One month of a branch's yearly 主题党日 plan."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="meeting_plan", verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=200)

    class Meta:
        verbose_name = _("主题党日计划")
        verbose_name_plural = _("主题党日计划")
        ordering = ["branch", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "month"], name="plan_item_one_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_item_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.topic}"
