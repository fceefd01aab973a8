"""Form widgets whose markup is written in Python: the same HTML as Django's widget templates, without
a template render per widget (and per ``<option>``) on the assessment's longest forms."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs_html(attrs: dict) -> str:
    """Django's ``django/forms/widgets/attrs.html``: ``True`` writes the bare name, ``False`` leaves it out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PythonRenderedSelect(forms.Select):
    """A ``<select>`` with the markup of Django's ``select.html``, written in Python.

    The template engine renders every ``<option>`` through an include: a branch's 80 members
    in the appraisal form cost 3 ms a page, the inspection form's units and item lists 2 ms.
    Names, values and labels are escaped as the template escapes them. Grouped choices
    (``<optgroup>``), which these forms do not have, are left to Django's template.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _choices, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{conditional_escape(option["value"])}"{_attrs_html(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        )
        return mark_safe(  # every value escaped above
            f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>{options}\n</select>'
        )


class PythonRenderedNumberInput(forms.NumberInput):
    """A number ``<input>`` with the markup of Django's ``input.html``, written in Python: the
    inspection form has one per standard item (19), each a template render of its own."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(  # every value escaped
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{value_html}{_attrs_html(widget['attrs'])}>"
        )
