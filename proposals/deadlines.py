"""The city's deadlines: how long each party has for each step, from settings.PROPOSAL_DEADLINES.

Every due date the services set and every clock the pages show is computed here, so that a
city whose rules differ changes settings, not code."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus calendar months; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Deadlines:
    cosign_days: int
    reply_months: int
    joint_opinion_months: int
    return_window_days: int
    extension_decision_days: int
    feedback_days: int
    rehandling_months: int
    max_rehandling_rounds: int

    def reply_due(self, assigned_on: datetime.date) -> datetime.date:
        return add_months(assigned_on, self.reply_months)

    def joint_opinion_due(self, assigned_on: datetime.date) -> datetime.date:
        return add_months(assigned_on, self.joint_opinion_months)

    def return_window_ends(self, assigned_on: datetime.date) -> datetime.date:
        return assigned_on + datetime.timedelta(days=self.return_window_days)

    def rehandling_due(self, reopened_on: datetime.date) -> datetime.date:
        return add_months(reopened_on, self.rehandling_months)

    def cosign_deadline(self, submitted_on: datetime.date) -> datetime.date:
        return submitted_on + datetime.timedelta(days=self.cosign_days)

    def extension_decision_due(self, requested_on: datetime.date) -> datetime.date:
        return requested_on + datetime.timedelta(days=self.extension_decision_days)

    def feedback_due(self, replied_on: datetime.date) -> datetime.date:
        return replied_on + datetime.timedelta(days=self.feedback_days)


def deadlines() -> Deadlines:
    return Deadlines(**settings.PROPOSAL_DEADLINES)
