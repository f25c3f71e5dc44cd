"""What waits on committee staff (hcppcc/core/todo.py): activities that have taken place
and are still marked planned, and public-opinion reports not yet decided."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from activities import scopes
from activities.choices import ActivityStatus, ReportStatus
from hcppcc.core.todo import Todo, register
from hcppcc.directory.choices import Role

STAFF = frozenset({Role.COMMITTEE_STAFF})


def _to_close(user, today):
    """Activities whose day has come and gone while they are still planned."""
    planned = scopes.ACTIVITIES.visible_to(user).filter(status=ActivityStatus.PLANNED)
    return planned.filter(starts_on__lt=today).order_by("starts_on", "pk")


def _to_decide(user, today):
    received = scopes.OPINION_REPORTS.visible_to(user).filter(status=ReportStatus.RECEIVED)
    return received.order_by("received_on", "pk")


def _activities_list() -> str:
    return f"{reverse('pages:activities')}?{urlencode({'status': ActivityStatus.PLANNED})}"


def _reports_list() -> str:
    return f"{reverse('pages:reports')}?{urlencode({'status': ReportStatus.RECEIVED})}"


register(
    Todo(
        "activities_to_close",
        _("Activities held and still marked planned"),
        STAFF,
        _to_close,
        lambda activity: (str(activity), reverse("pages:activity", args=[activity.pk])),
        _activities_list,
    ),
    Todo(
        "reports_to_decide",
        _("Public-opinion reports to decide"),
        STAFF,
        _to_decide,
        lambda report: (str(report), reverse("pages:report", args=[report.pk])),
        _reports_list,
    ),
)
