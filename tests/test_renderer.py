"""The form renderer writes the plain widgets in Python exactly as Django's own templates write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.renderer import WRITTEN, PythonWidgetsRenderer

TRICKY = '<b>"高峰村" & 东\'</b>'
CHOICES = [("", "请选择"), (1, TRICKY), (2, mark_safe("<i>已是标记</i>")), (3, gettext_lazy("党员大会"))]
GROUPED = [("东片区 <1>", [(1, "高峰村"), (2, TRICKY)]), ("西片区", [(3, "高桥社区")]), (4, "不分片")]


class Everything(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": gettext_lazy("姓名"), "x": TRICKY})
    )
    number = forms.DecimalField(max_value=Decimal("5.0"), decimal_places=1, required=False)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "off", "hidden": False}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time", "disabled": True}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.UUIDField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    choose = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    boxes = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)
    upload = forms.FileField(required=False)


BOUND = {
    "text": TRICKY,
    "number": "4.5",
    "email": "a&b@example.com",
    "day": "2026-11-28",
    "time": "09:30",
    "secret": 's"ecret',
    "hidden": "6f1c0b8e-0000-4000-8000-000000000001",
    "agree": "on",
    "notes": f"第一行\n{TRICKY}",
    "choose": "1",
    "grouped": "2",
    "many": ["1", "3"],
    "boxes": ["2"],
    "radio": "3",
}
INITIAL = {"day": dt.date(2026, 1, 5), "number": Decimal("3.5"), "notes": "", "agree": True, "boxes": [1, 3]}


def _pieces(form) -> list[str]:
    pieces = []
    for field in form:
        pieces.append(str(field))
        if isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            pieces += [box.tag() for box in field] + [str(box) for box in field]
    return pieces


@pytest.mark.parametrize("kwargs", [{}, {"data": BOUND}, {"initial": INITIAL}, {"data": {"text": "", "number": "x"}}])
def test_every_written_widget_reads_as_djangos_template_writes_it(kwargs):
    django_pieces = _pieces(Everything(renderer=DjangoTemplates(), **kwargs))
    ours = _pieces(Everything(renderer=PythonWidgetsRenderer(), **kwargs))
    assert ours == django_pieces
    assert any("&lt;b&gt;&quot;高峰村&quot; &amp; 东&#x27;&lt;/b&gt;" in piece for piece in ours)


def test_the_written_templates_are_the_ones_this_form_uses(monkeypatch):
    """Each template in WRITTEN is written by Python here (none falls back to Django's), and the portal renders with it."""
    used = set()
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        used.add(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    _pieces(Everything(renderer=PythonWidgetsRenderer(), data=BOUND))
    # Left to Django's templates: the clearable file input and the boxes' containers (their options are written).
    left = {f"django/forms/widgets/{n}.html" for n in ("clearable_file_input", "checkbox_select", "radio")}
    assert used == left
    assert {f"django/forms/widgets/{n}.html" for n in ("text", "select", "textarea", "checkbox_option")} <= set(WRITTEN)
    assert settings.FORM_RENDERER == "portal.renderer.PythonWidgetsRenderer"
    assert isinstance(get_default_renderer(), PythonWidgetsRenderer)


@pytest.mark.django_db
def test_a_model_select_with_a_selected_row_and_attributes(town, branch_a, branch_b):
    from branches.models import Branch

    units = Branch.objects.filter(pk__in=[branch_a.pk, branch_b.pk]).order_by("path")

    class Choose(forms.Form):
        unit = forms.ModelChoiceField(queryset=units, empty_label="请选择单位")

    def render(renderer) -> str:
        form = Choose(initial={"unit": branch_b.pk}, renderer=renderer)
        form.fields["unit"].widget.attrs.update({"data-x": 'a"b', "disabled": True, "hidden": False})
        return str(form["unit"])

    html = render(PythonWidgetsRenderer())
    assert html == render(DjangoTemplates())
    assert f'<option value="{branch_b.pk}" selected>{branch_b.name}</option>' in html and 'data-x="a&quot;b"' in html
