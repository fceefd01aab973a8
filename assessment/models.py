"""Assessment: standards, monthly inspections, rectification, quarterly scores, points, appraisal, briefings.

Rules the town may change are rows (standards and their items, score weights,
star bands), seeded by data migrations and edited in admin. Everything keyed
by (unit, period) carries a unique constraint, so a job that runs twice or on
two workers changes nothing the second time.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .periods import QUARTER_RE


class Standard(models.Model):
    """规范化建设督查标准: one version per year."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    title = models.CharField(_("标题"), max_length=100)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("督查标准")
        verbose_name_plural = _("督查标准")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def total_points(self):
        return sum(item.points for item in self.items.all())


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items", verbose_name=_("标准"))
    area_of_work = models.CharField(_("工作板块"), max_length=40)
    code = models.CharField(_("编号"), max_length=10)
    title = models.CharField(_("督查内容"), max_length=200)
    points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100)]
    )
    method = models.TextField(_("评分方法"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("督查标准条目")
        verbose_name_plural = _("督查标准条目")
        ordering = ["standard", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="standard_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Inspection(models.Model):
    """One month's inspection of one unit against the year's standard."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("被检查单位")
    )
    month = models.DateField(_("检查月份"), help_text=_("当月第一天"))
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+", verbose_name=_("标准"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人")
    )
    inspected_on = models.DateField(_("检查日期"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, default=0)
    full_marks = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=0)
    note = models.TextField(_("总体评价"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度督查")
        verbose_name_plural = _("月度督查")
        ordering = ["-month", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["branch", "month"], name="inspection_one_per_month")]

    def __str__(self) -> str:
        return f"{self.branch} {self.month:%Y-%m}"

    @property
    def percent(self) -> float:
        return float(self.score) * 100 / float(self.full_marks) if self.full_marks else 0.0


class InspectionScore(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(StandardItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("条目"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("条目得分")
        verbose_name_plural = _("条目得分")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_score_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class Rectification(models.Model):
    """整改: a finding (from an inspection or a board fixture) the responsible unit must put right."""

    class Status(models.TextChoices):
        OPEN = "open", _("待说明")
        EXPLAINED = "explained", _("整改中")
        FIXED = "fixed", _("待验收")
        VERIFIED = "verified", _("已销号")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("月度督查")
        FIXTURE = "fixture", _("公开栏设施")
        OTHER = "other", _("其他")

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("责任单位")
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="findings", verbose_name=_("来源督查")
    )
    item = models.ForeignKey(
        StandardItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("对应条目")
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.INSPECTION)
    source_key = models.CharField(_("来源键"), max_length=80, blank=True, help_text=_("同一来源只开一次整改"))
    finding = models.TextField(_("发现的问题"))
    photo = models.ImageField(_("现场照片"), upload_to="assessment/findings/%Y/%m/", blank=True)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    cause = models.TextField(_("问题原因"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    result = models.TextField(_("整改结果"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    opened_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    fixed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("退回次数"), default=0)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["status", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"], condition=~Q(source_key=""), name="rectification_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.finding[:30]}"


class RectificationEvent(models.Model):
    """The item's history: who moved it where, and what they said."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    to_status = models.CharField(_("状态"), max_length=20, choices=Rectification.Status.choices)
    action = models.CharField(_("操作"), max_length=20)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


class ScoreWeight(models.Model):
    """How much each part counts in a quarter's total (权重), as data."""

    class Part(models.TextChoices):
        COMPLIANCE = "compliance", _("组织生活合规")
        INSPECTION = "inspection", _("月度督查")
        PROJECTS = "projects", _("书记项目进度")
        RECTIFICATION = "rectification", _("整改落实")
        DEPARTMENTS = "departments", _("条线部门评分")
        APPRAISAL = "appraisal", _("党员群众评议")

    part = models.CharField(_("考核内容"), max_length=20, choices=Part.choices, unique=True)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["part"]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.weight}%"


class StarBand(models.Model):
    """A total at or above ``min_total`` earns ``stars``; a unit moves one star a quarter toward it."""

    stars = models.PositiveSmallIntegerField(
        _("星级"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    min_total = models.DecimalField(_("最低总分"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("星级档次")
        verbose_name_plural = _("星级档次")
        ordering = ["-stars"]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_total}"


class ExternalScore(models.Model):
    """Scores the town office enters: the line departments' and the members'/villagers' appraisal (0–100)."""

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    quarter = models.CharField(_("季度"), max_length=6, validators=[QUARTER_RE])
    departments = models.DecimalField(
        _("条线部门评分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    appraisal = models.DecimalField(
        _("党员群众评议"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("条线及评议得分")
        verbose_name_plural = _("条线及评议得分")
        constraints = [models.UniqueConstraint(fields=["branch", "quarter"], name="external_score_once")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.quarter}"


class QuarterScore(models.Model):
    """One unit's quarter: each part (0–100), the weighted total, rank and stars. Locked once published."""

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="quarter_scores", verbose_name=_("单位")
    )
    quarter = models.CharField(_("季度"), max_length=6, validators=[QUARTER_RE], db_index=True)
    parts = models.JSONField(_("分项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    rank = models.PositiveIntegerField(_("排名"))
    stars = models.PositiveSmallIntegerField(_("星级"))
    previous_stars = models.PositiveSmallIntegerField(_("上季度星级"), null=True, blank=True)
    locked = models.BooleanField(_("已锁定"), default=False)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("季度考核")
        verbose_name_plural = _("季度考核")
        ordering = ["quarter", "rank"]
        constraints = [models.UniqueConstraint(fields=["branch", "quarter"], name="quarter_score_once")]

    def __str__(self) -> str:
        return f"{self.branch} {self.quarter} {self.total}"

    @property
    def movement(self) -> int:
        return self.stars - self.previous_stars if self.previous_stars else 0


class CatchUpPlan(models.Model):
    """赶超计划: the unit at the bottom of a quarter says how it will catch up; the town follows it up."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("待制定")
        ACTIVE = "active", _("推进中")
        DONE = "done", _("已完成")

    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    quarter = models.CharField(_("季度"), max_length=6, validators=[QUARTER_RE])
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.AWAITING)
    plan = models.TextField(_("赶超措施"), blank=True)
    follow_up = models.TextField(_("跟踪情况"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("赶超计划")
        verbose_name_plural = _("赶超计划")
        ordering = ["-quarter", "branch__path"]
        constraints = [models.UniqueConstraint(fields=["branch", "quarter"], name="catch_up_once")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.quarter} 赶超计划"


class PointEntry(models.Model):
    """锋领指数: one line of a member's points ledger."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("参加组织生活")
        SERVICE = "service", _("志愿服务")
        PIONEER = "pioneer", _("先锋作用")
        DEDUCTION = "deduction", _("扣分")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="point_entries")
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("支部"))
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    points = models.IntegerField(_("分值"), validators=[MinValueValidator(-20), MaxValueValidator(20)])
    reason = models.CharField(_("事由"), max_length=200)
    source_key = models.CharField(max_length=80, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("锋领指数记录")
        verbose_name_plural = _("锋领指数记录")
        ordering = ["-on", "-pk"]
        # Lists show the newest first, 50 a page: read off this index instead of sorting a whole town's ledger.
        indexes = [models.Index(fields=["-on", "-id"], name="point_entry_newest_first")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_key"], condition=~Q(source_key=""), name="point_entry_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.points:+d}"


class Appraisal(models.Model):
    """民主评议党员: one member, one year — self-assessment, the mutual appraisal tally, the branch's grade."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="appraisals")
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("支部"))
    year = models.PositiveIntegerField(_("年度"))
    self_assessment = models.TextField(_("自我评价"), blank=True)
    votes_excellent = models.PositiveIntegerField(_("互评“优秀”票"), default=0)
    votes_qualified = models.PositiveIntegerField(_("互评“合格”票"), default=0)
    votes_basic = models.PositiveIntegerField(_("互评“基本合格”票"), default=0)
    votes_unqualified = models.PositiveIntegerField(_("互评“不合格”票"), default=0)
    grade = models.CharField(_("支部评定等次"), max_length=20, choices=Grade.choices, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-year", "branch", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="appraisal_once_a_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class Briefing(models.Model):
    """季通报: one per (organisation, quarter). Recompiling replaces the draft; a published one never changes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        COMPILING = "compiling", _("编制中")
        READY = "ready", _("草稿已生成")
        FAILED = "failed", _("失败")
        PUBLISHED = "published", _("已发布")

    organisation = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("编制单位")
    )
    quarter = models.CharField(_("季度"), max_length=6, validators=[QUARTER_RE])
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=60, blank=True)
    token = models.CharField(max_length=40, blank=True, help_text=_("正在编制的任务"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    folder = models.CharField(_("文件目录"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    compiled_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("季度通报")
        verbose_name_plural = _("季度通报")
        ordering = ["-quarter"]
        constraints = [models.UniqueConstraint(fields=["organisation", "quarter"], name="briefing_once_a_quarter")]

    def __str__(self) -> str:
        return f"{self.quarter} 党建工作季度通报"
