"""Background tasks of the proposals app (Celery; run in the request without a broker)."""

from celery import shared_task

from proposals.services import import_runs


@shared_task(ignore_result=True)
def execute_import(run_id: int, apply: bool) -> None:
    """Check or import a large spreadsheet (``services.imports.import_start`` queues this)."""
    import_runs.import_execute(run_id=run_id, apply=apply)
