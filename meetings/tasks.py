from celery import shared_task

from . import overdue


@shared_task(name="meetings.tasks.flag_overdue_meetings")
def flag_overdue_meetings(as_of: str | None = None) -> dict:
    """Daily (beat, see CELERY_BEAT_SCHEDULE): flag overdue meetings and remind of periods ending soon."""
    import datetime as dt

    result = overdue.meetings_flag_overdue(as_of=dt.date.fromisoformat(as_of) if as_of else None)
    return {**result.__dict__, "as_of": result.as_of.isoformat()}


@shared_task(name="meetings.tasks.count_compliance_figures")
def count_compliance_figures() -> dict:
    """Every branch's compliance figures for today's views counted again and kept in the cache, so that no
    reader counts them: daily just after midnight (beat, see CELERY_BEAT_SCHEDULE: the day is in the figures'
    keys), and once a rule, type, branch, party group or area change commits (meetings.figures_cache).
    Returns the branches and towns counted, the day and the seconds taken."""
    from . import figures_cache, warm

    figures_cache.recount_started()  # a change committed while counting asks for another count
    return warm.count_everything()
