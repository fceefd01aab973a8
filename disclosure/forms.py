"""Forms for the staff pages: fixture checks, hand-written register items, the dues table."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput

from .models import Audience, Category, FixtureCheck, validate_period

# 党费 comes from the monthly table (dues pages); every other category may be written by hand.
MANUAL_CATEGORIES = [(value, label) for value, label in Category.choices if value != Category.DUES]
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CANDIDATE_STAGES = [(s, s) for s in ("入党积极分子", "发展对象", "预备党员", "正式党员")]
CANDIDATE_FIELDS = ("candidates", "stage", "objection_from", "objection_to", "contact")


class CheckForm(forms.Form):
    result = forms.ChoiceField(label=_("检查结果"), choices=FixtureCheck.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("需整改时必填：写明问题和整改要求"),
    )
    photo = forms.ImageField(
        label=_("现场照片"),
        required=False,
        help_text=_("可选，JPG 或 PNG，不超过 10 MB；手机上可直接拍照"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == FixtureCheck.Result.NEEDS_FIXING and not (data.get("note") or "").strip():
            self.add_error("note", _("需整改时请写明问题"))
        return data


class OfficePhoneForm(forms.Form):
    office_phone = forms.CharField(
        label=_("支部办公电话"),
        max_length=20,
        required=False,
        help_text=_("公开在公开栏和党员风采墙上，只能填办公座机（如 0574-88123456）；留空则不公开"),
    )


class ItemForm(forms.Form):
    """A hand-written item's working copy: the payload is a summary and a body of paragraphs."""

    branch = forms.ModelChoiceField(label=_("党组织"), queryset=None, empty_label=None)
    category = forms.ChoiceField(label=_("类别"), choices=MANUAL_CATEGORIES)
    period = forms.CharField(
        label=_("期间"),
        max_length=7,
        validators=[validate_period],
        help_text=_("如 2026（全年）、2026-03（月）、2026-Q1（季度）、2026-H1（半年）"),
    )
    audience = forms.ChoiceField(label=_("公开范围"), choices=Audience.choices, initial=Audience.PUBLIC)
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False)
    body = forms.CharField(
        label=_("正文"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("空一行分段。不要填写身份证号、手机号、住址等个人信息"),
    )
    # 发展党员公示 only: what its public template shows (the candidates' names, the stage, the objection period, a contact).
    candidates = forms.CharField(
        label=_("公示对象姓名（发展党员公示填写）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个姓名，只写姓名"),
    )
    stage = forms.ChoiceField(
        label=_("拟确定为（发展党员公示填写）"), required=False, choices=[("", "—"), *CANDIDATE_STAGES]
    )
    objection_from = forms.DateField(label=_("公示开始日期"), required=False, widget=DateInput())
    objection_to = forms.DateField(label=_("公示结束日期"), required=False, widget=DateInput())
    contact = forms.CharField(
        label=_("意见反映联系人及办公电话"),
        required=False,
        max_length=100,
        help_text=_("如：镇党建办 0574-88123456（只能填办公电话）"),
    )

    def __init__(self, *args, branches=None, item=None, fixed_period=False, **kwargs):
        if item is not None:
            kwargs.setdefault(
                "initial",
                {
                    "branch": item.branch_id,
                    "category": item.category,
                    "period": item.period,
                    "audience": item.audience,
                    "title": item.title,
                    "summary": (item.payload or {}).get("summary", ""),
                    "body": (item.payload or {}).get("body", ""),
                    "candidates": "\n".join((item.payload or {}).get("candidates", [])),
                    "stage": (item.payload or {}).get("stage", ""),
                    "objection_from": (item.payload or {}).get("objection_from"),
                    "objection_to": (item.payload or {}).get("objection_to"),
                    "contact": (item.payload or {}).get("contact", ""),
                },
            )
        super().__init__(*args, **kwargs)
        self.item_category = item.category if item is not None else None
        if item is not None and item.category != Category.CANDIDATES:
            for name in CANDIDATE_FIELDS:
                del self.fields[name]
        if item is not None:
            # Branch and category are the item's key; a published item keeps its period too.
            del self.fields["branch"], self.fields["category"]
            if fixed_period:
                del self.fields["period"]
        else:
            self.fields["branch"].queryset = branches

    def _category(self) -> str | None:
        return self.item_category or self.cleaned_data.get("category")

    def clean(self):
        data = super().clean()
        if self._category() == Category.CANDIDATES:
            names = [n.strip() for n in (data.get("candidates") or "").splitlines() if n.strip()]
            if not names:
                self.add_error("candidates", _("请填写公示对象姓名"))
            for name in ("stage", "objection_from", "objection_to", "contact"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("发展党员公示须填写此项"))
            start, end = data.get("objection_from"), data.get("objection_to")
            if start and end and end < start:
                self.add_error("objection_to", _("结束日期不能早于开始日期"))
            data["candidate_names"] = names
        elif not (data.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", _("请填写正文"))
        return data

    def payload(self) -> dict:
        payload = {"body": self.cleaned_data["body"].strip()}
        if self.cleaned_data.get("summary", "").strip():
            payload["summary"] = self.cleaned_data["summary"].strip()
        if self._category() == Category.CANDIDATES:
            payload.update(
                candidates=self.cleaned_data["candidate_names"],
                stage=self.cleaned_data["stage"],
                objection_from=self.cleaned_data["objection_from"].isoformat(),
                objection_to=self.cleaned_data["objection_to"].isoformat(),
                contact=self.cleaned_data["contact"].strip(),
            )
        return payload


class ReviseForm(ItemForm):
    correction_reason = forms.CharField(
        label=_("更正原因"), max_length=200, help_text=_("公开页面将标注“更正”、日期和此原因，原文仍可查看")
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, item=item, fixed_period=True, **kwargs)
        self.fields["correction_reason"].initial = item.correction_reason


class RejectForm(forms.Form):
    review_note = forms.CharField(label=_("退回原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    when = forms.ChoiceField(
        label=_("发布方式"),
        choices=[("now", _("审核通过并立即发布")), ("later", _("审核通过，定时发布"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("定时发布时填写（北京时间）"),
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            at = data.get("publish_at")
            if at is None:
                self.add_error("publish_at", _("定时发布请填写发布时间"))
            elif at <= timezone.now():
                self.add_error("publish_at", _("发布时间应晚于现在"))
            elif at > timezone.now() + dt.timedelta(days=366):
                self.add_error("publish_at", _("发布时间不能超过一年后"))
        else:
            data["publish_at"] = None
        return data


class DuesForm(forms.Form):
    month = forms.CharField(
        label=_("月份"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
        help_text=_("如 2026-03"),
    )
    members_due = forms.IntegerField(label=_("应交人数"), min_value=0, max_value=100000)
    members_paid = forms.IntegerField(label=_("实交人数"), min_value=0, max_value=100000)
    amount_paid = forms.DecimalField(label=_("实交金额（元）"), min_value=Decimal("0"), max_digits=10, decimal_places=2)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        required=False,
        help_text=_("修改已公开的月份时必填，公开页面将标注“更正”"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"].strip()
        if not MONTH_RE.match(month):
            raise ValidationError(_("月份格式应为 2026-03"))
        if month > timezone.localdate().strftime("%Y-%m"):
            raise ValidationError(_("不能填写未来的月份"))
        return month

    def clean(self):
        data = super().clean()
        due, paid = data.get("members_due"), data.get("members_paid")
        if due is not None and paid is not None and paid > due:
            self.add_error("members_paid", _("实交人数不能多于应交人数"))
        return data


class DuesImportForm(forms.Form):
    file = forms.FileField(
        label=_("党费表文件"),
        help_text=_("Excel（.xlsx）或 CSV，第一行为表头：月份、应交人数、实交人数、实交金额、备注（可选）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        required=False,
        help_text=_("文件中有已公开且数字有变化的月份时必填"),
    )
