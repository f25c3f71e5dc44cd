"""Choices of the activities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class UpwardLevel(models.TextChoices):
    REGION = "region", _("Regional CPPCC (自治区政协)")
    NATIONAL = "national", _("National CPPCC (全国政协)")


class InstructionLevel(models.TextChoices):
    CITY = "city", _("City leaders")
    REGION = "region", _("Regional leaders")
    NATIONAL = "national", _("National leaders")


class DutyItem(models.TextChoices):
    """What a member's yearly duty scorecard counts. The points are data (DutyRule)."""

    PLENARY_PRESENT = "plenary_present", _("Plenary session attended")
    PLENARY_LEAVE = "plenary_leave", _("Plenary session missed on leave")
    PLENARY_ABSENT = "plenary_absent", _("Plenary session missed without leave")
    PROPOSAL_LEAD = "proposal_lead", _("Proposal as first proposer")
    PROPOSAL_COSIGNED = "proposal_cosigned", _("Proposal co-signed")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("Own proposal accepted")
    PROPOSAL_KEY = "proposal_key", _("Own proposal made a key proposal")
    PROPOSAL_AWARDED = "proposal_awarded", _("Own proposal awarded")
    REPORT_SUBMITTED = "report_submitted", _("Public-opinion report submitted")
    REPORT_ADOPTED = "report_adopted", _("Public-opinion report adopted")
    ACTIVITY_ATTENDED = "activity_attended", _("Activity attended")
