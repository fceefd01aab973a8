"""API for standards, inspections, rectifications, quarter scores, pioneer points, appraisals and briefings.

Every list is the scoped selector; every write goes through the same service as the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap
from accounts.scope_api import writes_need
from members.selectors import members_writable_by
from portal.api import ModelSerializer, UncountedPagination

from . import services
from .models import Appraisal, Briefing, Inspection, PointEntry, QuarterScore, Rectification, Standard, StandardItem
from .selectors import (
    appraisals_visible_to,
    briefings_visible_to,
    get_rectification_for_user,
    inspections_visible_to,
    point_entries_visible_to,
    quarter_scores_visible_to,
    rectifications_visible_to,
    standards_visible_to,
)


def _drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class StandardItemSerializer(ModelSerializer):
    class Meta:
        model = StandardItem
        fields = ["id", "code", "area_of_work", "title", "points", "method", "order"]


class StandardSerializer(ModelSerializer):
    items = StandardItemSerializer(many=True, read_only=True)

    class Meta:
        model = Standard
        fields = ["id", "year", "title", "note", "items"]


class InspectionSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    inspector_name = serializers.CharField(source="inspector.__str__", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "branch",
            "branch_name",
            "month",
            "inspected_on",
            "inspector_name",
            "score",
            "full_marks",
            "note",
        ]


class RectificationSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    # A finding without a photo answers null: the schema says so (the API contract, schemathesis).
    photo = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "branch",
            "branch_name",
            "inspection",
            "item",
            "source",
            "finding",
            "photo",
            "deadline",
            "status",
            "cause",
            "measures",
            "result",
            "opened_at",
            "fixed_at",
            "verified_at",
            "reopen_count",
        ]
        read_only_fields = fields


class RectificationActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["explain", "fix", "verify", "reopen"])
    cause = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    result = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class QuarterScoreSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = QuarterScore
        fields = [
            "id",
            "branch",
            "branch_name",
            "quarter",
            "parts",
            "total",
            "rank",
            "stars",
            "previous_stars",
            "locked",
        ]


class PointEntrySerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = PointEntry
        fields = ["id", "member", "member_name", "branch", "on", "kind", "points", "reason", "created_at"]
        read_only_fields = ["branch", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["member"].queryset = members_writable_by(request.user)


class AppraisalSerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            "year",
            "self_assessment",
            "votes_excellent",
            "votes_qualified",
            "votes_basic",
            "votes_unqualified",
            "grade",
        ]


class BriefingSerializer(ModelSerializer):
    class Meta:
        model = Briefing
        fields = ["id", "organisation", "quarter", "status", "progress", "step", "compiled_at", "published_at"]


@extend_schema_view(list=extend_schema(summary="督查标准"), retrieve=extend_schema(summary="督查标准详情"))
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardSerializer

    def get_queryset(self):
        return standards_visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="月度督查"), retrieve=extend_schema(summary="督查详情"))
class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InspectionSerializer
    filterset_fields = ["branch", "month"]

    def get_queryset(self):
        return inspections_visible_to(self.request.user).order_by("-month", "pk")


@extend_schema_view(list=extend_schema(summary="整改事项"), retrieve=extend_schema(summary="整改事项详情"))
class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RectificationSerializer
    filterset_fields = ["branch", "status", "source"]

    def get_queryset(self):
        return rectifications_visible_to(self.request.user)

    def get_object(self):
        return get_rectification_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="办理整改：说明原因、报告完成、验收或退回",
        request=RectificationActSerializer,
        responses=RectificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        rect = self.get_object()
        body = RectificationActSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d, user = body.validated_data, request.user
        try:
            if d["action"] == "explain":
                services.rectification_explain(rectification=rect, by=user, cause=d["cause"], measures=d["measures"])
            elif d["action"] == "fix":
                services.rectification_fix(rectification=rect, by=user, result=d["result"])
            elif d["action"] == "verify":
                services.rectification_verify(rectification=rect, by=user, note=d["note"])
            else:
                services.rectification_reopen(rectification=rect, by=user, note=d["note"], deadline=d["deadline"])
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        rect.refresh_from_db()
        return Response(RectificationSerializer(rect).data)


@extend_schema_view(list=extend_schema(summary="季度考核得分"), retrieve=extend_schema(summary="单位季度得分"))
class QuarterScoreViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QuarterScoreSerializer
    filterset_fields = ["quarter", "branch", "stars"]

    def get_queryset(self):
        return quarter_scores_visible_to(self.request.user).order_by("quarter", "rank", "pk")


@extend_schema_view(
    list=extend_schema(summary="锋领指数记录"),
    retrieve=extend_schema(summary="积分记录详情"),
    create=extend_schema(summary="记录积分（支部）"),
)
class PointEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PointEntrySerializer
    # A town's ledger grows by thousands of entries a quarter: paged without counting them all.
    pagination_class = UncountedPagination
    permission_classes = [IsAuthenticated, writes_need(Cap.WRITE)]
    filterset_fields = ["member", "branch", "kind"]

    def get_queryset(self):
        return point_entries_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            entry = services.point_entry_add(
                member=d["member"], kind=d["kind"], points=d["points"], reason=d["reason"], on=d["on"], by=request.user
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        return Response(PointEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="民主评议"), retrieve=extend_schema(summary="民主评议详情"))
class AppraisalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AppraisalSerializer
    filterset_fields = ["year", "branch", "grade"]

    def get_queryset(self):
        # The answer names the member and the branch only by ID and the member by name: neither the
        # branch's row nor the rest of the member's (ID number, phone, address) is read. At a town's
        # 2,700 appraisals a year the join that orders them by name is then made of narrow rows.
        fields = [name for name in AppraisalSerializer.Meta.fields if name != "member_name"]
        return (
            appraisals_visible_to(self.request.user)
            .select_related(None)
            .select_related("member")
            .only(*fields, "member__name")
        )


@extend_schema_view(list=extend_schema(summary="季度通报"), retrieve=extend_schema(summary="季度通报状态"))
class BriefingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BriefingSerializer

    def get_queryset(self):
        return briefings_visible_to(self.request.user)


def register(router) -> None:
    router.register("assessment/standards", StandardViewSet, basename="assessment-standards")
    router.register("assessment/inspections", InspectionViewSet, basename="assessment-inspections")
    router.register("assessment/rectifications", RectificationViewSet, basename="assessment-rectifications")
    router.register("assessment/scores", QuarterScoreViewSet, basename="assessment-scores")
    router.register("assessment/points", PointEntryViewSet, basename="assessment-points")
    router.register("assessment/appraisals", AppraisalViewSet, basename="assessment-appraisals")
    router.register("assessment/briefings", BriefingViewSet, basename="assessment-briefings")
