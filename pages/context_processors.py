"""The navigation of the staff pages: only the pages the user's roles open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from activities.scopes import READERS as WORK
from hcppcc.directory.choices import Role

OVERVIEW = (Role.PROPOSAL_OFFICE, Role.LEADER, Role.AUDITOR)
EVERYONE = tuple(Role)

# (label, url name, roles that open it): the bar, then the "more" menu.
NAVIGATION = (
    (gettext_lazy("Dashboard"), "pages:dashboard", OVERVIEW),
    (gettext_lazy("Proposals"), "pages:proposals", EVERYONE),
    (
        gettext_lazy("Assignments"),
        "pages:assignments",
        (*OVERVIEW, Role.HANDLING_UNIT, Role.MEMBER),
    ),
    (gettext_lazy("Key proposals"), "pages:supervisions", OVERVIEW),
    (gettext_lazy("Look-back"), "pages:lookback", OVERVIEW),
    (gettext_lazy("Activities"), "pages:activities", WORK),
    (gettext_lazy("Public-opinion reports"), "pages:reports", WORK),
)
MORE = (
    (gettext_lazy("Yearly figures"), "pages:figures", WORK),
    (gettext_lazy("Unit scorecards"), "pages:unit-scorecards", WORK),
    (gettext_lazy("Duty scorecards"), "pages:duty-scorecards", WORK),
    (gettext_lazy("Members"), "pages:members", WORK),
    (gettext_lazy("Handling units"), "pages:units", WORK),
)


def _links(user, entries) -> list[tuple[str, str]]:
    return [
        (label, reverse(name))
        for label, name, allowed in entries
        if user.is_superuser or user.has_role(*allowed)
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_more": []}
    return {"nav_links": _links(user, NAVIGATION), "nav_more": _links(user, MORE)}
