"""``manage.py generate_demo --year 2020``: top the year up to the summary's published totals."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seeds.demo import PUBLISHED_2020, generate


class Command(BaseCommand):
    help = "Add marked demonstration records so that the year's figures equal the published ones."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2020)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, year: int, seed: int, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: demonstration records do not belong here.")
        if year != 2020:
            raise CommandError("Published totals are known for 2020 only.")
        added = generate(year, PUBLISHED_2020, seed=seed)
        for name, count in added.items():
            self.stdout.write(f"{name:<34} added {count:>4}")
