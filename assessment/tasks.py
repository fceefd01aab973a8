import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import briefing, publishing, services


@shared_task(name="assessment.tasks.briefing_compile_task", bind=True, acks_late=True, max_retries=3)
def briefing_compile_task(self, briefing_id: int) -> int:
    # The task id is the claim token: a redelivery of this same task (its worker died) may take the claim over.
    return briefing.briefing_compile(briefing_id=briefing_id, token=self.request.id).pk


@shared_task(name="assessment.tasks.briefings_compile_due")
def briefings_compile_due() -> int:
    return len(briefing.compile_due())


@shared_task(name="assessment.tasks.rectifications_flag_overdue")
def rectifications_flag_overdue() -> int:
    """Daily: board fixtures that need fixing open (and, checked 达标 again, close) items; overdue items flagged."""
    _fixtures, flags = services.rectifications_daily()
    return flags.open


@shared_task(name="assessment.tasks.points_credit_attendance")
def points_credit_attendance() -> int:
    """This month's and last month's attendance, credited again each night (meetings logged late count)."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return services.points_credit_attendance(month=last_month) + services.points_credit_attendance(month=today)


@shared_task(name="assessment.tasks.pioneer_rankings_publish_due")
def pioneer_rankings_publish_due() -> int:
    return publishing.pioneer_rankings_publish_due()
