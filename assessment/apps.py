from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from . import dashboard  # noqa: F401 - registers the dashboard's figures counted again when a meeting is saved
