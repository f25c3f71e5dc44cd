from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hcppcc.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="do not ask (every current record is replaced)"
        )

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            answer = input(f"Replace every record in the database with {file}? [yes/no] ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {file}")
