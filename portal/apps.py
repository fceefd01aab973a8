from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PortalConfig(AppConfig):
    """Portal-wide pieces every app plugs into: navigation, demo seeding, API paging.

    The portal imports no app; each app's ``nav.py`` and ``demo.py`` register
    themselves here when the project starts.
    """

    name = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        autodiscover_modules("nav")
        autodiscover_modules("demo")
