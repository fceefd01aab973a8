"""The widgets written in Python give exactly the HTML of Django's own, escaping included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from assessment.widgets import PythonRenderedNumberInput, PythonRenderedSelect
from branches.models import Branch

CHOICES = [("", "请选择"), (1, '<b>"高峰村" & 东</b>'), (2, "高桥社区 'A'"), (3, "三")]


def _same(form) -> str:
    theirs, ours = str(form["django"]), str(form["ours"])
    assert ours == theirs.replace('name="django"', 'name="ours"').replace("id_django", "id_ours")
    return ours


@pytest.mark.parametrize("data", [None, {"django": "2", "ours": "2"}, {"django": "9", "ours": "9"}])
def test_a_select_is_written_as_djangos_template_writes_it(data):
    class Choose(forms.Form):
        django = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False)
        ours = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False, widget=PythonRenderedSelect)

    html = _same(Choose(data))
    assert "&lt;b&gt;&quot;高峰村&quot; &amp; 东&lt;/b&gt;" in html and "高桥社区 &#x27;A&#x27;" in html


def test_a_model_select_with_attributes_and_a_selected_row(town, branch_a, branch_b):
    units = Branch.objects.filter(pk__in=[branch_a.pk, branch_b.pk]).order_by("path")

    class Choose(forms.Form):
        django = forms.ModelChoiceField(queryset=units, empty_label="请选择单位")
        ours = forms.ModelChoiceField(queryset=units, empty_label="请选择单位", widget=PythonRenderedSelect)

    form = Choose(initial={"django": branch_b.pk, "ours": branch_b.pk})
    form.fields["django"].widget.attrs.update({"data-x": 'a"b', "disabled": True, "hidden": False})
    form.fields["ours"].widget.attrs.update({"data-x": 'a"b', "disabled": True, "hidden": False})
    html = _same(form)
    assert f'<option value="{branch_b.pk}" selected>高桥社区党支部</option>' in html and "required" in html


def test_grouped_choices_are_left_to_djangos_template():
    groups = [("东片区", [(1, "高峰村")]), ("西片区", [(2, "高桥社区")])]

    class Choose(forms.Form):
        django = forms.ChoiceField(choices=groups)
        ours = forms.ChoiceField(choices=groups, widget=PythonRenderedSelect)

    assert '<optgroup label="东片区">' in _same(Choose())


@pytest.mark.parametrize("data", [None, {"django": "", "ours": ""}, {"django": "<7>", "ours": "<7>"}])
def test_a_number_input_is_written_as_djangos_template_writes_it(data):
    class Score(forms.Form):
        django = forms.DecimalField(
            max_value=Decimal("5.0"),
            decimal_places=1,
            initial=Decimal("5.0"),
            widget=forms.NumberInput({"step": "0.5"}),
        )
        ours = forms.DecimalField(
            max_value=Decimal("5.0"),
            decimal_places=1,
            initial=Decimal("5.0"),
            widget=PythonRenderedNumberInput({"step": "0.5"}),
        )

    html = _same(Score(data))
    assert 'type="number"' in html and 'max="5.0"' in html
