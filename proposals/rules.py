"""The city's handling rules (deadlines and limits), read from settings.PROPOSAL_RULES."""

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
class Rules:
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


def rules() -> Rules:
    return Rules(**settings.PROPOSAL_RULES)
