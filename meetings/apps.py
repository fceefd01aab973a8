from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "三会一课"

    def ready(self):
        from . import warm  # noqa: F401 - registers the figures counted again when a meeting is saved
        from .figures_cache import connect_signals

        connect_signals()
