"""The serializer fields and the model serializer base every app's API builds on (re-exported by
:mod:`portal.api`): text limits that hold for the text as sent, choice labels from a dict, a
boolean the body must state, and a model serializer that reads rows without DRF's per-field calls
where that cannot change the answer."""

from __future__ import annotations

import copy

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CharField(serializers.CharField):
    """Text whose ``max_length`` holds for the text as sent (what the schema's maxLength says),
    not only once the surrounding spaces are trimmed: 121 characters are refused for 120."""

    def run_validation(self, data=serializers.empty):
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class StrictCharField(CharField):
    """Text that must come as text: DRF's CharField turns a JSON number into a string
    (``"title": 0`` became the title "0"), which the schema's ``type: string`` refuses."""

    default_error_messages = {"not_text": _("请填写文字")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class ChoiceLabelField(serializers.CharField):
    """The label of one of the model's choice fields, read-only: ``ChoiceLabelField(source="kind")``.

    The same text as ``source="get_kind_display"``, from a dict built once per
    serializer; Django's ``get_FOO_display`` rebuilds one from the field's choices
    on every call (54 µs here: 5 ms of a 50-row list with two of them).
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.labels: dict = {}

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        field = parent.Meta.model._meta.get_field(self.source)
        self.labels = {value: str(label) for value, label in field.flatchoices}

    def to_representation(self, value):
        return self.labels.get(value, value)


# The value types DRF's own field classes hand back unchanged from ``to_representation``
# (``str(s)``, ``int(i)``, a bool for a bool): the read below returns such a value as it is.
_UNCHANGED = {
    serializers.CharField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.BooleanField.to_representation: bool,
}


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField with the current time zone looked up once, when the serializer is bound.

    DRF asks for the current zone for every value (through asgiref's context-local storage): eight
    moments on each of 50 rows took about 1 ms of a 党务公开 list. A serializer is bound while it
    renders or validates, inside the request and its activated zone, so the text is the same. A
    field given its own ``timezone`` keeps it."""

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if not hasattr(self, "timezone"):
            self.timezone = self.default_timezone()


# How a field is read off a model instance without DRF's calls (see _read_step).
PLAIN, PK_ONLY, PREFETCHED = "plain", "pk_only", "prefetched"


def _read_step(field):
    """How one readable field is read off a model instance: ``(name, kind, attribute, unchanged, field)``.

    - ``PLAIN``: DRF would read a plain attribute of the instance (one ``source`` step,
      DRF's own ``get_attribute``); ``unchanged`` is the value type the field's
      ``to_representation`` returns as it is.
    - ``PK_ONLY``: a primary-key relation DRF reads by its ``*_id`` column.
    - ``PREFETCHED``: a to-many relation (``many=True``) whose rows the queryset prefetched:
      they are taken from the prefetch, not through a related manager built per row.

    Anything else (a method field, a dotted source, ``source="*"``) has no kind and goes
    through DRF, as does any value the steps cannot take as it is."""
    kind, attribute, unchanged = None, None, None
    if len(field.source_attrs) == 1:
        attribute = field.source_attrs[0]
        own = type(field)
        if isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer):
            if own.get_attribute in (serializers.ManyRelatedField.get_attribute, serializers.Field.get_attribute):
                kind = PREFETCHED
        elif own.get_attribute is serializers.Field.get_attribute:
            kind, unchanged = PLAIN, _UNCHANGED.get(own.to_representation)
        elif (
            isinstance(field, serializers.PrimaryKeyRelatedField)
            and own.get_attribute is serializers.RelatedField.get_attribute
            and own.to_representation is serializers.PrimaryKeyRelatedField.to_representation
            and field.pk_field is None
            and field.use_pk_only_optimization()
        ):
            kind = PK_ONLY
    return field.field_name, kind, attribute, unchanged, field


# Every app's model serializers: text fields are ``CharField`` above, moments ``DateTimeField``, and a read that skips
# DRF's per-field machinery where it would not change the answer.
#
# DRF reads each field of each row through ``get_attribute`` and ``to_representation``
# (with a generator over the fields per row): 40 % of a 50-row, 29-field member list.
# ``to_representation`` below reads a plain attribute or a foreign key's ID directly,
# keeps a str, int or bool as it is, and takes a to-many relation's rows from the
# queryset's prefetch; every other field, and every value of
# another type (a date, a callable, a related object that is missing), goes through
# DRF's own two calls, so the answer is DRF's own (``tests/api/test_read.py`` holds
# every API list to it).
#
# (A comment, not a docstring: drf-spectacular gives a serializer's inherited docstring to its API
# schema component as the description, and this one would describe every app's components.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.DateTimeField: DateTimeField,
    }

    # DRF builds a model serializer's fields afresh for every serializer made: it reads the model's fields, maps
    # each to a serializer field and copies the declared ones (1–2.5 ms of every API answer). What it builds
    # depends only on the class (its Meta and declared fields), so it is built once per class, and each
    # serializer takes a deep copy of it, as DRF copies the declared fields.
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)

    def _read_steps(self):
        steps = self.__dict__.get("_steps")
        if steps is None:
            steps = self._steps = [_read_step(field) for field in self._readable_fields]
        return steps

    def to_representation(self, instance):
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        ret = {}
        prefetched = getattr(instance, "_prefetched_objects_cache", None) or {}
        for name, kind, attribute, unchanged, field in self._read_steps():
            if kind is PREFETCHED:
                if attribute in prefetched:  # the rows the prefetch read: what DRF's ``.all()`` gives
                    ret[name] = field.to_representation(prefetched[attribute])
                    continue
            elif kind is not None:
                try:
                    value = instance.serializable_value(attribute) if kind is PK_ONLY else getattr(instance, attribute)
                except Exception:  # noqa: BLE001 - DRF's own read decides (default, None, SkipField, error)
                    pass
                else:
                    if value is None:
                        ret[name] = None
                        continue
                    if not callable(value):
                        ret[name] = (
                            value if kind is PK_ONLY or type(value) is unchanged else field.to_representation(value)
                        )
                        continue
            try:
                value = field.get_attribute(instance)
            except serializers.SkipField:
                continue
            check = value.pk if isinstance(value, serializers.PKOnlyObject) else value
            ret[name] = None if check is None else field.to_representation(value)
        return ret


class RequiredBooleanField(serializers.BooleanField):
    """A boolean the body must state. DRF reads a boolean missing from a form body as
    false (an unticked checkbox); an API write that leaves it out is refused instead."""

    default_empty_html = serializers.empty
