from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import ModelSerializer

from . import services
from .models import Flag, Notice
from .selectors import flags_visible_to, get_flag_for_user, get_notice_for_user, notices_of


class NoticeSerializer(ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class FlagSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "branch",
            "branch_name",
            "subject",
            "period",
            "title",
            "detail",
            "url",
            "opened_at",
            "closed_at",
            "is_open",
        ]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="我的通知"), retrieve=extend_schema(summary="通知详情"))
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    filterset_fields = ["read_at"]

    def get_queryset(self):
        return notices_of(self.request.user)

    def get_object(self):
        return get_notice_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="标为已读", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = services.notice_mark_read(notice=self.get_object())
        return Response(NoticeSerializer(notice).data)


@extend_schema_view(list=extend_schema(summary="可见的逾期提醒"), retrieve=extend_schema(summary="逾期提醒详情"))
class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FlagSerializer
    filterset_fields = ["kind", "branch", "period"]
    ordering = ["-opened_at", "pk"]

    def get_queryset(self):
        qs = flags_visible_to(self.request.user)
        state = self.request.query_params.get("state")
        if state == "open":
            qs = qs.filter(closed_at__isnull=True)
        elif state == "closed":
            qs = qs.filter(closed_at__isnull=False)
        return qs

    def get_object(self):
        return get_flag_for_user(self.request.user, self.kwargs["pk"])


def register(router) -> None:
    router.register("notices", NoticeViewSet, basename="notices")
    router.register("flags", FlagViewSet, basename="flags")
