from __future__ import annotations

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from portal.api import ChoiceLabelField, IdFilter, ModelSerializer, StrictFilterSet

from .models import Area, Branch, PartyGroup
from .selectors import areas_visible_to, branches_visible_to, get_branch_for_user, party_groups_visible_to


class BranchSerializer(ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True, help_text="上级党组织 ID")
    kind_display = ChoiceLabelField(source="kind")
    unit_display = ChoiceLabelField(source="unit")
    area_name = serializers.CharField(source="area.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Branch
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "unit",
            "unit_display",
            "parent",
            "depth",
            "area",
            "area_name",
            "founded_on",
            "is_active",
            "dissolved_on",
        ]


class BranchFilter(StrictFilterSet):
    within = IdFilter(method="filter_within", label="某组织及其下级（组织 ID）")

    class Meta:
        model = Branch
        fields = ["kind", "unit", "area", "is_active"]

    def filter_within(self, queryset, name, value):
        root = get_branch_for_user(self.request.user, pk=int(value))
        return queryset.filter(path__startswith=root.path)


@extend_schema_view(list=extend_schema(summary="可见的党组织列表"), retrieve=extend_schema(summary="党组织详情"))
class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BranchSerializer
    filterset_class = BranchFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "path"]
    ordering = ["path"]

    def get_queryset(self):
        # The parent comes from the materialized path in the same query, not one query per row.
        parent = Branch.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Branch.steplen))
        return branches_visible_to(self.request.user).annotate(parent_id=Subquery(parent.values("pk")[:1]))

    def get_object(self):
        branch = get_branch_for_user(self.request.user, pk=self.kwargs["pk"])
        return self.get_queryset().get(pk=branch.pk)


class AreaSerializer(ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "town", "description"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    search_fields = ["name", "code"]

    def get_queryset(self):
        return areas_visible_to(self.request.user).order_by("code")


class PartyGroupSerializer(ModelSerializer):
    class Meta:
        model = PartyGroup
        fields = ["id", "branch", "name", "leader"]


class PartyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PartyGroupSerializer
    filterset_fields = ["branch"]
    search_fields = ["name"]

    def get_queryset(self):
        return party_groups_visible_to(self.request.user).order_by(F("branch_id"), "name")


def register(router) -> None:
    router.register("branches", BranchViewSet, basename="branches")
    router.register("areas", AreaViewSet, basename="areas")
    router.register("party-groups", PartyGroupViewSet, basename="party-groups")
