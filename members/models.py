from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, PartyGroup
from portal.history import history
from portal.storage import private_storage, random_name

from .names import name_keys
from .pii import InvalidIdNumber, normalize_id_number, parse_id_number

# A probationary member is due for conversion one year after joining.
PROBATION_DAYS = 365


def validate_id_number(value: str) -> None:
    try:
        parse_id_number(value)
    except InvalidIdNumber as exc:
        raise ValidationError(str(exc), code="invalid_id_number") from None


class MemberQuerySet(models.QuerySet):
    def due_for_conversion(self, on: dt.date | None = None) -> MemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            category=Member.Category.PROBATIONARY, joined_on__lte=on - dt.timedelta(days=PROBATION_DAYS)
        )

    def in_subtree(self, branch: Branch) -> MemberQuerySet:
        return self.filter(branch__path__startswith=branch.path)

    def counted(self) -> MemberQuerySet:
        """The members 党员人数 counts: see :data:`COUNTED`."""
        return self.filter(COUNTED)

    def by_pinyin(self) -> MemberQuerySet:
        return self.order_by("name_pinyin", "name", "id")


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Category(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")

    class Standing(models.TextChoices):
        NORMAL = "normal", _("正常")
        SUSPENDED = "suspended", _("停止党籍")
        RESTORED = "restored", _("恢复党籍")
        STOPPED = "stopped", _("出党")
        EXPELLED = "expelled", _("开除党籍")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("小学")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中")
        SECONDARY_VOCATIONAL = "secondary_vocational", _("中专")
        JUNIOR_COLLEGE = "junior_college", _("大专")
        BACHELOR = "bachelor", _("大学本科")
        POSTGRADUATE = "postgraduate", _("研究生")

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    # Kept from the name on every save (members.names): search and order in SQL.
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=50, blank=True, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True, validators=[validate_id_number])
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=30, choices=Education.choices, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices, default=Category.FULL)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在党支部"))
    party_group = models.ForeignKey(
        PartyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("党小组"),
    )
    joined_on = models.DateField(_("入党日期"))
    full_member_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    # The members' meeting (支部党员大会) that decided the conversion. A date for
    # now; a link to the recorded meeting can sit beside it later.
    conversion_meeting_on = models.DateField(_("讨论转正的党员大会日期"), null=True, blank=True)
    job = models.CharField(_("工作岗位"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    standing = models.CharField(_("党籍状态"), max_length=20, choices=Standing.choices, default=Standing.NORMAL)
    standing_since = models.DateField(_("党籍状态变更日期"), null=True, blank=True)
    is_floating = models.BooleanField(_("流动党员"), default=False)
    floating_to = models.CharField(_("流入地"), max_length=100, blank=True)
    is_lost_contact = models.BooleanField(_("失联党员"), default=False)
    lost_contact_since = models.DateField(_("失联日期"), null=True, blank=True)
    # Set when the member's 组织关系 leaves the town (转出): kept as a record, no longer counted.
    transferred_out_on = models.DateField(_("转出日期"), null=True, blank=True)
    photo = models.ImageField(_("照片"), upload_to="members/photos/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = history(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch_id", "name", "id"]
        indexes = [
            models.Index(fields=["branch", "name"]),
            models.Index(fields=["branch", "name_pinyin"]),
            # The roster's order over many branches (a town's page, the API list): the first 50 in
            # pinyin order without sorting a whole town (2.3 ms → 0.3 ms on the demo town).
            models.Index(fields=["name_pinyin", "name", "id"], name="member_pinyin_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=models.F("joined_on")),
                name="member_full_not_before_joining",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name" in update_fields:
            self.set_name_keys()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def set_name_keys(self) -> None:
        self.name_pinyin, self.name_initials = name_keys(self.name)

    def clean_fields(self, exclude=None) -> None:
        # Birth date and gender may be left out: the ID number holds both.
        self.id_number = normalize_id_number(self.id_number)
        try:
            birth, gender = parse_id_number(self.id_number)
        except InvalidIdNumber:
            pass  # reported by the field's validator
        else:
            self.birth_date = self.birth_date or birth
            self.gender = self.gender or gender
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            birth, gender = parse_id_number(self.id_number)
        except InvalidIdNumber:
            pass  # the field's validator reports it
        else:
            if self.birth_date != birth:
                errors["birth_date"] = _("出生日期与公民身份号码不一致")
            if self.gender != gender:
                errors["gender"] = _("性别与公民身份号码不一致")
        if self.joined_on and self.birth_date and self.joined_on < self.birth_date:
            errors["joined_on"] = _("入党日期不能早于出生日期")
        # A bulk import sets _clean_today once instead of asking the time zone 100,000 times.
        today = self.__dict__.get("_clean_today") or timezone.localdate()
        if self.joined_on and self.joined_on > today:
            errors["joined_on"] = _("入党日期不能晚于今天")
        if self.full_member_on and self.full_member_on > today:
            errors["full_member_on"] = _("转为正式党员日期不能晚于今天")
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = _("转为正式党员日期不能早于入党日期")
        if self.category == self.Category.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = _("预备党员不应有转正日期")
        # Read from __dict__: the roster import checks a bare instance that has no such attribute.
        meeting_on = self.__dict__.get("conversion_meeting_on")
        if meeting_on:
            if self.joined_on and meeting_on < self.joined_on:
                errors["conversion_meeting_on"] = _("党员大会日期不能早于入党日期")
            elif meeting_on > today:
                errors["conversion_meeting_on"] = _("党员大会日期不能晚于今天")
        if self.party_group_id and self.branch_id and self.party_group.branch_id != self.branch_id:
            errors["party_group"] = _("党小组不属于该党支部")
        if errors:
            raise ValidationError(errors)

    @property
    def is_due_for_conversion(self) -> bool:
        return (
            self.category == self.Category.PROBATIONARY
            and self.joined_on <= timezone.localdate() - dt.timedelta(days=PROBATION_DAYS)
        )


# Standings of people no longer in the party: left out of member counts.
LEFT_PARTY_STANDINGS = (Member.Standing.STOPPED, Member.Standing.EXPELLED)

# 党员人数, defined once: full and probationary members still in the party (not
# stopped or expelled) whose 组织关系 is still here (not transferred out of the town).
# Suspended members, floating members and members out of contact still count.
def counted_q(via: str = "") -> Q:
    """党员人数 as a filter, for members reached through ``via`` (e.g. ``"members__"`` from a party group)."""
    return ~Q(**{f"{via}standing__in": LEFT_PARTY_STANDINGS}) & Q(**{f"{via}transferred_out_on__isnull": True})


COUNTED = counted_q()
COUNTED_LABEL = _("党员人数：正式党员和预备党员，不含已出党、被开除党籍和已转出本镇的")


class MemberTransfer(models.Model):
    """A move of a member's 组织关系: every change of branch, kept for good.

    Within the town a transfer waits (pending) until the receiving branch's
    secretary or a town admin accepts it; the member moves on acceptance.
    Leaving the town is a 转出 with the destination written out.
    """

    class Kind(models.TextChoices):
        WITHIN = "within", _("镇内转接")
        OUT = "out", _("转出本镇")

    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已完成")
        REJECTED = "rejected", _("已退回")
        CANCELLED = "cancelled", _("已撤回")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("党员"))
    kind = models.CharField(_("转接类型"), max_length=10, choices=Kind.choices, default=Kind.WITHIN)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    from_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("转出组织")
    )
    to_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转入组织")
    )
    destination = models.CharField(_("转往组织（镇外）"), max_length=200, blank=True)
    requested_on = models.DateField(_("申请日期"), null=True, blank=True)
    transferred_on = models.DateField(_("转接日期"), null=True, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("经办人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("接收人")
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["member", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="member_transfer_one_pending"
            ),
            models.CheckConstraint(
                condition=(Q(kind="within") & Q(to_branch__isnull=False))
                | (Q(kind="out") & Q(to_branch__isnull=True) & ~Q(destination="")),
                name="member_transfer_has_destination",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(transferred_on__isnull=False),
                name="member_transfer_accepted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.from_branch.name} → {self.destination_name}"

    @property
    def destination_name(self) -> str:
        return self.to_branch.name if self.to_branch_id else self.destination


def roster_upload_to(instance, filename: str) -> str:
    return random_name("roster_imports", filename)


def roster_report_to(instance, filename: str) -> str:
    return random_name("roster_imports/reports", filename)


class RosterImport(models.Model):
    """One roster import: the job a page polls, and the record of who imported what.

    A page upload is checked first (a dry run), then confirmed; the command and the
    admin record their runs here too. The uploaded file is removed once the job ends.
    """

    class Source(models.TextChoices):
        PAGE = "page", _("名册导入页面")
        ADMIN = "admin", _("管理后台")
        COMMAND = "command", _("命令行")

    class Status(models.TextChoices):
        PENDING = "pending", _("等待预检")
        CHECKING = "checking", _("正在预检")
        CHECKED = "checked", _("预检通过，待确认")
        QUEUED = "queued", _("等待导入")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("导入完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("文件无法导入")
        EXPIRED = "expired", _("已过期，未导入")

    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.PAGE)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("导入人")
    )
    # Private (see portal.storage): the uploader's page hands them out, never a URL.
    file = models.FileField(_("上传文件"), upload_to=roster_upload_to, storage=private_storage, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    dry_run = models.BooleanField(_("仅预检"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("结果说明"), blank=True)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    # Who will be added or changed (name, masked ID number, branch, changed columns), for the preview.
    preview = models.JSONField(_("预览"), default=list, blank=True)
    error_report = models.FileField(
        _("错误报告"), upload_to=roster_report_to, storage=private_storage, blank=True
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # A running job proves it is alive: its worker bumps the heartbeat every few seconds.
    # A job whose heartbeat is stale is taken back and rerun (the import is all-or-nothing)
    # or, after too many attempts, marked failed (members.roster.recovery).
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    runner = models.CharField(_("处理进程"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)

    class Meta:
        verbose_name = _("名册导入记录")
        verbose_name_plural = _("名册导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.CHECKING, self.Status.QUEUED, self.Status.IMPORTING}

    @property
    def is_waiting_for_queue(self) -> bool:
        """An upload whose check could not be queued (the broker was down): it can be retried."""
        return self.status == self.Status.PENDING and self.queued_at is None


class RosterExport(models.Model):
    """The record of one roster export: who took which members out, and whether unmasked."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    exported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("导出人")
    )
    source = models.CharField(_("来源"), max_length=10, choices=RosterImport.Source.choices, default="page")
    file_name = models.CharField(_("文件名"), max_length=255)
    file_format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("党组织")
    )
    row_count = models.PositiveIntegerField(_("导出人数"), default=0)
    unmasked_count = models.PositiveIntegerField(_("未遮蔽人数"), default=0)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("名册导出记录")
        verbose_name_plural = _("名册导出记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
