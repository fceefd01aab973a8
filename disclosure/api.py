"""API for the register: items and their versions, scoped like the pages, writes through the services.

Published public items and their public versions are readable without a login
(what the public pages show); everything else needs a login and lies in the
caller's read scope (401 without one, 404 outside it). A version is never
written through the API: the versions endpoint has no write method at all, and
an item's steps (create, edit a draft, submit, approve, return, correct) are
the workflow services of ``services.py``.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap, scope_for
from accounts.scope_api import writes_need
from portal.api import (
    CharField,
    ChoiceLabelField,
    IdFilter,
    ModelSerializer,
    StrictCharField,
    StrictFilterSet,
    UncountedPagination,
)

from . import services
from .models import Audience, Category, Item, ItemVersion, period_display, validate_period
from .selectors import get_item_for_user

PUBLIC_ITEM = Q(latest_version__isnull=False, audience=Audience.PUBLIC, latest_version__audience=Audience.PUBLIC)
PUBLIC_VERSION = Q(
    audience=Audience.PUBLIC, item__audience=Audience.PUBLIC, item__latest_version__audience=Audience.PUBLIC
)


PERIOD_PATTERN = RegexValidator(
    r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$", "期间格式应为 2026、2026-03、2026-Q1 或 2026-H1 之一"
)


def drf_error(exc: DjangoValidationError) -> DRFValidationError:
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def items_readable_by(user):
    """Items in the caller's read scope (every state), and every published public item.

    The scope names the branches by ID (``branch_id IN (…)``): the list walks the newest-first index
    and tests each row on its own columns, without first joining it to its branch for the path."""
    return Item.objects.filter(scope_for(user).id_q(Cap.READ, "branch__") | PUBLIC_ITEM)


def versions_readable_by(user):
    return ItemVersion.objects.filter(scope_for(user).read_q("item__branch__") | PUBLIC_VERSION)


# ---------------------------------------------------------------- serializers


class VersionSerializer(ModelSerializer):
    audience_display = ChoiceLabelField(source="audience")
    is_correction = serializers.BooleanField(read_only=True, help_text="第 2 版起为更正，reason 为更正原因")

    class Meta:
        model = ItemVersion
        fields = [
            "id", "item", "number", "title", "payload", "audience", "audience_display", "reason",
            "is_correction", "published_at",
        ]  # fmt: skip
        read_only_fields = fields


class WorkingCopySerializer(ModelSerializer):
    """The item as the workflow holds it (a draft, or a correction not yet published): for readers in scope."""

    state_display = ChoiceLabelField(source="state")
    is_manual = serializers.BooleanField(read_only=True)

    class Meta:
        model = Item
        fields = [
            "state", "state_display", "is_manual", "title", "payload", "audience", "correction_reason",
            "review_note", "publish_at", "submitted_at", "approved_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_attribute(self, instance):
        """The item itself, nested with ``source="*"``, or None (shown as null) outside the reader's scope.

        A nested field is bound once for the whole list; a serializer built per row (a method
        field) cost about 1 ms a row in DRF's field building."""
        request = self.context.get("request")
        if request is None or not scope_for(request.user).covers(Cap.READ, instance.branch):
            return None
        return instance


class ItemSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    category_display = ChoiceLabelField(source="category")
    period_display = serializers.SerializerMethodField()
    published = VersionSerializer(
        source="latest_version", read_only=True, allow_null=True, help_text="最新的已发布版本；尚未发布为 null"
    )
    working = WorkingCopySerializer(
        source="*",
        read_only=True,
        allow_null=True,
        help_text="工作稿与流程状态；仅对可查看该党组织的登录用户提供，否则为 null",
    )

    class Meta:
        model = Item
        fields = [
            "id", "branch", "branch_name", "category", "category_display", "period", "period_display",
            "first_published_at", "last_published_at", "published", "working",
        ]  # fmt: skip
        read_only_fields = fields

    def get_period_display(self, obj) -> str:
        return period_display(obj.period)


class VersionSummarySerializer(VersionSerializer):
    """A version as a list shows it: everything but its content (``payload``)."""

    class Meta(VersionSerializer.Meta):
        fields = [name for name in VersionSerializer.Meta.fields if name != "payload"]
        read_only_fields = fields


class WorkingCopySummarySerializer(WorkingCopySerializer):
    """The working copy as a list shows it: everything but its content (``payload``)."""

    class Meta(WorkingCopySerializer.Meta):
        fields = [name for name in WorkingCopySerializer.Meta.fields if name != "payload"]
        read_only_fields = fields


class ItemSummarySerializer(ItemSerializer):
    """An item in the list: the record's fields without the content of its version and working copy.

    The content (``published.payload``, ``working.payload``) is a whole table or text, two thirds of a
    list page's bytes and most of its time; ``GET /api/disclosure/items/{id}/`` gives it."""

    published = VersionSummarySerializer(
        source="latest_version",
        read_only=True,
        allow_null=True,
        help_text="最新的已发布版本（不含内容 payload，见事项详情）；尚未发布为 null",
    )
    working = WorkingCopySummarySerializer(
        source="*",
        read_only=True,
        allow_null=True,
        help_text="工作稿与流程状态（不含内容 payload，见事项详情）；仅对可查看该党组织的登录用户提供，否则为 null",
    )


class _PayloadField(serializers.DictField):
    """The content: a JSON object (summary, body, columns + rows, notes …; see disclosure.services)."""


class ItemCreateSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="党组织 ID（须有编辑权限）")
    category = serializers.ChoiceField(choices=[c for c in Category.choices if c[0] != Category.DUES])
    period = StrictCharField(
        max_length=7, validators=[PERIOD_PATTERN, validate_period], help_text="2026、2026-03、2026-Q1 或 2026-H1"
    )
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.PUBLIC)
    title = StrictCharField(max_length=120)
    payload = _PayloadField()

    def validate_branch(self, value):
        from branches.models import Branch

        branch = Branch.objects.filter(pk=value, is_active=True).first()
        if branch is None or not scope_for(self.context["request"].user).covers(Cap.WRITE, branch):
            raise serializers.ValidationError("党组织不存在或无权在该党组织发布")
        return branch


class ItemEditSerializer(serializers.Serializer):
    period = StrictCharField(max_length=7, validators=[PERIOD_PATTERN, validate_period], required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    title = StrictCharField(max_length=120, required=False)
    payload = _PayloadField(required=False)


class ItemReviseSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    title = StrictCharField(max_length=120, required=False)
    payload = _PayloadField(required=False)
    correction_reason = StrictCharField(max_length=200, help_text="更正原因，公开页面将标注")


class ApproveSerializer(serializers.Serializer):
    publish_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="定时发布时间；不填或已过则立即发布"
    )

    def validate_publish_at(self, value):
        if value is None:
            return None
        try:
            # Stored in UTC: an offset PostgreSQL cannot store (beyond ±15:59) never reaches it.
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise serializers.ValidationError("发布时间超出范围") from None


class RejectSerializer(serializers.Serializer):
    review_note = CharField(max_length=200, help_text="退回原因")


# ---------------------------------------------------------------- views


class ItemFilter(StrictFilterSet):
    branch = IdFilter(field_name="branch_id", help_text="党组织 ID")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    state = django_filters.ChoiceFilter(
        choices=Item.State.choices, method="filter_state", help_text="流程状态（只筛选可查看的党组织的事项）"
    )
    period = django_filters.CharFilter(field_name="period", lookup_expr="startswith", help_text="期间前缀，如 2026")

    class Meta:
        model = Item
        fields = ["branch", "category", "state", "period"]

    def filter_state(self, queryset, name, value):
        # Whether a published item has a correction on its way is for those who may read its branch.
        return queryset.filter(scope_for(self.request.user).read_q("branch__"), state=value)


class VersionFilter(StrictFilterSet):
    item = IdFilter(field_name="item_id", help_text="公开事项 ID")

    class Meta:
        model = ItemVersion
        fields = ["item"]


_READS = ("list", "retrieve", "versions")
# Columns the item serializers never read: the search text, who wrote and approved (not shown),
# the version's hash and publisher, and the branch beyond its name and path (its scope test).
_NOT_SHOWN = (
    "search_text", "author", "approved_by", "latest_version__payload_hash", "latest_version__published_by",
    "branch__depth", "branch__numchild", "branch__code", "branch__kind", "branch__unit", "branch__area",
    "branch__founded_on", "branch__is_active", "branch__dissolved_on", "branch__created_at", "branch__updated_at",
)  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="公开事项（已公开的无需登录；登录后含范围内各状态的事项）",
        description="列表不含内容：published 与 working 均无 payload，内容见事项详情 /api/disclosure/items/{id}/。",
        responses=ItemSummarySerializer(many=True),
    ),
    retrieve=extend_schema(summary="公开事项详情（含已发布版本与工作稿的内容 payload）"),
    create=extend_schema(summary="起草公开事项（草稿）", request=ItemCreateSerializer, responses={201: ItemSerializer}),
    partial_update=extend_schema(summary="修改草稿", request=ItemEditSerializer, responses=ItemSerializer),
)
class ItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    search_fields = ["search_text"]  # the published text only: a correction in the works is nobody's search hit
    ordering_fields = ["last_published_at", "first_published_at", "period", "id"]
    ordering = ["-last_published_at", "-id"]
    pagination_class = UncountedPagination  # every public item of the district: counting them cost more than the page
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in _READS:
            return [AllowAny()]
        if self.action in ("approve", "reject"):
            return [IsAuthenticated(), writes_need(Cap.APPROVE)()]
        return [IsAuthenticated(), writes_need(Cap.WRITE)()]

    def get_queryset(self):
        qs = items_readable_by(self.request.user).select_related("branch", "latest_version")
        # The published text as one string (for ?search= only) and columns nothing here shows.
        qs = qs.defer(*_NOT_SHOWN)
        if self.action == "list":
            # The list gives no content (ItemSummarySerializer): the record has it.
            qs = qs.defer("payload", "latest_version__payload")
        return qs.order_by("-last_published_at", "-id")

    def get_serializer_class(self):
        return ItemSummarySerializer if self.action == "list" else ItemSerializer

    def get_object(self):
        if self.action in _READS:
            found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
            if found is None:
                from django.http import Http404

                raise Http404
            return found
        write = Cap.APPROVE if self.action in ("approve", "reject") else True
        return get_item_for_user(self.request.user, self.kwargs["pk"], write=write)

    def _reply(self, item, status=200):
        item = Item.objects.select_related("branch", "latest_version").get(pk=item.pk)
        return Response(ItemSerializer(item, context={"request": self.request}).data, status=status)

    def create(self, request, *args, **kwargs):
        body = ItemCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            item = services.item_create(by=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item, status=201)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        body = ItemEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.item_edit(
                item=item,
                title=data.get("title", item.title),
                payload=data.get("payload", item.payload),
                audience=data.get("audience", item.audience),
                period=data.get("period"),
                by=request.user,
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item)

    @extend_schema(summary="提交审核", request=None, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        item = self.get_object()
        try:
            services.item_submit(item=item, by=request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item)

    @extend_schema(summary="审核通过（立即或定时发布）", request=ApproveSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        item = self.get_object()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.item_approve(item=item, by=request.user, publish_at=body.validated_data.get("publish_at"))
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item)

    @extend_schema(summary="退回修改", request=RejectSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        item = self.get_object()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.item_reject(item=item, note=body.validated_data["review_note"], by=request.user)
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item)

    @extend_schema(
        summary="更正已发布事项（生成待审核的更正稿；已发布的版本不变）",
        request=ItemReviseSerializer,
        responses=ItemSerializer,
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        item = self.get_object()
        body = ItemReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.item_revise(
                item=item,
                title=data.get("title", item.title),
                payload=data.get("payload", item.payload),
                audience=data.get("audience", item.audience),
                reason=data["correction_reason"],
                by=request.user,
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return self._reply(item)


@extend_schema_view(
    list=extend_schema(summary="已发布的版本（公开的无需登录；更正为第 2 版起）"),
    retrieve=extend_schema(summary="版本详情（版本一经发布不可修改）"),
)
class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VersionSerializer
    filterset_class = VersionFilter
    search_fields = ["title"]
    ordering_fields = ["published_at", "number", "id"]
    ordering = ["-published_at", "-id"]
    pagination_class = UncountedPagination
    permission_classes = [AllowAny]

    def get_queryset(self):
        return versions_readable_by(self.request.user).order_by("-published_at", "-id")


def register(router) -> None:
    from .api_sites import CheckViewSet, FixtureViewSet, SiteViewSet

    router.register("disclosure/items", ItemViewSet, basename="disclosure-items")
    router.register("disclosure/versions", VersionViewSet, basename="disclosure-versions")
    router.register("disclosure/sites", SiteViewSet, basename="disclosure-sites")
    router.register("disclosure/fixtures", FixtureViewSet, basename="disclosure-fixtures")
    router.register("disclosure/checks", CheckViewSet, basename="disclosure-checks")
