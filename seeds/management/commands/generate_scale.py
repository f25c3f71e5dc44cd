"""``manage.py generate_scale --proposals N [--seed S]``: a synthetic archive for measuring
(seeds/scale.py). Meant for a scratch database: it refuses to run with DEBUG off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seeds import scale


class Command(BaseCommand):
    help = "Write a synthetic archive of N proposals with their units, members and handling."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, proposals: int, seed: int, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("DEBUG is off: this looks like production. Use a scratch database.")
        if proposals < 1:
            raise CommandError("--proposals must be at least 1.")
        try:
            counts = scale.generate(proposals, seed=seed, report=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
