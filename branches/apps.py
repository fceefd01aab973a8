from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "党组织"

    def ready(self) -> None:
        from .tree_cache import connect_signals

        connect_signals()
