"""Background tasks of the proposals app (Celery; run in the request without a broker)."""

from celery import shared_task
from django.utils import timezone

from proposals.reminders import send_reminders
from proposals.services import import_runs


@shared_task(ignore_result=True)
def execute_import(run_id: int, apply: bool) -> None:
    """Check or import a large spreadsheet (``services.imports.import_start`` queues this)."""
    import_runs.import_execute(run_id=run_id, apply=apply)


@shared_task(ignore_result=True)
def send_daily_reminders(days: int = 14) -> None:
    """Each unit's due and overdue assignments by e-mail, once a day at most (the beat
    schedule runs it each morning; ``manage.py send_reminders`` does the same from cron)."""
    send_reminders(timezone.localdate(), days)
