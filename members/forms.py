from __future__ import annotations

import os
import re

from django import forms

from branches.models import Branch, PartyGroup

from .models import Member, MemberTransfer

ROSTER_EXTENSIONS = (".xlsx", ".xls", ".csv")


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件",
        help_text="支持 Excel/WPS 表格（.xlsx、.xls）和 CSV（UTF-8 或 GB18030 编码），表头与全国党员信息系统一致。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ROSTER_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if os.path.splitext(upload.name)[1].lower() not in ROSTER_EXTENSIONS:
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的")
        return upload


# --- day-to-day changes to a member, on a phone --------------------------------------------

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(
            "请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 0574-87654321）", code="invalid_phone"
        )


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=_DateInput(),
        error_messages={"required": f"请填写{label}", "invalid": f"{label}格式不正确，请按 2024-07-01 的格式填写"},
    )


class _PartyGroupMixin:
    """Only the member's branch's party groups are offered."""

    def limit_party_groups(self, branch) -> None:
        field = self.fields["party_group"]
        field.queryset = PartyGroup.objects.filter(branch=branch).order_by("pk")
        field.empty_label = "（不分党小组）"
        field.label_from_instance = lambda g: g.name
        field.error_messages["invalid_choice"] = "请选择本支部的党小组"


class MemberAddForm(_PartyGroupMixin, forms.ModelForm):
    """A new probationary member (预备党员): who they are and the day they were admitted."""

    joined_on = _date_field("入党日期", help_text="支部党员大会通过接收为预备党员的日期")
    phone = forms.CharField(label="联系电话", required=False, max_length=20, validators=[validate_phone])

    class Meta:
        model = Member
        fields = ["name", "id_number", "joined_on", "phone", "party_group", "job", "education", "ethnicity", "address"]
        error_messages = {
            "name": {"required": "请填写姓名"},
            "id_number": {"required": "请填写 18 位公民身份号码", "unique": "该公民身份号码已在名册中"},
        }
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "latin"})}

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch
        self.instance.category = Member.Category.PROBATIONARY
        self.limit_party_groups(branch)
        self.fields["education"].choices = [("", "（未填写）"), *Member.Education.choices]
        self.fields["ethnicity"].required = False
        self.fields["ethnicity"].help_text = "不填为汉族"

    def clean_ethnicity(self):
        return self.cleaned_data.get("ethnicity") or "汉族"
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")


class MemberEditForm(_PartyGroupMixin, forms.ModelForm):
    """Contact details, job and party group: what a secretary keeps current."""

    phone = forms.CharField(label="联系电话", required=False, max_length=20, validators=[validate_phone])

    class Meta:
        model = Member
        fields = ["phone", "address", "job", "party_group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_party_groups(self.instance.branch)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")


class MemberFlagsForm(forms.Form):
    is_floating = forms.BooleanField(label="流动党员（外出半年以上）", required=False)
    floating_to = forms.CharField(label="流入地", required=False, max_length=100)
    is_lost_contact = forms.BooleanField(label="失联党员", required=False)
    lost_contact_since = _date_field("失联日期", required=False)


class MemberConvertForm(forms.Form):
    conversion_meeting_on = _date_field("讨论转正的支部党员大会日期")
    full_member_on = _date_field("转正日期", required=False, help_text="不填则为预备期满之日（入党日期满一年）")


class TransferStartForm(forms.Form):
    kind = forms.ChoiceField(
        label="转接类型", choices=MemberTransfer.Kind.choices, widget=forms.RadioSelect, initial="within",
        error_messages={"required": "请选择转接类型"},
    )
    to_branch = forms.ModelChoiceField(
        label="转入本镇党组织", queryset=Branch.objects.none(), required=False, empty_label="（请选择）",
        error_messages={"invalid_choice": "请选择本镇正常运行的党组织"},
    )
    destination = forms.CharField(label="转往镇外党组织全称", required=False, max_length=200)
    on = _date_field("转接日期", required=False, help_text="不填为今天")
    reason = forms.CharField(label="转接原因", required=False, max_length=200)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches


class TransferRejectForm(forms.Form):
    note = forms.CharField(
        label="退回原因", max_length=200, error_messages={"required": "请写明退回原因"}
    )
