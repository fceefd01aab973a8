import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoqiao.settings")

app = Celery("gaoqiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _cap_memory(**kwargs):
    """Each worker child reads uploads under a memory ceiling (WORKER_MEMORY_LIMIT_MB)."""
    from django.conf import settings

    from portal.limits import cap_address_space

    cap_address_space(settings.WORKER_MEMORY_LIMIT_MB)
