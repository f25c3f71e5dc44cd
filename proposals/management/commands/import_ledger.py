"""Import a spreadsheet: ``manage.py import_ledger FILE [--dry-run]``.

The proposal ledger by default; ``--list members`` or ``--list units`` for the roster and
the units list. The file is checked first (every row's outcome); with errors, or with
``--dry-run``, no record is written (the check itself is kept, as an import run the
office can read on its page). ``--map 原表头=column`` says what an unrecognised header
holds (``--map 备注=-`` ignores it). Steps are recorded as this import's, with no user.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from hcppcc.core.imports import RowOutcome
from proposals.choices import ImportKind, ImportStatus
from proposals.services import imports


class Command(BaseCommand):
    help = "Check and import a proposal ledger, members roster or units list (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--list", choices=ImportKind.values, default=ImportKind.LEDGER)
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=COLUMN",
            help="what an unrecognised header holds (a column key, or - to ignore it)",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        mapping = {}
        for item in options["map"]:
            header, _sep, key = item.partition("=")
            if not key:
                raise CommandError(f"--map wants HEADER=COLUMN, not {item!r}")
            mapping[header] = key
        with path.open("rb") as handle:
            try:
                run = imports.import_upload(
                    kind=options["list"], upload=File(handle, name=path.name), by=None
                )
                if mapping:
                    run = imports.import_set_mapping(run=run, mapping=mapping, by=None)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        run = imports.import_start(run=run, apply=False, by=None, inline=True)
        self._report(run, options["verbosity"])
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.message)
        if run.error_rows:
            raise CommandError(f"{run.error_rows} row(s) have errors; nothing was imported")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
            return
        run = imports.import_start(run=run, apply=True, by=None, inline=True)
        self._report(run, 0)
        self.stdout.write(self.style.SUCCESS(f"imported as import #{run.pk}"))

    def _report(self, run, verbosity: int) -> None:
        rows = run.rows.order_by("line")
        if verbosity < 2:
            rows = rows.filter(outcome=RowOutcome.ERROR)
        for row in rows.iterator():
            self.stdout.write(
                f"row {row.line}: {row.get_outcome_display()} {row.key} {row.message}".rstrip()
            )
        self.stdout.write(
            f"{run.total_rows} rows: {run.new_rows} new, {run.updated_rows} updated, "
            f"{run.unchanged_rows} unchanged, {run.error_rows} with errors"
        )
