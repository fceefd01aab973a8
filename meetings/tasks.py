from celery import shared_task

from . import overdue


@shared_task(name="meetings.tasks.flag_overdue_meetings")
def flag_overdue_meetings(as_of: str | None = None) -> dict:
    """Daily (beat, see CELERY_BEAT_SCHEDULE): flag overdue meetings and remind of periods ending soon."""
    import datetime as dt

    result = overdue.meetings_flag_overdue(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    return {**result.__dict__, "as_of": result.as_of.isoformat()}
