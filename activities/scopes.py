"""Who sees the committee's work: the office, committee staff, leaders and auditors (the
role table in DESIGN.md); handling units and members do not."""

from django.db.models import QuerySet

from activities.models import Activity, Bulletin, OpinionReport
from hcppcc.directory.choices import Role

READERS = (Role.PROPOSAL_OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.AUDITOR)


def reads_the_work(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READERS))


def activities(user) -> QuerySet:
    return Activity.objects.all() if reads_the_work(user) else Activity.objects.none()


def opinion_reports(user) -> QuerySet:
    return OpinionReport.objects.all() if reads_the_work(user) else OpinionReport.objects.none()


def bulletins(user) -> QuerySet:
    return Bulletin.objects.all() if reads_the_work(user) else Bulletin.objects.none()
