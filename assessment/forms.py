from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, named_choices

from .models import Appraisal, PointEntry
from .periods import QUARTER_PATTERN

FINDING_SLOTS = 3


class InspectionForm(forms.Form):
    """One unit, one month: a score per standard item and up to three findings with a photo each."""

    branch = forms.ModelChoiceField(queryset=None, label=_("被检查单位"), empty_label=_("请选择单位"))
    month = forms.DateField(
        label=_("检查月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("请选择月份")},
    )
    inspected_on = forms.DateField(label=_("检查日期"), widget=DateInput())
    note = forms.CharField(label=_("总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.items = list(standard.items.all())
        named_choices(self.fields["branch"], units)
        today = timezone.localdate()
        self.fields["month"].initial = today.strftime("%Y-%m")
        self.fields["inspected_on"].initial = today
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.code} {item.title}（{item.points:g}分）",
                min_value=0,
                max_value=item.points,
                decimal_places=1,
                help_text=item.method,
                initial=item.points,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        choices = [("", _("不对应具体条目"))] + [(i.pk, f"{i.code} {i.title}") for i in self.items]
        for n in range(1, FINDING_SLOTS + 1):
            self.fields[f"finding_{n}"] = forms.CharField(
                label=_("发现的问题 %(n)s") % {"n": n}, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"finding_{n}_item"] = forms.TypedChoiceField(
                label=_("对应条目"),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
            )
            self.fields[f"finding_{n}_deadline"] = forms.DateField(
                label=_("整改期限"),
                required=False,
                widget=DateInput(),
                help_text=_("不填则为检查日起15天"),
            )
            self.fields[f"finding_{n}_photo"] = forms.ImageField(
                label=_("现场照片"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )

    def unit_and_date_fields(self):
        return [self["branch"], self["month"], self["inspected_on"]]

    def score_fields(self):
        return [self[f"item_{i.pk}"] for i in self.items]

    def finding_slots(self):
        return [
            [self[f"finding_{n}"], self[f"finding_{n}_item"], self[f"finding_{n}_deadline"], self[f"finding_{n}_photo"]]
            for n in range(1, FINDING_SLOTS + 1)
        ]

    def clean_inspected_on(self):
        value = self.cleaned_data["inspected_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("检查日期不能晚于今天"))
        return value

    def findings(self):
        from .services import FindingInput

        found = []
        for n in range(1, FINDING_SLOTS + 1):
            text = (self.cleaned_data.get(f"finding_{n}") or "").strip()
            if text:
                found.append(
                    FindingInput(
                        text=text,
                        item_id=self.cleaned_data.get(f"finding_{n}_item"),
                        photo=self.cleaned_data.get(f"finding_{n}_photo"),
                        deadline=self.cleaned_data.get(f"finding_{n}_deadline"),
                    )
                )
        return found

    def scores(self):
        return {i.pk: self.cleaned_data[f"item_{i.pk}"] for i in self.items}


class RectificationActForm(forms.Form):
    ACTIONS = ("explain", "fix", "verify", "reopen")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    cause = forms.CharField(label=_("问题原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("整改完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("新的整改期限"), required=False, widget=DateInput())


class PointEntryForm(forms.ModelForm):
    class Meta:
        model = PointEntry
        fields = ["member", "kind", "points", "reason", "on"]
        widgets = {
            "on": DateInput(),
            "points": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label = _("党员")
        self.fields["kind"].choices = [c for c in PointEntry.Kind.choices if c[0] != PointEntry.Kind.ATTENDANCE]
        self.fields["on"].initial = timezone.localdate()


class ExternalScoreForm(forms.Form):
    quarter = forms.CharField(label=_("季度"), max_length=6)
    branch = forms.ModelChoiceField(queryset=None, label=_("单位"))
    departments = forms.DecimalField(label=_("条线部门评分"), min_value=0, max_value=100, decimal_places=1)
    appraisal = forms.DecimalField(label=_("党员群众评议"), min_value=0, max_value=100, decimal_places=1)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = units

    def clean_quarter(self):
        value = self.cleaned_data["quarter"].strip().upper()
        if not QUARTER_PATTERN.match(value):
            raise forms.ValidationError(_("季度的格式是 2026Q3"))
        return value


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(label=_("自我评价"), widget=forms.Textarea(attrs={"rows": 6}), max_length=2000)


class GradeForm(forms.Form):
    member = forms.ModelChoiceField(queryset=None, label=_("党员"))
    grade = forms.ChoiceField(label=_("评定等次"), choices=Appraisal.Grade.choices)
    votes_excellent = forms.IntegerField(label=_("互评“优秀”票"), min_value=0, initial=0)
    votes_qualified = forms.IntegerField(label=_("互评“合格”票"), min_value=0, initial=0)
    votes_basic = forms.IntegerField(label=_("互评“基本合格”票"), min_value=0, initial=0)
    votes_unqualified = forms.IntegerField(label=_("互评“不合格”票"), min_value=0, initial=0)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        # A choice shows the member's name; nothing else is loaded for the list (the grading service
        # reads the chosen member's branch through its id).
        named_choices(self.fields["member"], members.select_related(None).only("name", "branch"))

    def votes(self):
        return {k: self.cleaned_data[f"votes_{k}"] for k in ("excellent", "qualified", "basic", "unqualified")}


class CatchUpForm(forms.Form):
    plan = forms.CharField(label=_("赶超措施"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(label=_("跟踪情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("已完成赶超"), required=False)
