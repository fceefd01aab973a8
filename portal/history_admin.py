"""The admin side of change history: each record's 历史 page lists who, what, when and through which door."""

from __future__ import annotations

from simple_history.admin import SimpleHistoryAdmin


class ChangeHistoryAdmin(SimpleHistoryAdmin):
    """Shown to whoever may see the record in the admin (the scope decides, as for the record itself)."""

    history_list_display = ["history_door"]

    def history_door(self, record):
        return record.get_history_door_display()
