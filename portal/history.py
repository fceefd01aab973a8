"""Change history (django-simple-history): who changed a record, what, when, and through which door.

Members, branches, officer posts and logins keep a historical row per change;
``history_door`` says where the change came from, read off the request that
made it (django-simple-history's middleware keeps it): the admin, the API, a
portal page, or the system (a command, a Celery task, a migration). The
admin's 历史 page of a record lists them to whoever may see the record there.
"""

from __future__ import annotations

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Door(models.TextChoices):
    ADMIN = "admin", "管理后台"
    API = "api", "接口"
    PAGE = "page", "页面"
    SYSTEM = "system", "系统（命令、后台任务）"


class DoorRecord(models.Model):
    """The extra column of every historical row."""

    history_door = models.CharField("修改途径", max_length=10, choices=Door.choices, default=Door.SYSTEM)

    class Meta:
        abstract = True


def door_of(request) -> str:
    if request is None:
        return Door.SYSTEM
    path = request.path
    if path.startswith("/admin/"):
        return Door.ADMIN
    if path.startswith("/api/"):
        return Door.API
    return Door.PAGE


def history(**kwargs) -> HistoricalRecords:
    """The history a model keeps: ``history = history(excluded_fields=[...])``."""
    return HistoricalRecords(bases=[DoorRecord], **kwargs)


@receiver(pre_create_historical_record)
def _record_door(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "history_door"):
        history_instance.history_door = door_of(getattr(HistoricalRecords.context, "request", None))
