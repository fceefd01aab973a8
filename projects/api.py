"""API for projects, milestones, monthly reports and key tasks: scoped like the pages, writes through the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.scope import Cap, scope_for
from accounts.scope_api import writes_need
from portal.api import ChoiceLabelField, ModelSerializer, RequiredBooleanField

from . import services
from .models import KeyTask, KeyTaskMonth, Milestone, ProgressReport, Project
from .selectors import (
    get_key_task_for_user,
    get_key_task_month_for_user,
    get_milestone_for_user,
    get_project_for_user,
    get_report_for_user,
    key_task_months_visible_to,
    key_tasks_visible_to,
    milestones_visible_to,
    projects_visible_to,
    reports_visible_to,
)


def _drf(exc: DjangoValidationError) -> DRFValidationError:
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class _WritableProject(serializers.PrimaryKeyRelatedField):
    """A project the caller may write (others are refused as if they did not exist)."""

    def get_queryset(self):
        return projects_visible_to(self.context["request"].user).filter(
            scope_for(self.context["request"].user).write_q("branch__")
        )


class MilestoneSerializer(ModelSerializer):
    project = _WritableProject(help_text="项目 ID")
    is_done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "project", "title", "weight", "planned_on", "done_on", "note", "is_done"]

    def get_is_done(self, obj) -> bool:
        return obj.done_on is not None


class MilestoneUpdateSerializer(MilestoneSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)


class ProjectSerializer(ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    category_display = ChoiceLabelField(source="category")
    status_display = ChoiceLabelField(source="status")

    class Meta:
        model = Project
        fields = [
            "id", "branch", "branch_name", "lead", "lead_name", "name", "category", "category_display", "goal",
            "budget", "starts_on", "ends_on", "status", "status_display", "percent", "dropped_reason", "is_public",
        ]  # fmt: skip
        read_only_fields = ["status", "percent", "dropped_reason", "is_public"]

    def validate_branch(self, branch):
        if not scope_for(self.context["request"].user).covers(Cap.WRITE, branch):
            raise serializers.ValidationError("无权为该党组织建立项目")
        return branch


class ProjectUpdateSerializer(ProjectSerializer):
    branch = serializers.PrimaryKeyRelatedField(read_only=True)


class ReportSerializer(ModelSerializer):
    project = _WritableProject(help_text="项目 ID")

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "month", "done", "problems", "next_steps", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # one per (project, month): a second report for the month rewrites the first


class KeyTaskMonthSerializer(ModelSerializer):
    class Meta:
        model = KeyTaskMonth
        fields = ["id", "task", "month", "target", "state", "evidence", "reason", "checked_on"]
        read_only_fields = fields


_MONTH_FIELDS = [f for f in KeyTaskMonthSerializer.Meta.fields if f != "id"]


class KeyTaskSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    months = KeyTaskMonthSerializer(many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = ["id", "branch", "year", "number", "title", "leader", "unit", "unit_name", "months"]
        read_only_fields = fields


class MonthCheckSerializer(serializers.Serializer):
    done = RequiredBooleanField(help_text="true：已完成（须填佐证）；false：滞后（须填原因）")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class _ServiceWrites:
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [IsAuthenticated, writes_need(Cap.WRITE)]

    def _write(self):
        return self.request.method not in ("GET", "HEAD", "OPTIONS")


@extend_schema_view(
    list=extend_schema(summary="可见的书记领衔项目"),
    retrieve=extend_schema(summary="项目详情"),
    create=extend_schema(summary="新建项目"),
    partial_update=extend_schema(summary="修改项目"),
)
class ProjectViewSet(_ServiceWrites, viewsets.ModelViewSet):
    filterset_fields = ["branch", "status", "category"]
    search_fields = ["name"]
    ordering = ["branch__path", "-starts_on", "id"]

    def get_serializer_class(self):
        return ProjectUpdateSerializer if self.action == "partial_update" else ProjectSerializer

    def get_queryset(self):
        return projects_visible_to(self.request.user)

    def get_object(self):
        return get_project_for_user(self.request.user, self.kwargs["pk"], write=self._write())

    def perform_create(self, serializer):
        try:
            serializer.instance = services.project_create(by=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = services.project_update(
                project=serializer.instance, data=serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from None

    @extend_schema(summary="发布到公开栏（此后每次修改自动发布新版本）", request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        from .publishing import project_publish

        project = self.get_object()
        try:
            project_publish(project=project, by=request.user)
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return Response(ProjectSerializer(project, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="可见的项目节点"),
    retrieve=extend_schema(summary="节点详情"),
    create=extend_schema(summary="新增节点"),
    partial_update=extend_schema(summary="修改节点（填 done_on 即完成）"),
)
class MilestoneViewSet(_ServiceWrites, viewsets.ModelViewSet):
    filterset_fields = ["project"]
    ordering = ["project_id", "planned_on", "id"]

    def get_serializer_class(self):
        return MilestoneUpdateSerializer if self.action == "partial_update" else MilestoneSerializer

    def get_queryset(self):
        return milestones_visible_to(self.request.user)

    def get_object(self):
        return get_milestone_for_user(self.request.user, self.kwargs["pk"], write=self._write())

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        done_on = data.pop("done_on", None)
        try:
            milestone = services.milestone_create(by=self.request.user, **data)
            if done_on:
                milestone = services.milestone_complete(milestone=milestone, done_on=done_on, by=self.request.user)
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        serializer.instance = milestone

    def perform_update(self, serializer):
        try:
            serializer.instance = services.milestone_update(
                milestone=serializer.instance, data=serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from None


@extend_schema_view(
    list=extend_schema(summary="月度进展"),
    retrieve=extend_schema(summary="月度进展详情"),
    create=extend_schema(summary="填报月度进展（同月再次提交覆盖）"),
)
class ReportViewSet(_ServiceWrites, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_fields = ["project", "month"]
    ordering = ["-month", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    def get_object(self):
        return get_report_for_user(self.request.user, self.kwargs["pk"])

    def perform_create(self, serializer):
        try:
            serializer.instance = services.report_save(by=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from None


@extend_schema_view(list=extend_schema(summary="重点任务（亮任务）"), retrieve=extend_schema(summary="重点任务详情"))
class KeyTaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KeyTaskSerializer
    filterset_fields = ["year", "unit"]
    ordering = ["-year", "number", "id"]

    def get_queryset(self):
        # What the serializer reads: the task's columns, its unit's name and its months' columns; not
        # the town's and the unit's whole branch rows, nor who checked a month. The months come in
        # month order per task without the join the model's ordering (by task) needs.
        months = KeyTaskMonth.objects.only(*_MONTH_FIELDS).order_by("task_id", "month")
        return (
            key_tasks_visible_to(self.request.user)
            .select_related(None)
            .select_related("unit")
            .only("branch", "year", "number", "title", "leader", "unit", "unit__name")
            .prefetch_related(Prefetch("months", queryset=months))
        )

    def get_object(self):
        task = get_key_task_for_user(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=task.pk)


@extend_schema_view(list=extend_schema(summary="重点任务月度目标"), retrieve=extend_schema(summary="月度目标详情"))
class KeyTaskMonthViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KeyTaskMonthSerializer
    filterset_fields = ["task", "month", "state"]
    ordering = ["task_id", "month"]

    def get_queryset(self):
        return key_task_months_visible_to(self.request.user)

    def get_object(self):
        return get_key_task_month_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="报送该月完成情况（完成附佐证，或滞后附原因）", request=MonthCheckSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        row = get_key_task_month_for_user(request.user, pk, check=True)
        body = MonthCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.key_task_month_check(row=row, by=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return Response(KeyTaskMonthSerializer(row).data, status=status.HTTP_200_OK)


def register(router) -> None:
    router.register("projects", ProjectViewSet, basename="projects")
    router.register("milestones", MilestoneViewSet, basename="milestones")
    router.register("project-reports", ReportViewSet, basename="project-reports")
    router.register("key-tasks", KeyTaskViewSet, basename="key-tasks")
    router.register("key-task-months", KeyTaskMonthViewSet, basename="key-task-months")
