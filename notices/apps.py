from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Shared machinery for the feature apps: flags on what is late, and notices to the people responsible."""

    name = "notices"
    verbose_name = "提醒与通知"
