"""API for 七个一 sites, their fixtures and the checks recorded on them: logins only, scoped like the pages.

Reading needs a login and the site's branch in the caller's read scope;
recording a check needs Cap.INSPECT over it (area heads, liaisons, the town
office), through the same service as the phone page.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap, scope_for
from accounts.scope_api import writes_need
from portal.api import ID_SCHEMA, CharField, ChoiceLabelField, IdFilter, ModelSerializer, StrictFilterSet

from .api import drf_error
from .models import Fixture, FixtureCheck, Site
from .selectors import (
    checks_visible_to,
    fixtures_visible_to,
    get_check_for_user,
    get_fixture_for_user,
    get_site_for_user,
    sites_visible_to,
)
from .sites import fixture_check_record


class SiteSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    board_url = serializers.SerializerMethodField(help_text="公开栏地址（无需登录）")

    class Meta:
        model = Site
        fields = ["id", "branch", "branch_name", "name", "slug", "office_phone", "board_url"]
        read_only_fields = fields

    def get_board_url(self, obj) -> str:
        return reverse("public:board", args=[obj.slug])


class FixtureSerializer(ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    kind_display = ChoiceLabelField(source="kind")
    status_display = ChoiceLabelField(source="status")

    class Meta:
        model = Fixture
        fields = ["id", "site", "site_name", "kind", "kind_display", "status", "status_display", "last_checked_at"]
        read_only_fields = fields


@extend_schema_field(ID_SCHEMA)
class _InspectableFixture(serializers.PrimaryKeyRelatedField):
    """A fixture the caller may inspect (any other id is refused as if it did not exist)."""

    def get_queryset(self):
        user = self.context["request"].user
        return Fixture.objects.filter(scope_for(user).q(Cap.INSPECT, "site__branch__")).select_related("site__branch")


class CheckSerializer(ModelSerializer):
    result_display = ChoiceLabelField(source="result")
    photo_url = serializers.SerializerMethodField(help_text="照片地址（须登录且可查看该阵地）；无照片为 null")
    checked_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FixtureCheck
        fields = [
            "id", "fixture", "result", "result_display", "note", "photo_url", "checked_at", "checked_by_name",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_photo_url(self, obj):
        return reverse("disclosure:check-photo", args=[obj.pk]) if obj.photo else None

    def get_checked_by_name(self, obj) -> str:
        # A login's name, never its username (a member's login is a phone number).
        user = obj.checked_by
        return user.display_name or str(user.get_role_display())


class CheckCreateSerializer(serializers.Serializer):
    fixture = _InspectableFixture(help_text="七个一项目 ID（须有检查权限）")
    result = serializers.ChoiceField(choices=FixtureCheck.Result.choices)
    note = CharField(max_length=1000, required=False, allow_blank=True, help_text="需整改时必填")


@extend_schema_field({"type": "string", "format": "binary"})
class _PhotoField(serializers.ImageField):
    pass


class CheckUploadSerializer(CheckCreateSerializer):
    photo = _PhotoField(required=False, help_text="现场照片（JPG/PNG，不超过 10 MB）")


class CheckFilter(StrictFilterSet):
    fixture = IdFilter(field_name="fixture_id", help_text="七个一项目 ID")
    site = IdFilter(field_name="fixture__site_id", help_text="阵地 ID")
    result = django_filters.ChoiceFilter(choices=FixtureCheck.Result.choices)

    class Meta:
        model = FixtureCheck
        fields = ["fixture", "site", "result"]


class FixtureFilter(StrictFilterSet):
    site = IdFilter(field_name="site_id", help_text="阵地 ID")
    kind = django_filters.ChoiceFilter(choices=Fixture.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Fixture.Status.choices)

    class Meta:
        model = Fixture
        fields = ["site", "kind", "status"]


@extend_schema_view(list=extend_schema(summary="七个一阵地"), retrieve=extend_schema(summary="阵地详情"))
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SiteSerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "id"]
    ordering = ["branch__path", "id"]

    def get_queryset(self):
        return sites_visible_to(self.request.user).select_related("branch").order_by("branch__path", "id")

    def get_object(self):
        return get_site_for_user(self.request.user, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary="七个一项目（每个阵地七项）"), retrieve=extend_schema(summary="项目详情")
)
class FixtureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FixtureSerializer
    filterset_class = FixtureFilter
    search_fields = ["site__name"]
    ordering_fields = ["last_checked_at", "id"]
    ordering = ["site__branch__path", "id"]

    def get_queryset(self):
        return fixtures_visible_to(self.request.user).select_related("site").order_by("site__branch__path", "id")

    def get_object(self):
        return get_fixture_for_user(self.request.user, self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary="七个一检查记录"),
    retrieve=extend_schema(summary="检查记录详情"),
    create=extend_schema(
        summary="记录一次检查（需整改须写明问题；带照片时用 multipart/form-data）",
        request={"application/json": CheckCreateSerializer, "multipart/form-data": CheckUploadSerializer},
        responses={201: CheckSerializer},
    ),
)
class CheckViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CheckSerializer
    filterset_class = CheckFilter
    search_fields = ["note"]
    ordering_fields = ["checked_at", "id"]
    ordering = ["-checked_at", "-id"]
    parser_classes = [JSONParser, MultiPartParser]
    permission_classes = [IsAuthenticated, writes_need(Cap.INSPECT)]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return checks_visible_to(self.request.user).select_related("checked_by").order_by("-checked_at", "-id")

    def get_object(self):
        return get_check_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        upload = request.content_type.startswith("multipart/")
        body = (CheckUploadSerializer if upload else CheckCreateSerializer)(
            data=request.data, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        fixture = get_fixture_for_user(request.user, data["fixture"].pk, inspect=True)
        try:
            check = fixture_check_record(
                fixture=fixture,
                result=data["result"],
                note=data.get("note", ""),
                photo=data.get("photo"),
                by=request.user,
            )
        except DjangoValidationError as exc:
            raise drf_error(exc) from None
        return Response(CheckSerializer(check).data, status=201)
