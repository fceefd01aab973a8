"""DRF pieces that put API views under the portal's scope."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

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
