import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, acks_late=True)
def roster_import_run(job_id: int) -> None:
    """Check or import an uploaded roster; the job row says which, and claims the work."""
    from .roster import roster_import_job_run

    roster_import_job_run(job_id=job_id)


@shared_task(ignore_result=True)
def roster_imports_expire() -> None:
    """Hourly (beat): end every job past its time (any state) and delete its file; drop old error reports."""
    from .roster import roster_imports_expire as expire

    expire()


@shared_task(ignore_result=True)
def roster_imports_recover() -> None:
    """Every minute (beat): take back runs whose worker died; requeue waits whose message was lost."""
    from .roster import roster_imports_recover as recover

    recover()


@worker_ready.connect
def _recover_on_worker_start(**kwargs) -> None:
    """A worker that starts (again) takes back at once the runs its dead predecessor on this host left."""
    from .roster import roster_imports_recover as recover

    try:
        counts = recover()
    except Exception:  # the worker must start even if the database is not there yet
        logger.exception("roster import recovery at worker start failed")
        return
    if any(counts.values()):
        logger.warning("roster import recovery at worker start: %s", counts)
