from celery import shared_task

from .delays import projects_flag_delays


@shared_task(name="projects.tasks.projects_flag_delays")
def projects_flag_delays_task() -> dict:
    result = projects_flag_delays()
    return {
        "statuses_changed": result.statuses_changed,
        "milestones_open": result.milestones.open,
        "key_tasks_open": result.key_tasks.open,
    }
