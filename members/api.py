from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap, scope_for
from accounts.scope_api import ScopedPrimaryKeyRelatedField, writes_need
from branches.models import Branch, PartyGroup
from branches.selectors import get_branch_for_user
from portal.api import CharField, IdFilter, ModelSerializer, RequiredBooleanField, StrictBooleanFilter, StrictFilterSet

from . import services
from .filters import member_search_q
from .forms import validate_phone
from .models import COUNTED, Member, MemberTransfer
from .personal_data import mask_fields
from .selectors import (
    can_see_personal_data,
    get_member_for_user,
    get_transfer_for_user,
    members_visible_to,
    transfer_actions_for,
    transfers_of,
    transfers_visible_to,
)


class MemberSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    # A method field, not source="party_group.name": DRF drops a dotted source's default
    # from partial (PATCH) replies, and the reply must carry every documented field.
    party_group_name = serializers.SerializerMethodField()
    is_due_for_conversion = serializers.BooleanField(read_only=True)
    personal_data_masked = serializers.SerializerMethodField(help_text="身份证号、电话、住址是否已脱敏")
    # Choices (and accepted ids) are the caller's own: the browsable API lists nothing else.
    branch = ScopedPrimaryKeyRelatedField("branches.selectors.branches_writable_by", Branch)
    party_group = ScopedPrimaryKeyRelatedField(
        "branches.selectors.party_groups_visible_to", PartyGroup, allow_null=True, required=False
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "education",
            "category",
            "branch",
            "branch_name",
            "party_group",
            "party_group_name",
            "joined_on",
            "full_member_on",
            "conversion_meeting_on",
            "transferred_out_on",
            "job",
            "phone",
            "address",
            "standing",
            "standing_since",
            "is_floating",
            "floating_to",
            "is_lost_contact",
            "lost_contact_since",
            "is_due_for_conversion",
            "personal_data_masked",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at", "standing_since", "transferred_out_on"]
        extra_kwargs = {
            # Filled from the ID number when left out (GB 11643 holds both).
            "birth_date": {"required": False},
            "gender": {"required": False},
            # Member.clean gives the Chinese reason; the unique check runs in the service.
            "id_number": {"validators": []},
        }

    @extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
    def get_party_group_name(self, obj) -> str | None:
        return obj.party_group.name if obj.party_group_id else None

    def get_personal_data_masked(self, obj) -> bool:
        return not can_see_personal_data(self.context["request"].user, obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not can_see_personal_data(self.context["request"].user, instance):
            mask_fields(data)  # the one policy: personal_data.POLICY
        return data

    def validate_phone(self, value):
        try:
            validate_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value

    def validate_branch(self, branch):
        if not scope_for(self.context["request"].user).covers(Cap.WRITE, branch):
            raise serializers.ValidationError("无权在该党组织下维护党员")
        return branch


class MemberUpdateSerializer(MemberSerializer):
    branch = serializers.PrimaryKeyRelatedField(read_only=True, help_text="转接请用 transfer 接口")
    category = serializers.CharField(read_only=True, help_text="转正请用 convert 接口")
    full_member_on = serializers.DateField(read_only=True, allow_null=True)
    conversion_meeting_on = serializers.DateField(read_only=True, allow_null=True)


class TransferSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=MemberTransfer.Kind.choices, default=MemberTransfer.Kind.WITHIN, label="转接类型"
    )
    to_branch = serializers.PrimaryKeyRelatedField(
        queryset=Branch.objects.filter(is_active=True), required=False, allow_null=True, label="转入组织（镇内）"
    )
    destination = CharField(required=False, allow_blank=True, max_length=200, label="转往组织（镇外）")
    on = serializers.DateField(required=False, allow_null=True, label="转接日期")
    reason = CharField(required=False, allow_blank=True, max_length=200, label="转接原因")


class TransferOutSerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    from_branch_name = serializers.CharField(source="from_branch.name", read_only=True)
    to_branch_name = serializers.CharField(source="destination_name", read_only=True)

    class Meta:
        model = MemberTransfer
        fields = [
            "id", "member", "member_name", "kind", "status", "from_branch", "from_branch_name", "to_branch",
            "to_branch_name", "destination", "requested_on", "transferred_on", "reason", "decision_note",
        ]


class ConvertSerializer(serializers.Serializer):
    conversion_meeting_on = serializers.DateField(label="讨论转正的支部党员大会日期")
    full_member_on = serializers.DateField(required=False, allow_null=True, label="转正日期")


class FlagsSerializer(serializers.Serializer):
    is_floating = RequiredBooleanField(label="流动党员")
    floating_to = CharField(required=False, allow_blank=True, max_length=100, label="流入地")
    is_lost_contact = RequiredBooleanField(label="失联党员")
    lost_contact_since = serializers.DateField(required=False, allow_null=True, label="失联日期")


class TransferRejectSerializer(serializers.Serializer):
    note = CharField(max_length=200, label="退回原因")


class MemberFilter(StrictFilterSet):
    within = IdFilter(method="filter_within", label="某组织及其下级（组织 ID）")
    search = django_filters.CharFilter(method="filter_search", label="姓名、拼音、首字母或电话尾号")
    counted = StrictBooleanFilter(method="filter_counted", label="计入党员人数")
    due_for_conversion = StrictBooleanFilter(method="filter_due", label="预备期满一年待转正")

    class Meta:
        model = Member
        fields = ["branch", "category", "standing", "party_group", "gender", "is_floating", "is_lost_contact"]

    def filter_within(self, queryset, name, value):
        root = get_branch_for_user(self.request.user, pk=int(value))
        return queryset.filter(branch__path__startswith=root.path)

    def filter_search(self, queryset, name, value):
        return queryset.filter(member_search_q(self.request.user, value))

    def filter_counted(self, queryset, name, value):
        return queryset.filter(COUNTED) if value else queryset.exclude(COUNTED)

    def filter_due(self, queryset, name, value):
        due = Member.objects.due_for_conversion().values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)


def _as_drf_error(exc: DjangoValidationError) -> DRFValidationError:
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


@extend_schema_view(
    list=extend_schema(summary="可见的党员列表（按权限脱敏）"),
    retrieve=extend_schema(summary="党员详情"),
    create=extend_schema(summary="新增党员"),
    partial_update=extend_schema(summary="修改党员信息"),
)
class MemberViewSet(viewsets.ModelViewSet):
    filterset_class = MemberFilter
    # ?search= is the roster's search (members.filters.member_search_q): name,
    # pinyin, initials, and phone endings only among phones the caller may see,
    # so a masked caller cannot probe for a number.
    ordering_fields = ["name_pinyin", "name", "joined_on", "birth_date", "id"]
    ordering = ["name_pinyin", "name", "id"]
    search_fields: list[str] = []  # DRF's SearchFilter stands aside for the filterset's ``search``
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsAuthenticated, writes_need(Cap.WRITE)]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return MemberUpdateSerializer
        if self.action == "transfer":
            return TransferSerializer
        return MemberSerializer

    def get_queryset(self):
        return members_visible_to(self.request.user)

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_member_for_user(self.request.user, self.kwargs["pk"], write=write)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.member_create(**serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = services.member_update(member=serializer.instance, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None

    def _run(self, call, *, created: bool = False, out=None):
        try:
            with transaction.atomic():
                result = call()
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(out(result) if out else MemberSerializer(result, context={"request": self.request}).data,
                        status=code)

    @extend_schema(summary="发起组织关系转接（镇内待接收；转出本镇写明去向）", request=TransferSerializer,
                   responses={201: TransferOutSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        member = self.get_object()
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._run(
            lambda: services.transfer_start(member=member, by=request.user, **serializer.validated_data),
            created=True, out=lambda t: TransferOutSerializer(t).data,
        )

    @extend_schema(summary="记录转正（支部党员大会日期）", request=ConvertSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        member = self.get_object()
        serializer = ConvertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._run(lambda: services.member_convert_to_full(
            member=member, meeting_on=data["conversion_meeting_on"], on=data.get("full_member_on")))

    @extend_schema(summary="标记或取消流动党员、失联党员", request=FlagsSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        member = self.get_object()
        serializer = FlagsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._run(lambda: services.member_set_flags(member=member, **serializer.validated_data))

    @extend_schema(summary="组织关系转接记录", responses=TransferOutSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def transfers(self, request, pk=None):
        member = self.get_object()
        page = self.paginate_queryset(transfers_of(member))
        return self.get_paginated_response(TransferOutSerializer(page, many=True).data)




@extend_schema_view(
    list=extend_schema(summary="组织关系转接：转出或转入可见组织的"),
    retrieve=extend_schema(summary="转接详情"),
)
class TransferViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TransferOutSerializer
    permission_classes = [IsAuthenticated, writes_need(Cap.WRITE)]
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return transfers_visible_to(self.request.user).order_by("-recorded_at", "-id")

    def _act(self, request, action_name: str, call, body=None):
        # Who may act is asked before the body is read: an outsider gets 404/403, never a 400.
        transfer = get_transfer_for_user(request.user, self.kwargs["pk"])
        if not transfer_actions_for(request.user, transfer)[action_name]:
            raise PermissionDenied("您无权处理此转接")
        data = {}
        if body is not None:
            serializer = body(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            with transaction.atomic():
                result = call(transfer, **data)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None
        return Response(TransferOutSerializer(result).data)

    @extend_schema(summary="接收转接（党员随即转入）", request=None, responses=TransferOutSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, "accept", lambda t: services.transfer_accept(transfer=t, by=request.user))

    @extend_schema(summary="退回转接", request=TransferRejectSerializer, responses=TransferOutSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(
            request, "reject", lambda t, note: services.transfer_reject(transfer=t, by=request.user, note=note),
            body=TransferRejectSerializer,
        )

    @extend_schema(summary="撤回转接（转出方）", request=None, responses=TransferOutSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, "cancel", lambda t: services.transfer_cancel(transfer=t, by=request.user))


def register(router) -> None:
    router.register("members", MemberViewSet, basename="members")
    router.register("transfers", TransferViewSet, basename="transfers")
