"""``manage.py load_seeds``: load the records of seeds/data (idempotent, all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seeds.loader import DATA_DIR, SeedError, load_seeds, seed_files


class Command(BaseCommand):
    help = "Load the seed records (the 2020 summary's directory) from YAML files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=DATA_DIR,
            help="Folder of seed files, loaded in name order (default: seeds/data).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Put the files' values back into existing records that were edited since.",
        )

    def handle(self, *args, dir: Path, update: bool, **options):
        if not dir.is_dir():
            raise CommandError(f"{dir} is not a folder")
        try:
            results = load_seeds(seed_files(dir), update=update)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        for result in results:
            self.stdout.write(
                f"{result.path.name:<28} {result.model_label:<26} "
                f"created {result.created:>3}  updated {result.updated:>3}  "
                f"unchanged {result.unchanged:>3}  differ {result.differ:>3}"
            )
        changed = sum(result.created + result.updated for result in results)
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {changed} record(s) written."))
        if differ := sum(result.differ for result in results):
            self.stdout.write(
                f"{differ} record(s) were edited since they were seeded and were left as they "
                "are; --update puts the seed values back."
            )
