from celery import shared_task

from . import services


@shared_task(name="notices.tasks.notices_email_pending")
def notices_email_pending() -> int:
    return services.notices_email_pending()
