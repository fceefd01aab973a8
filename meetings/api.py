"""API for rules, meetings (log one with its attendance), attendance, plans and compliance; scoped like the pages.

Flags and notices are served by the notices app (``/api/flags/?kind=meeting_overdue``, ``/api/notices/``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap
from accounts.scope_api import ScopedFilterBackend, writes_need
from branches.models import Branch, PartyGroup
from branches.selectors import branches_visible_to, get_branch_for_user
from portal.api import ModelSerializer, NewestFirstKeysetPagination, RefusesReadOnlyInput

from . import services
from .models import Attendance, Meeting, MeetingRule, MeetingType, PlanItem
from .selectors import (
    attendance_visible_to,
    compliance_cells,
    get_meeting_for_user,
    meetings_visible_to,
    plan_items_visible_to,
    type_values_of_meetings,
)


class MeetingRuleSerializer(ModelSerializer):
    meeting_type_code = serializers.CharField(source="meeting_type.code", read_only=True)
    meeting_type_name = serializers.CharField(source="meeting_type.name", read_only=True)

    class Meta:
        model = MeetingRule
        fields = [
            "id", "meeting_type_code", "meeting_type_name", "kinds", "units", "per_party_group",
            "period", "count", "valid_from", "valid_until", "note",
        ]  # fmt: skip
        read_only_fields = fields


# A clock time as the API says it: "14:00" or "14:00:00". JSON Schema's "time" format asks for a zone
# offset ("14:00:00Z") that a meeting's starting time does not have, so the contract states a pattern,
# and the field holds input to the same pattern (Django's parser alone would also take "9:5").
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")


@extend_schema_field({"type": "string", "pattern": CLOCK.pattern, "example": "14:00"})
class ClockTimeField(serializers.TimeField):
    def to_internal_value(self, value):
        if not isinstance(value, str) or not CLOCK.match(value):
            raise ValidationError("时间格式应为 HH:MM 或 HH:MM:SS")
        return super().to_internal_value(value)


class AttendanceSerializer(ModelSerializer):
    # Empty unless on leave: the contract lists "" with the reasons.
    reason = serializers.ChoiceField(choices=Attendance.Reason.choices, allow_blank=True, read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    meeting_held_on = serializers.DateField(source="meeting.held_on", read_only=True)
    meeting_topic = serializers.CharField(source="meeting.topic", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "meeting_held_on", "meeting_topic", "member", "member_name", "status", "reason"]
        read_only_fields = fields


class MarkSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    reason = serializers.ChoiceField(choices=Attendance.Reason.choices, required=False, allow_blank=True, default="")


class TypeCodesField(serializers.ManyRelatedField):
    """A meeting's types by code (``SlugRelatedField(slug_field="code", many=True)``), read on a list page
    from the codes :func:`attach_type_codes` read for the whole page in one query, when it did."""

    def get_attribute(self, instance):
        codes = getattr(instance, "type_codes", None)
        return codes if codes is not None else super().get_attribute(instance)

    def to_representation(self, iterable):
        return [code if isinstance(code, str) else self.child_relation.to_representation(code) for code in iterable]


def attach_type_codes(meetings) -> None:
    """Set ``type_codes`` on each meeting: its types' codes in the types' order, one query for them all
    (a prefetch of the types was a third of a 50-meeting API page at 40 towns)."""
    codes = type_values_of_meetings([m.pk for m in meetings], "code")
    for meeting in meetings:
        meeting.type_codes = codes[meeting.pk]


class MeetingSerializer(RefusesReadOnlyInput, ModelSerializer):
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    types = TypeCodesField(
        child_relation=serializers.SlugRelatedField(slug_field="code", queryset=MeetingType.objects.all())
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    attendance = MarkSerializer(many=True, write_only=True, required=False, help_text="未列出的党员按出席记录")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True, help_text="同一标识重复提交只生成一条会议")
    party_group = serializers.PrimaryKeyRelatedField(queryset=PartyGroup.objects.all(), required=False, allow_null=True)
    starts_at = ClockTimeField(required=False, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "branch", "branch_name", "party_group", "types", "held_on", "starts_at", "place", "topic",
            "host", "recorder", "lecturer", "guests", "minutes", "status", "expected_count", "present_count",
            "leave_count", "absent_count", "attendance", "idempotency_key", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "expected_count", "present_count", "leave_count", "absent_count", "created_at",
        ]  # fmt: skip


@extend_schema_view(list=extend_schema(summary="会议制度"), retrieve=extend_schema(summary="会议制度详情"))
class MeetingRuleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingRuleSerializer
    queryset = MeetingRule.objects.select_related("meeting_type")
    filterset_fields = ["period"]


API_COLUMNS = (*(f.name for f in Meeting._meta.concrete_fields), "branch__name")


@extend_schema_view(
    list=extend_schema(
        summary="可见的会议记录", parameters=[OpenApiParameter("type", str, description="会议类型编码")]
    ),
    retrieve=extend_schema(summary="会议详情"),
    create=extend_schema(summary="记录会议（含出勤；带 idempotency_key 可安全重试）"),
)
class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = MeetingSerializer
    permission_classes = [IsAuthenticated, writes_need(Cap.WRITE)]
    filterset_fields = {"branch": ["exact"], "held_on": ["gte", "lte"], "status": ["exact"]}
    ordering = ["-held_on", "-pk"]

    def get_queryset(self):
        # Every column of a meeting and only its branch's name: not the branch's other columns, nor the
        # party group (the answer gives its ID), each a model instance per row.
        qs = meetings_visible_to(self.request.user).select_related(None).select_related("branch").only(*API_COLUMNS)
        if self.action == "list":
            qs = qs.prefetch_related(None)  # the page's type codes are read in one query (paginate_queryset)
        if code := self.request.query_params.get("type"):
            qs = qs.filter(types__code=code)
        return qs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            attach_type_codes(page)
        return page

    def get_object(self):
        return get_meeting_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        branch = get_branch_for_user(request.user, pk=data.pop("branch").pk, write=True)
        marks = {m["member"]: services.Mark(m["status"], m.get("reason", "")) for m in data.pop("attendance", [])}
        try:
            meeting, created = services.meeting_create(
                branch=branch, by=request.user, types=list(data.pop("types")), marks=marks, **data
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        out = MeetingSerializer(meeting, context=self.get_serializer_context()).data
        return Response(out, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(summary="会议出勤名单", responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        meeting = self.get_object()
        rows = meeting.attendance.select_related("member", "meeting").order_by("member__name", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AttendanceSerializer(page, many=True).data)


class AttendancePagination(NewestFirstKeysetPagination):
    date_field = "meeting__held_on"


@extend_schema_view(
    list=extend_schema(summary="出勤记录（本人的，或可见支部的）：会议日期最新的在前，按 next 链接翻页")
)
class AttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AttendanceSerializer
    filterset_fields = {"member": ["exact"], "meeting__held_on": ["gte", "lte"], "status": ["exact"]}
    # A town's marks are a hundred thousand rows a year: paged by their meeting's date, without a count.
    pagination_class = AttendancePagination
    filter_backends = [ScopedFilterBackend]  # the cursor's order is the order: no ?ordering=

    def get_queryset(self):
        return attendance_visible_to(self.request.user).select_related("member", "meeting")


class PlanItemSerializer(ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "branch", "year", "month", "planned_on", "topic"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="主题党日年度计划"), retrieve=extend_schema(summary="计划条目"))
class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanItemSerializer
    filterset_fields = ["branch", "year"]
    ordering = ["branch", "year", "month"]

    def get_queryset(self):
        return plan_items_visible_to(self.request.user)


class ComplianceCellSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch_id")
    branch_name = serializers.CharField()
    party_group = serializers.IntegerField(source="party_group_id", allow_null=True)
    rule = serializers.IntegerField(source="rule_id")
    meeting_type = serializers.CharField()
    period = serializers.CharField(source="period.key")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["held", "due", "overdue"])
    last_meeting = serializers.IntegerField(source="last_meeting_id", allow_null=True)
    last_meeting_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()


class ComplianceQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="默认今年")
    branch = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    area = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=["held", "due", "overdue"], required=False)


@extend_schema_view(
    list=extend_schema(summary="三会一课完成情况（每个党组织、制度、期间）", parameters=[ComplianceQuerySerializer])
)
class ComplianceViewSet(viewsets.GenericViewSet):
    """Paged like every list (50 cells a page, ``?page_size=`` up to 200): a whole town is thousands of cells."""

    serializer_class = ComplianceCellSerializer
    filter_backends = []

    def list(self, request):
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        year = params.get("year", timezone.localdate().year)
        branches = branches_visible_to(request.user)
        if "branch" in params:
            branches = branches.filter(pk=params["branch"])
        if "area" in params:
            branches = branches.filter(area_id=params["area"])
        today = timezone.localdate()
        cells = compliance_cells(branches, year, today, of_status=params.get("status"))
        page = self.paginate_queryset(cells)
        return self.get_paginated_response(ComplianceCellSerializer(page, many=True).data)


def register(router) -> None:
    router.register("meeting-rules", MeetingRuleViewSet, basename="meeting-rules")
    router.register("meetings", MeetingViewSet, basename="meetings")
    router.register("meeting-attendance", AttendanceViewSet, basename="meeting-attendance")
    router.register("meeting-plans", PlanItemViewSet, basename="meeting-plans")
    router.register("compliance", ComplianceViewSet, basename="compliance")
