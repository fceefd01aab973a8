"""Form pieces every app's pages share."""

from __future__ import annotations

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
