"""``manage.py send_reminders``: e-mail each unit what is due soon or overdue."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from proposals.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail each handling unit its due and overdue assignments, and the office a summary."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="Remind of what is due within this many days."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Run as of this date (YYYY-MM-DD); default today.",
        )

    def handle(self, *args, days: int, today: datetime.date | None, **options):
        sent = send_reminders(today or timezone.localdate(), days)
        self.stdout.write(
            f"units e-mailed: {sent.get('units', 0)}, already sent today: "
            f"{sent.get('already_sent', 0)}, units without an e-mail address: "
            f"{sent.get('units_without_email', 0)}, failed: {sent.get('failed', 0)}, "
            f"office summary: {sent.get('office', 0)}"
        )
