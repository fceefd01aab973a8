"""书记领衔 projects (one branch, one lead, weighted milestones) and the town's key tasks (亮任务).

A project's ``status`` and ``percent`` are stored so lists, the API and the
assessment can filter and sum them, but they are never typed in: the services
recompute them from the milestones (and the date, in the daily job).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ENVIRONMENT = "environment", _("环境整治")
    SERVICE = "service", _("为民服务")
    GOVERNANCE = "governance", _("社会治理")
    ECONOMY = "economy", _("经济发展")
    CULTURE = "culture", _("文化建设")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    ON_TRACK = "on_track", _("按期推进")
    BEHIND = "behind", _("滞后")
    DONE = "done", _("已完成")
    DROPPED = "dropped", _("已终止")


class Project(models.Model):
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="secretary_projects", verbose_name=_("党组织")
    )
    lead = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("领衔书记"),
    )
    name = models.CharField(_("项目名称"), max_length=100)
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices)
    goal = models.TextField(_("项目目标"))
    budget = models.DecimalField(
        _("预算（万元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)], default=0
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("计划完成日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    dropped_reason = models.TextField(_("终止原因"), blank=True)
    # Once published, every change goes to the disclosure register as a new version.
    is_public = models.BooleanField(_("在公开栏公开"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("书记领衔项目")
        verbose_name_plural = _("书记领衔项目")
        ordering = ["-starts_on", "branch__path", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="project_dates_in_order"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="project_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["status"], name="project_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def year(self) -> int:
        return self.starts_on.year


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目"))
    title = models.CharField(_("节点"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("权重"),
        default=1,
        validators=[MinValueValidator(1, _("权重至少为 1")), MaxValueValidator(100, _("权重不能超过 100"))],
        help_text=_("各节点按权重合计完成进度"),
    )
    planned_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, on: dt.date) -> bool:
        return self.done_on is None and self.planned_on < on


def _photo_path(instance, filename: str) -> str:
    import uuid

    # A random name: the file says nothing about who took it or where. Hex in groups of 8, so no run
    # of digits in a public URL can look like a phone or ID number to the register's checks.
    token = uuid.uuid4().hex
    return f"projects/{instance.created_on:%Y/%m}/{'-'.join(token[i : i + 8] for i in range(0, 32, 8))}.jpg"


class ProjectPhoto(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos", verbose_name=_("项目"))
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos", verbose_name=_("节点")
    )
    image = models.ImageField(_("照片"), upload_to=_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    created_on = models.DateField(_("上传日期"), default=timezone.localdate)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["-created_on", "-pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ProgressReport(models.Model):
    """The monthly report a secretary writes on their phone: what was done, problems, next steps."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("项目"))
    month = models.DateField(_("月份"), help_text=_("该月的第一天"))
    done = models.TextField(_("本月完成"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["-month", "-pk"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="report_one_per_month")]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class KeyTask(models.Model):
    """One of the town's yearly key tasks (重点任务), with a target for each month ("任务到月、挂图作战")."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="key_tasks", verbose_name=_("镇党委")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1)])
    title = models.CharField(_("任务"), max_length=120)
    leader = models.CharField(_("责任领导"), max_length=60)
    unit = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="responsible_key_tasks", verbose_name=_("责任单位")
    )

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "number"], name="key_task_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.number} {self.title}"


class KeyTaskMonth(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("未报")
        DONE = "done", _("已完成")
        LATE = "late", _("滞后")

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="months", verbose_name=_("重点任务"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    target = models.CharField(_("月度目标"), max_length=200)
    state = models.CharField(_("完成情况"), max_length=10, choices=State.choices, default=State.PENDING)
    evidence = models.TextField(_("完成佐证"), blank=True)
    reason = models.TextField(_("滞后原因"), blank=True)
    checked_on = models.DateField(_("报送日期"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("月度目标")
        verbose_name_plural = _("月度目标")
        ordering = ["task", "month"]
        constraints = [models.UniqueConstraint(fields=["task", "month"], name="key_task_month_unique")]

    def __str__(self) -> str:
        return f"{self.task} {self.month}月"

    @property
    def due_on(self) -> dt.date:
        """The last day of the month: a target not done by then is late."""
        year = self.task.year
        return dt.date(year, self.month, calendar.monthrange(year, self.month)[1])

    def cell(self, on: dt.date) -> str:
        """The wall chart's colour: done, late (marked, or past its month), pending."""
        if self.state == self.State.DONE:
            return "done"
        if self.state == self.State.LATE or self.due_on < on:
            return "late"
        return "pending"
