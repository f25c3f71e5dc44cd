"""Spreadsheet imports, step by step: upload, say what unrecognised columns hold, check
(a dry run), import. Every step on an ``ImportRun`` is a function here.

A check or an import of a few thousand rows runs in the request; a larger file runs as a
Celery task (``proposals.tasks.execute_import``) while the page shows its progress, read
from the cache, which the worker writes as it goes.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc import sheets
from hcppcc.directory.models import User
from proposals.choices import IMPORT_BUSY_STATES, ImportKind, ImportStatus, RowOutcome
from proposals.errors import IllegalTransition
from proposals.imports.base import Importer, Spool
from proposals.imports.directory import MemberImporter, UnitImporter
from proposals.imports.ledger import LedgerImporter
from proposals.models import ImportRowResult, ImportRun

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.LEDGER: LedgerImporter,
    ImportKind.MEMBERS: MemberImporter,
    ImportKind.UNITS: UnitImporter,
}
logger = logging.getLogger(__name__)
# Progress is written every this many rows, and kept this long.
PROGRESS_EVERY = 50
PROGRESS_TIMEOUT = 7 * 24 * 3600
# PostgreSQL advisory lock keys: one per list, so that one file of a list runs at a time.
IMPORT_LOCK = 0x1D9C
KIND_LOCKS = {kind: number for number, kind in enumerate(ImportKind.values, start=1)}


def import_upload(*, kind: str, upload, by: User | None) -> ImportRun:
    """Keep an uploaded spreadsheet for checking. A file that is not a spreadsheet, or
    is too large, is refused with the reason and nothing is kept."""
    if kind not in IMPORTERS:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    limit = settings.HCPPCC_IMPORT_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            {
                "file": _(
                    "The file is %(size).1f MB; at most %(limit)d MB can be imported at once. "
                    "Split it into several files."
                )
                % {"size": upload.size / 1024 / 1024, "limit": limit}
            }
        )
    try:
        rows = sheets.count_rows(upload, upload.name)
        next(sheets.read_rows(upload, upload.name))
    except sheets.SheetError as error:
        raise ValidationError({"file": str(error)}) from error
    except StopIteration:
        raise ValidationError({"file": _("The file is empty.")}) from None
    if rows > settings.HCPPCC_IMPORT_MAX_ROWS:
        raise ValidationError(
            {
                "file": _(
                    "The file has %(rows)d rows; at most %(limit)d can be imported at once. "
                    "Split it into several files."
                )
                % {"rows": rows, "limit": settings.HCPPCC_IMPORT_MAX_ROWS}
            }
        )
    upload.seek(0)
    run = ImportRun(
        kind=kind,
        file=upload,
        file_name=upload.name[-200:],
        size=upload.size,
        total_rows=rows,
        created_by=by,
    )
    run.full_clean()
    run.save()
    return run


def import_headers(run: ImportRun) -> tuple[list, sheets.HeaderMatch]:
    """The file's header row and how it matches the import's columns, with the mapping
    the clerk has given so far."""
    try:
        with run.file.open("rb") as handle:
            _line, headers = next(sheets.read_rows(handle, run.file_name))
    except OSError as error:
        raise sheets.SheetError(
            _("The uploaded file is no longer kept; upload it again.")
        ) from error
    except StopIteration:
        raise sheets.SheetError(_("The file is empty.")) from None
    return headers, sheets.match_headers(headers, IMPORTERS[run.kind].columns, run.mapping)


@transaction.atomic
def import_set_mapping(*, run: ImportRun, mapping: dict[str, str], by: User | None) -> ImportRun:
    """Record which column each unrecognised header stands for (or that it is ignored).
    A changed mapping needs a new check before the import."""
    run = _lock(run)
    if run.status == ImportStatus.IMPORTED:
        raise IllegalTransition(_("This file has been imported; upload it again to re-import."))
    if run.status in IMPORT_BUSY_STATES:
        raise IllegalTransition(_("This file is being worked on; wait for it to finish."))
    known = {column.key for column in IMPORTERS[run.kind].columns} | {sheets.IGNORE}
    unknown = sorted(set(mapping.values()) - known)
    if unknown:
        raise ValidationError({"mapping": _("Unknown columns: %(keys)s") % {"keys": unknown}})
    run.mapping = mapping
    run.status = ImportStatus.UPLOADED
    run.save(update_fields=["mapping", "status"])
    return run


def import_start(
    *, run: ImportRun, apply: bool, by: User | None, inline: bool | None = None
) -> ImportRun:
    """Check (``apply`` false) or import the run's file: here and now when it is small
    (or ``inline``, as the command asks), as a background task otherwise. Returns the run
    as it stands when this returns."""
    run = _begin(run, apply, by)
    if inline is None:
        inline = run.total_rows <= settings.HCPPCC_IMPORT_INLINE_ROWS
    if inline:
        try:
            return import_execute(run_id=run.pk, apply=apply)
        except Exception:
            # Marked failed by import_execute; the clerk reads that, the log the cause.
            logger.exception("import #%s broke off", run.pk)
            return ImportRun.objects.get(pk=run.pk)
    transaction.on_commit(lambda: _queue(run.pk, apply))
    # Without a broker (or outside a transaction) the task has already run.
    run.refresh_from_db()
    return run


def _queue(run_id: int, apply: bool) -> None:
    from proposals import tasks  # the tasks module imports this one

    try:
        tasks.execute_import.delay(run_id, apply)
    except Exception:
        logger.exception("import #%s could not be queued", run_id)
        import_fail(
            run_id=run_id,
            message=_("The background worker could not be reached; try again later."),
        )


@transaction.atomic
def _begin(run: ImportRun, apply: bool, by: User | None) -> ImportRun:
    # One file of a list at a time: two clerks importing the same ledger at once would
    # both find its proposals missing.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, KIND_LOCKS[run.kind]]
            )
    run = _lock(run)
    if run.status in IMPORT_BUSY_STATES and not import_stalled(run):
        raise IllegalTransition(_("This file is being worked on; wait for it to finish."))
    if run.status == ImportStatus.IMPORTED:
        raise IllegalTransition(_("This file has already been imported."))
    if apply and not (run.status == ImportStatus.CHECKED and run.error_rows == 0):
        raise IllegalTransition(
            _("Check the file first; it can be imported once no row has an error.")
        )
    other = ImportRun.objects.filter(kind=run.kind, status__in=IMPORT_BUSY_STATES).exclude(
        pk=run.pk
    )
    other = next((o for o in other if not import_stalled(o)), None)
    if other is not None:
        raise IllegalTransition(
            _("Import #%(pk)s of the same list is being worked on; wait for it to finish.")
            % {"pk": other.pk}
        )
    if apply:
        run.status, run.imported_by = ImportStatus.IMPORTING, by
    else:
        run.status, run.checked_by = ImportStatus.CHECKING, by
    run.message = ""
    run.save(update_fields=["status", "message", "imported_by" if apply else "checked_by"])
    _heartbeat(run, 0)
    return run


def _lock(run: ImportRun) -> ImportRun:
    return ImportRun.objects.select_for_update().get(pk=run.pk)


def _heartbeat(run: ImportRun, done: int) -> None:
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
            _heartbeat(run, done)

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
    _heartbeat(run, tally.rows)
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


def outcome_counts(run: ImportRun) -> dict[str, int]:
    return {
        RowOutcome.NEW: run.new_rows,
        RowOutcome.UPDATE: run.updated_rows,
        RowOutcome.UNCHANGED: run.unchanged_rows,
        RowOutcome.ERROR: run.error_rows,
    }
