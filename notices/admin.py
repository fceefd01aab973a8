from django.contrib import admin

from accounts.scope_admin import ReadOnlyScopedAdminMixin

from .models import Flag
from .selectors import flags_visible_to


@admin.register(Flag)
class FlagAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Flags are opened and closed by the daily jobs only: read-only here."""

    list_display = ("title", "kind", "branch", "period", "opened_at", "closed_at")
    list_filter = ("kind", "closed_at")
    search_fields = ("title", "branch__name")

    def visible_queryset(self, request):
        return flags_visible_to(request.user)
