from __future__ import annotations

import os

from django import forms

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
