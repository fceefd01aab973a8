"""API machinery every app's viewsets share: strict paging, strict filters, documented errors.

The OpenAPI schema is a contract (schemathesis checks it in CI): a parameter the
schema calls an integer ≥ 1 is refused with a 400 when it is anything else, never
silently ignored, and every status code a view can answer is documented.
"""

from __future__ import annotations

import base64
import datetime as dt
from operator import attrgetter

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# The serializer fields and base class every app's serializers use (they live in portal.serializers).
from portal.serializers import (  # noqa: F401 - re-exported
    CharField,
    ChoiceLabelField,
    ModelSerializer,
    RequiredBooleanField,
    StrictCharField,
)

# The largest primary key PostgreSQL's bigint holds: anything above is refused, not sent to the database.
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _positive_int(raw: str, *, name: str, message) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: [message]}) from None
    if value < 1:
        raise ValidationError({name: [message]})
    return value


class StrictMultiPartParser(MultiPartParser):
    """A multipart body whose parts name no field is refused, not read as an empty form.

    Django's parser skips a part without a ``Content-Disposition`` name, so a garbled
    body (``--b\r\n[]--b--``) came out as "no fields" and a PATCH of it answered 200.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        result = super().parse(stream, media_type, parser_context)
        if not result.data and not result.files:
            boundary = media_type.split("boundary=", 1)[-1].strip().strip('"') if media_type else ""
            try:
                length = int(meta.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            # The smallest well-formed empty body is the closing delimiter: "--<boundary>--" and a line end.
            if length > len(boundary) + 8:
                raise ParseError(_("请求体格式不正确：multipart 各部分须注明字段名"))
        return result


class _PageSize:
    """50 a page, ``?page_size=`` up to 200 (larger asks get 200); a size that is not a positive integer is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _positive_int(raw, name=self.page_size_query_param, message=_("每页条数须为正整数"))
        return min(size, self.max_page_size)


class StandardPagination(_PageSize, PageNumberPagination):
    """50 a page, ``?page_size=`` up to 200 (larger asks get 200); a page or size that is not a positive integer is a 400."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            _positive_int(raw, name=self.page_query_param, message=_("页码须为正整数"))
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"每页条数（默认 {self.page_size}，超过 {self.max_page_size} 按 {self.max_page_size}）"
                )
            else:
                parameter["description"] = "页码（从 1 开始；超过最后一页为 404）"
        return parameters


class UncountedPagination(StandardPagination):
    """Numbered pages without a total, for lists that grow without end: the published 党务公开 items and
    versions anyone may read (40,000 at 40 towns, and counting them cost 35 ms of a 45 ms page) and the
    锋领指数 ledger (24,000 entries for one town: 5 ms to count).

    The page is read with one more row than it shows: ``next`` is given when that row exists.
    A page past the last is a 404, as with counted pages.
    """

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param)
        number = 1 if raw is None else _positive_int(raw, name=self.page_query_param, message=_("页码须为正整数"))
        start = (number - 1) * size
        rows = list(queryset[start : start + size + 1])
        if number > 1 and not rows:
            raise NotFound(_("页码超出范围"))
        self.request, self.number, self.has_next = request, number, len(rows) > size
        return rows[:size]

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        return (
            remove_query_param(url, self.page_query_param)
            if self.number == 2
            else (replace_query_param(url, self.page_query_param, self.number - 1))
        )

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


class NewestFirstKeysetPagination(_PageSize, BasePagination):
    """Paging for logs of a hundred thousand rows and more (a town's attendance marks): newest first by
    ``date_field`` and then by ID, 50 a page (``?page_size=`` up to 200), a ``next`` link and no total.

    A numbered page must count every row the reader may see (16 ms for one town's 108,600 marks, more
    every year), and DRF's cursor pages by one column only: by ID, a town among forty in one database
    walked 4 million rows of the other towns backwards (2.3 s). Here the next page starts after the
    last row shown, (date, id) < (its date, its id), which the database reads off the date's index.
    A cursor not handed out in a ``next`` link is a 400 on ``cursor``.
    """

    date_field = "created_at"  # a path with "__" through select_related objects is fine
    cursor_query_param = "cursor"

    def _decode(self, raw: str) -> tuple[dt.date, int]:
        try:
            day, _sep, pk = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii").partition("|")
            position = dt.date.fromisoformat(day), int(pk)
        except ValueError:  # bad base64, text, date or number (binascii.Error and UnicodeError are ValueErrors)
            position = None
        if position is None or not 0 < position[1] <= MAX_ID:
            raise ValidationError({self.cursor_query_param: [_("翻页参数无效：请使用上一页返回的 next 链接")]})
        return position

    @staticmethod
    def _encode(day: dt.date, pk: int) -> str:
        return base64.urlsafe_b64encode(f"{day.isoformat()}|{pk}".encode("ascii")).decode("ascii")

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        self.request = request
        key = self.date_field
        queryset = queryset.order_by(f"-{key}", "-id")
        raw = request.query_params.get(self.cursor_query_param)
        if raw is not None:
            day, pk = self._decode(raw)
            # (date, id) < (day, pk); the first condition alone bounds the date index's scan.
            queryset = queryset.filter(Q(**{f"{key}__lte": day}), Q(**{f"{key}__lt": day}) | Q(id__lt=pk))
        rows = list(queryset[: size + 1])
        self.next_position = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_position = (attrgetter(key.replace("__", "."))(last), last.pk)
        return rows

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(*self.next_position))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "下一页；已是最后一页为 null",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "翻页参数：取自上一页返回的 next 链接",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"每页条数（默认 {self.page_size}，超过 {self.max_page_size} 按 {self.max_page_size}）",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


class StrictSearchFilter(SearchFilter):
    """``?search=``: a NUL character is refused as a 400 on the parameter (DRF answers a bare list)."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "pattern": "^[^\\x00]*$"}
        return parameters


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """An object's ID: a positive integer, or a 400. An ID nobody has matches nothing (an empty page)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    TRUE = frozenset({"true", "True", "1"})
    FALSE = frozenset({"false", "False", "0"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in self.TRUE or value is True:
            return True
        if value in self.FALSE or value is False:
            return False
        raise forms.ValidationError(_("请填写 true 或 false"), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    """``true``/``false`` (or 1/0); anything else is a 400 rather than "no filter"."""

    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    """A filter on an integer column takes whole numbers only (django-filter's default reads decimals: ``?month=0.5``)."""

    field_class = forms.IntegerField


class UTCDateTimeFilter(django_filters.DateTimeFilter):
    """A moment is compared in UTC: an offset PostgreSQL cannot store (beyond ±15:59) never reaches it."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return super().filter(qs, value)


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet for the API: booleans are strict, a blank choice, ID or boolean is refused.

    Related-object filters stay choice filters cut to the user's scope (accounts.scope_api):
    an id that does not exist and one outside the scope answer the same 400.

    An HTML form sends ``?gender=`` for "all"; an API client that sends a filter
    with no value has made a mistake and hears so.
    """

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if issubclass(filter_class, django_filters.BooleanFilter):
            return StrictBooleanFilter, {}
        if filter_class is django_filters.DateTimeFilter:
            return UTCDateTimeFilter, params
        if filter_class is django_filters.NumberFilter and isinstance(field, models.IntegerField):
            return IntegerFilter, params
        return filter_class, params

    def is_valid(self):
        form = self.form
        form.errors  # noqa: B018 - runs full_clean so that add_error has cleaned data to update
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter):
                continue  # a free-text filter's blank is a string like any other: no filtering
            if name in self.data and "" in self.data.getlist(name) and name not in form.errors:
                form.add_error(name, _("该参数不能为空；不按它筛选时请不要传"))
        return form.is_valid()


class RefusesReadOnlyInput:
    """Serializer mixin: a body that names a read-only field is refused with a 400 naming it, not ignored.

    The contract marks those fields readOnly, so a client sending one has misread it. A form or
    multipart body cannot carry a value's type either, so this is what still refuses such a body
    that breaks the contract.
    """

    def to_internal_value(self, data):
        sent = set(data.keys()) if hasattr(data, "keys") else set()
        named = sorted(name for name, field in self.fields.items() if field.read_only and name in sent)
        if named:
            raise serializers.ValidationError({name: [_("该字段只读，不能提交")] for name in named})
        return super().to_internal_value(data)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "每个出错的字段或参数一项：错误说明列表；与字段无关的错误在 detail 或 non_field_errors。",
    "additionalProperties": True,
}
ERROR_RESPONSES = {
    "400": ("请求参数或提交的数据有误", VALIDATION_ERROR_SCHEMA),
    "401": ("未登录或令牌无效", ERROR_SCHEMA),
    "403": ("无权执行此操作", ERROR_SCHEMA),
    "404": ("对象不存在、不在可见范围内，或页码超出范围", ERROR_SCHEMA),
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the 400/401/403/404 every operation can answer."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in ERROR_RESPONSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result
