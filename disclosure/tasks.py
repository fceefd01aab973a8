from celery import shared_task


@shared_task(ignore_result=True)
def items_publish_due() -> int:
    """Every minute (beat): publish approved items whose set time has come. Safe to run twice."""
    from .services import items_publish_due as publish_due

    return publish_due()
