from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, PartyGroup
from portal.forms import ChoicesInOneQuery, DateInput

from .models import Attendance, Meeting, MeetingType
from .services import Mark

# What a tap on a member's row can say: present, on leave for a reason, or absent.
MARK_CHOICES = [
    ("present", _("出席")),
    *[(f"leave:{value}", _("请假·%(reason)s") % {"reason": label}) for value, label in Attendance.Reason.choices],
    ("absent", _("缺席")),
]


class MarkOptions:
    """The ``<option>`` list of a roster row's mark select, built once per selected value and reused.

    Every row offers the same seven marks and only the selected one differs, so the page joins a
    handful of strings instead of rendering seven options for every member through the template
    (a roster of 80 was 560 option renders, about a quarter of the form's time). One instance per
    response: the labels are translated in the language active while it is used.
    """

    def __init__(self) -> None:
        self._html: dict[str, SafeString] = {}

    def __call__(self, selected: str) -> SafeString:
        """The options with ``selected`` selected (none is, for a value that is not a mark: a bad post)."""
        html = self._html.get(selected)
        if html is None:
            html = self._html[selected] = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((value, mark_safe(" selected") if value == selected else "", label) for value, label in MARK_CHOICES),
            )
        return html


class MeetingForm(forms.Form):
    types = forms.ModelMultipleChoiceField(
        label=_("会议类型（可多选，一次会议可同时计入多种）"),
        queryset=MeetingType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        error_messages={"required": _("请至少选择一种会议类型")},
    )
    party_group = forms.ModelChoiceField(
        label=_("党小组（党小组会必选）"), queryset=PartyGroup.objects.none(), required=False
    )
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    topic = forms.CharField(label=_("主题"), max_length=200)
    host = forms.CharField(label=_("主持人"), max_length=50)
    recorder = forms.CharField(label=_("记录人"), max_length=50, required=False)
    lecturer = forms.CharField(label=_("授课人（党课必填）"), max_length=50, required=False)
    guests = forms.CharField(label=_("列席人员（每行一人）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(label=_("修改原因（修改已锁定的记录时必填）"), max_length=200, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, branch: Branch, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        for name in ("types", "party_group"):
            self.fields[name].iterator = ChoicesInOneQuery  # before the querysets, which set the choices
        self.fields["types"].queryset = MeetingType.objects.all()
        # A group's label is "branch · group" (PartyGroup.__str__): the join saves a query per group.
        self.fields["party_group"].queryset = PartyGroup.objects.filter(branch=branch).select_related("branch")
        if not amending:
            del self.fields["reason"]
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = uuid.uuid4()
        if not self.is_bound and not self.initial.get("held_on"):
            self.initial["held_on"] = timezone.localdate()

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("会议日期不能晚于今天"))
        return day

    def marks(self) -> dict[int, Mark]:
        """The members not simply present, from the ``att_<member id>`` fields."""
        found: dict[int, Mark] = {}
        for key, value in self.data.items():
            if not key.startswith("att_") or value == "present":
                continue
            try:
                member_id = int(key[4:])
            except ValueError:
                continue
            status, _sep, reason = value.partition(":")
            found[member_id] = Mark(status=status, reason=reason)
        return found


def meeting_initial(meeting: Meeting) -> dict:
    return {
        "types": list(meeting.types.all()),
        "party_group": meeting.party_group,
        **{
            name: getattr(meeting, name)
            for name in ("held_on", "starts_at", "place", "topic", "host", "recorder", "lecturer", "guests", "minutes")
        },
    }


class PlanItemForm(forms.Form):
    planned_on = forms.DateField(label=_("计划日期"), required=False, widget=DateInput())
    topic = forms.CharField(label=_("主题"), max_length=200, required=False)
