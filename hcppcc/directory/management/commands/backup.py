from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hcppcc.core.backups import BackupError, backup, default_path


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump custom format, or SQLite's backup API)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write (default: var/backups/)")

    def handle(self, *args, output: Path | None, **options):
        try:
            path = backup(output or default_path())
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{path} {path.stat().st_size} bytes")
