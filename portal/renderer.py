"""The form renderer (``FORM_RENDERER``): Django's, with the plain widgets written in Python.

Django renders every widget through its template, and a select's every ``<option>`` through an
include: on the meeting form (a dozen fields and ten type boxes) and the assessment forms (a
select of 80 members, a number box per standard item) that was a fifth to a quarter of the
page. :class:`PythonWidgetsRenderer` writes the same markup in Python for the widget templates
in ``WRITTEN`` (inputs of every type, textarea, select and its options, a checkbox or radio
option); any other template (a clearable file input, a multi-widget, the admin's own) goes
through Django's templates as before. Values are escaped as the templates escape them: a value
through ``stringformat:'s'`` is always escaped, a label or name only if it is not already
markup. ``tests/test_renderer.py`` holds every written widget to Django's own output.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ``True`` writes the bare name, ``False`` leaves the attribute out."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """``input.html`` (text, number, date, hidden, checkbox … include it)."""
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _option(widget: dict) -> str:
    """``select_option.html``, as ``select.html`` includes it (with the file's closing newline)."""
    return (
        f'<option value="{escape(widget["value"])}"{_attrs(widget["attrs"])}>{conditional_escape(widget["label"])}'
        "</option>\n"
    )


def _select(widget: dict) -> str | None:
    html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != f"{WIDGETS}select_option.html":
                return None  # an option of its own template: Django's
            html.append(f"\n  {_option(option)}")
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _input_option(widget: dict) -> str:
    """``input_option.html`` (a checkbox or radio option with its label): the included input keeps its
    file's closing newline, so the label's text follows a line break, as Django writes it."""
    if not widget.get("wrap_label"):
        return _input(widget)
    label_for = f' for="{conditional_escape(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(widget)}\n {conditional_escape(widget['label'])}</label>"


INPUTS = (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color", "checkbox", "file",
)  # fmt: skip
WRITTEN = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUTS},
    f"{WIDGETS}textarea.html": _textarea,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}checkbox_option.html": _input_option,
    f"{WIDGETS}radio_option.html": _input_option,
    f"{WIDGETS}input_option.html": _input_option,
}


class PythonWidgetsRenderer(DjangoTemplates):
    """Django's default renderer, with the templates in ``WRITTEN`` written in Python."""

    def render(self, template_name, context, request=None):
        write = WRITTEN.get(template_name)
        if write is not None:
            html = write(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
