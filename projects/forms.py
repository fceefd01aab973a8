from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, OfficerPost
from members.models import Member
from portal.forms import ChoicesInOneQuery, DateInput

from .models import KeyTask, Milestone, ProgressReport, Project, ProjectPhoto


class LeadChoiceField(forms.ModelChoiceField):
    iterator = ChoicesInOneQuery

    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.branch.name}）"


def officers_of(branches) -> forms.models.QuerySet:
    """Members holding an officer post now in one of ``branches``: the people who may lead a project."""
    posts = OfficerPost.objects.current(timezone.localdate()).filter(branch__in=branches)
    members = Member.objects.filter(pk__in=posts.values("member_id")).select_related("branch")
    return members.order_by("branch__path", "name_pinyin", "pk")  # by branch, then by name (拼音)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["branch", "lead", "name", "category", "goal", "budget", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "goal": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"lead": LeadChoiceField}

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["branch"]
            branches = Branch.objects.filter(pk=self.instance.branch_id)
        else:
            self.fields["branch"].iterator = ChoicesInOneQuery  # before the queryset, which sets the choices
            self.fields["branch"].queryset = branches
            if branches.count() == 1:
                self.fields["branch"].initial = branches.first()
        self.fields["lead"].queryset = officers_of(branches)
        self.fields["lead"].help_text = _("一般为本组织书记")


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "weight", "planned_on", "done_on", "note"]
        widgets = {"planned_on": DateInput(), "done_on": DateInput()}


class PhotoForm(forms.ModelForm):
    image = forms.ImageField(label=_("照片"), help_text=_("JPEG、PNG 或 WebP，10 MB 以内；位置等拍摄信息会被去除"))

    class Meta:
        model = ProjectPhoto
        fields = ["image", "caption", "milestone"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].iterator = ChoicesInOneQuery  # before the queryset, which sets the choices
        self.fields["milestone"].queryset = project.milestones.all()
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class ReportForm(forms.ModelForm):
    month = MonthField(label=_("月份"))

    class Meta:
        model = ProgressReport
        fields = ["month", "done", "problems", "next_steps"]
        widgets = {
            "done": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }


class DropForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 2}))


MONTH_LABELS = [_("%(m)s月") % {"m": m} for m in range(1, 13)]


class KeyTaskForm(forms.ModelForm):
    class Meta:
        model = KeyTask
        fields = ["branch", "year", "number", "title", "leader", "unit"]

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = towns
        if towns.count() == 1:
            self.fields["branch"].initial = towns.first()
        within = Q(pk__in=[])
        for town in towns:
            within |= Q(path__startswith=town.path)
        self.fields["unit"].queryset = Branch.objects.filter(within, is_active=True).order_by("path")
        initial = {m.month: m.target for m in self.instance.months.all()} if self.instance.pk else {}
        for month in range(1, 13):
            self.fields[f"target_{month}"] = forms.CharField(
                label=MONTH_LABELS[month - 1], required=False, max_length=200, initial=initial.get(month, "")
            )

    def targets(self) -> dict[int, str]:
        return {m: self.cleaned_data.get(f"target_{m}", "") for m in range(1, 13)}


class MonthCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("完成情况"), choices=[("done", _("已完成")), ("late", _("滞后"))], widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("完成佐证"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("完成时必填")
    )
    reason = forms.CharField(
        label=_("滞后原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("滞后时必填")
    )
