"""``manage.py yearly_figures --year 2020 [--json]``: the year's work in figures."""

import json

from django.core.management.base import BaseCommand

from activities.selectors import yearly_figures


class Command(BaseCommand):
    help = "Print the year's figures (opinion reports, proposals, activities), from the records."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args, year: int, json: bool, **options):
        figures = yearly_figures(year)
        if json:
            self.stdout.write(_dumps(figures))
            return
        for section, values in figures.items():
            if section == "year":
                self.stdout.write(f"{year}")
                continue
            self.stdout.write(f"\n[{section}]")
            for name, value in values.items():
                if isinstance(value, dict):
                    value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
                self.stdout.write(f"  {name:<22} {value}")


def _dumps(figures: dict) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2)
