from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap, scope_for
from accounts.scope_api import ScopedPrimaryKeyRelatedField, writes_need
from branches.models import Branch, PartyGroup
from branches.selectors import get_branch_for_user
from portal.api import IdFilter, StrictBooleanFilter, StrictFilterSet

from . import services
from .models import Member, MemberTransfer
from .personal_data import mask_fields
from .selectors import can_see_personal_data, get_member_for_user, members_visible_to, transfers_of


class MemberSerializer(serializers.ModelSerializer):
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
        read_only_fields = ["created_at", "updated_at", "standing_since"]
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

    def validate_branch(self, branch):
        if not scope_for(self.context["request"].user).covers(Cap.WRITE, branch):
            raise serializers.ValidationError("无权在该党组织下维护党员")
        return branch


class MemberUpdateSerializer(MemberSerializer):
    branch = serializers.PrimaryKeyRelatedField(read_only=True, help_text="转接请用 transfer 接口")


class TransferSerializer(serializers.Serializer):
    to_branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.filter(is_active=True), label="转入组织")
    on = serializers.DateField(required=False, label="转接日期")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, label="转接原因")


class TransferOutSerializer(serializers.ModelSerializer):
    from_branch_name = serializers.CharField(source="from_branch.name")
    to_branch_name = serializers.CharField(source="to_branch.name")

    class Meta:
        model = MemberTransfer
        fields = ["id", "from_branch", "from_branch_name", "to_branch", "to_branch_name", "transferred_on", "reason"]


class MemberFilter(StrictFilterSet):
    within = IdFilter(method="filter_within", label="某组织及其下级（组织 ID）")
    due_for_conversion = StrictBooleanFilter(method="filter_due", label="预备期满一年待转正")

    class Meta:
        model = Member
        fields = ["branch", "category", "standing", "party_group", "gender", "is_floating", "is_lost_contact"]

    def filter_within(self, queryset, name, value):
        root = get_branch_for_user(self.request.user, pk=int(value))
        return queryset.filter(branch__path__startswith=root.path)

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
    # Exact ID number and phone searches are deliberately absent: a masked
    # caller must not be able to probe for a number by searching it.
    search_fields = ["name"]
    ordering_fields = ["name", "joined_on", "birth_date", "id"]
    ordering = ["branch_id", "name", "id"]
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

    @extend_schema(summary="组织关系转接", request=TransferSerializer, responses={201: TransferOutSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        member = self.get_object()
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                transfer = services.member_transfer(member=member, by=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None
        return Response(TransferOutSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="组织关系转接记录", responses=TransferOutSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def transfers(self, request, pk=None):
        member = self.get_object()
        page = self.paginate_queryset(transfers_of(member))
        return self.get_paginated_response(TransferOutSerializer(page, many=True).data)


def register(router) -> None:
    router.register("members", MemberViewSet, basename="members")
