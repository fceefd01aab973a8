from celery import shared_task


@shared_task(ignore_result=True, acks_late=True)
def roster_import_run(job_id: int) -> None:
    """Check or import an uploaded roster; the job row says which, and claims the work."""
    from .roster import roster_import_job_run

    roster_import_job_run(job_id=job_id)


@shared_task(ignore_result=True)
def roster_imports_expire() -> None:
    """Hourly (beat): remove unconfirmed uploads after a day and error reports after a week."""
    from .roster import roster_imports_expire as expire

    expire()
