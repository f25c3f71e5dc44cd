"""Running a check or an import of an ``ImportRun`` that ``imports.import_start`` began:
in the request for a small file, or in a Celery worker (``proposals.tasks``) for a large
one. The worker writes its progress to the cache as it goes; the page reads it there.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core import sheets
from hcppcc.core.imports import Importer, Spool
from hcppcc.directory.imports import MemberImporter, UnitImporter
from proposals.choices import IMPORT_BUSY_STATES, ImportKind, ImportStatus
from proposals.imports.ledger import LedgerImporter
from proposals.models import ImportRowResult, ImportRun

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.LEDGER: LedgerImporter,
    ImportKind.MEMBERS: MemberImporter,
    ImportKind.UNITS: UnitImporter,
}
# Progress is written every this many rows, and kept this long.
PROGRESS_EVERY = 50
PROGRESS_TIMEOUT = 7 * 24 * 3600


def heartbeat(run: ImportRun, done: int) -> None:
    """Rows done so far, and when that was last said: the page reads the one, and a run
    whose worker has gone quiet too long may be started again (``import_stalled``)."""
    cache.set(run.progress_key, done, timeout=PROGRESS_TIMEOUT)
    cache.set(f"{run.progress_key}:at", time.time(), timeout=PROGRESS_TIMEOUT)


def import_stalled(run: ImportRun) -> bool:
    """A run left checking or importing whose worker has said nothing for a while (it
    died, or the task was lost): it may be started again."""
    if run.status not in IMPORT_BUSY_STATES:
        return False
    said = cache.get(f"{run.progress_key}:at")
    return said is None or time.time() - said > settings.HCPPCC_IMPORT_STALL_MINUTES * 60


def import_execute(*, run_id: int, apply: bool) -> ImportRun:
    """Run the check or the import of a run ``import_start`` began; the task calls this.

    One transaction holds it all: the rows (``Importer.run_rows``, rolled back to its own
    savepoint for a check or when any row failed), then their outcomes — spooled to disk
    meanwhile, so the rollback does not take them — and the run's new state. An import is
    therefore never written without its record of what it did.
    """
    run = ImportRun.objects.get(pk=run_id)
    importer = IMPORTERS[run.kind](run=run, by=run.imported_by if apply else run.checked_by)
    spool = Spool()

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            heartbeat(run, done)

    try:
        with transaction.atomic(), run.file.open("rb") as handle:
            tally = importer.run_rows(
                sheets.read_rows(handle, run.file_name),
                mapping=run.mapping,
                apply=apply,
                results=spool,
                progress=progress,
            )
            _store_results(run, spool)
            run.new_rows = tally.new
            run.updated_rows = tally.update
            run.unchanged_rows = tally.unchanged
            run.error_rows = tally.error
            run.total_rows = tally.rows
            imported = apply and not tally.error
            if imported:
                run.status, run.imported_at = ImportStatus.IMPORTED, timezone.now()
            else:
                run.status, run.checked_at = ImportStatus.CHECKED, timezone.now()
            run.save(
                update_fields=[
                    *("status", "new_rows", "updated_rows", "unchanged_rows", "error_rows"),
                    "total_rows",
                    "imported_at" if imported else "checked_at",
                ]
            )
    except sheets.SheetError as error:
        run.status = ImportStatus.FAILED
        run.message = str(error)
        run.save(update_fields=["status", "message"])
        return run
    except Exception:
        import_fail(
            run_id=run.pk, message=_("The work broke off and nothing was written; try again.")
        )
        raise
    finally:
        spool.close()
    heartbeat(run, tally.rows)
    return run


def _store_results(run: ImportRun, spool: Spool) -> None:
    """The rows' outcomes, in place of the previous check's, a thousand at a time."""
    ImportRowResult.objects.filter(run=run).delete()
    batch = []
    for result in spool:
        batch.append(
            ImportRowResult(
                run=run,
                line=result.line,
                outcome=result.outcome,
                key=result.key[:300],
                message=result.message,
            )
        )
        if len(batch) == 1000:
            ImportRowResult.objects.bulk_create(batch)
            batch = []
    ImportRowResult.objects.bulk_create(batch)


def import_fail(*, run_id: int, message: str) -> None:
    """Mark a run whose task broke off (the worker died, the database went away)."""
    ImportRun.objects.filter(pk=run_id, status__in=IMPORT_BUSY_STATES).update(
        status=ImportStatus.FAILED, message=message
    )
