"""Spreadsheet imports, step by step: upload, say what unrecognised columns hold, check
(a dry run), import. Every step on an ``ImportRun`` is a function here.

A check or an import of a few thousand rows runs in the request; a larger file runs as a
Celery task (``proposals.tasks.execute_import``) while the page shows its progress, read
from the cache, which the worker writes as it goes.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from hcppcc.core import sheets
from hcppcc.core.imports import RowOutcome
from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import User
from proposals import tasks, workflow
from proposals.choices import IMPORT_BUSY_STATES, ImportKind, ImportStatus
from proposals.models import ImportRun
from proposals.services.import_runs import (
    IMPORTERS,
    heartbeat,
    import_execute,
    import_fail,
    import_stalled,
)

logger = logging.getLogger(__name__)
# PostgreSQL advisory lock keys: one per list, so that one file of a list runs at a time.
IMPORT_LOCK = 0x1D9C
KIND_LOCKS = {kind: number for number, kind in enumerate(ImportKind.values, start=1)}


def import_upload(*, kind: str, upload, by: User | None) -> ImportRun:
    """Keep an uploaded spreadsheet for checking. A file that is not a spreadsheet, or
    is too large, is refused with the reason and nothing is kept."""
    workflow.IMPORT.check(None, by)
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
    workflow.IMPORT.check(None, by)
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
    workflow.IMPORT.check(None, by)
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
    heartbeat(run, 0)
    return run


def _lock(run: ImportRun) -> ImportRun:
    return ImportRun.objects.select_for_update().get(pk=run.pk)


def outcome_counts(run: ImportRun) -> dict[str, int]:
    return {
        RowOutcome.NEW: run.new_rows,
        RowOutcome.UPDATE: run.updated_rows,
        RowOutcome.UNCHANGED: run.unchanged_rows,
        RowOutcome.ERROR: run.error_rows,
    }
