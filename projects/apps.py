from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """书记领衔 projects and the town's key tasks (亮任务) with their wall chart."""

    name = "projects"
    verbose_name = "书记领衔与亮任务"
