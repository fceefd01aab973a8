"""DRF pieces that put API views under the portal's scope."""

from __future__ import annotations

from django.utils.module_loading import import_string
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.relations import PrimaryKeyRelatedField

from portal.api import StrictFilterSet

from .scope import Cap, scope_for


def writes_need(cap: Cap = Cap.WRITE) -> type[BasePermission]:
    """A permission class: reading is open to any login (the queryset is scoped); writing needs ``cap`` somewhere.

    Whether the object itself may be written is decided by the app's
    ``get_<entity>_for_user(..., write=True)``; this only turns away a caller
    who holds the capability nowhere, before their request body is read.
    """

    class WritesNeedCapability(BasePermission):
        message = "您没有此项操作的权限"

        def has_permission(self, request, view) -> bool:
            return request.method in SAFE_METHODS or scope_for(request.user).has(cap)

    WritesNeedCapability.__name__ = f"WritesNeed{cap.name.title().replace('_', '')}"
    return WritesNeedCapability


# The selector that lists what a user may see, per model a filter may point at.
VISIBLE_CHOICES = {
    "branches.branch": "branches.selectors.branches_visible_to",
    "branches.partygroup": "branches.selectors.party_groups_visible_to",
    "branches.area": "branches.selectors.areas_visible_to",
    "members.member": "members.selectors.members_visible_to",
}


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, with every related-object filter's choices cut to what the user may see.

    ``?branch=<id>`` then answers the same 400 for an id that does not exist and
    for one outside the user's scope, and the browsable API's filter form lists
    only the user's own branches, groups and areas.
    """

    # Strict for every API filter (portal.api): a blank or malformed value is a 400, never "no filter".
    filterset_base = StrictFilterSet

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for spec in filterset.filters.values():
            if isinstance(spec, (ModelChoiceFilter, ModelMultipleChoiceFilter)):
                model = getattr(spec.queryset, "model", None)
                selector = VISIBLE_CHOICES.get(model._meta.label_lower) if model is not None else None
                if selector is not None:
                    spec.queryset = import_string(selector)(request.user)
        return filterset


class ScopedPrimaryKeyRelatedField(PrimaryKeyRelatedField):
    """A related-object field whose choices (and accepted ids) are what a selector gives the requesting user.

    ``selector`` is a dotted path, e.g. ``"branches.selectors.branches_writable_by"``.
    """

    def __init__(self, selector: str, model, **kwargs):
        self.selector = selector
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        return import_string(self.selector)(request.user)
