from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "三会一课"

    def ready(self):
        from .figures_cache import connect_signals

        connect_signals()
