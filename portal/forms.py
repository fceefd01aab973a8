"""Form pieces every app's pages share."""

from __future__ import annotations

from functools import cache

from django import forms
from django.core.exceptions import ValidationError

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A phone's date picker: ``type="date"`` takes only ISO dates (a localized value shows empty)."""

    input_type = "date"

    def __init__(self, attrs=None, format=ISO_DATE):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when it names none)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """A model choice field's choices read by one plain query.

    Django reads them through ``QuerySet.iterator()`` to spare memory on long lists; on PostgreSQL
    that is a server-side cursor, declared, fetched and closed in three round trips, which made up
    most of the time of reading the ten meeting types or a branch's few party groups.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


# A model choice field reads its options whole, through a server-side cursor, every time it renders. Where
# that is the cost of a page, the options come from one of these instead (the field still validates the
# chosen pk against its queryset): ChoicesInOneQuery (the field's own queryset, one plain query),
# choices_from_rows (rows the page has read already) or named_choices ((pk, name) pairs, one query).


def choices_from_rows(field: forms.ModelChoiceField, rows) -> None:
    """The field's options made from ``rows``, model instances the page has read already (the same rows, in
    the same order, as the field's queryset), instead of reading them a second time."""
    iterator = field.iterator(field)
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = empty + [iterator.choice(row) for row in rows]


def named_choices(field: forms.ModelChoiceField, queryset) -> None:
    """Offer ``queryset`` (rows shown by their ``name``, as their ``str()``) as the field's choices: its
    (pk, name) pairs, read in one query when the select is rendered (once), not for a form that is only
    validated."""
    field.queryset = queryset
    empty = [] if field.empty_label is None else [("", field.empty_label)]

    @cache
    def options():
        return empty + list(queryset.values_list("pk", "name"))

    field.choices = options
