import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import briefing, services


@shared_task(name="assessment.tasks.briefing_compile_task", bind=True, acks_late=True, max_retries=3)
def briefing_compile_task(self, briefing_id: int) -> int:
    # The task id is the claim token: a redelivery of this same task (its worker died) may take the claim over.
    return briefing.briefing_compile(briefing_id=briefing_id, token=self.request.id).pk


@shared_task(name="assessment.tasks.briefings_compile_due")
def briefings_compile_due() -> int:
    return len(briefing.compile_due())


@shared_task(name="assessment.tasks.rectifications_flag_overdue")
def rectifications_flag_overdue() -> int:
    return services.rectifications_flag_overdue().open


@shared_task(name="assessment.tasks.points_credit_attendance")
def points_credit_attendance() -> int:
    """This month's and last month's attendance, credited again each night (meetings logged late count)."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return services.points_credit_attendance(month=last_month) + services.points_credit_attendance(month=today)
