"""Who opens which staff page: each page declares its test (a scope's readers, a step's
roles), and the navigation asks the same test of each view."""

import functools

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from activities import scopes as work
from hcppcc.core.todo import kinds
from hcppcc.directory.choices import Role
from proposals import scopes

# Who opens the overview pages: those who read every proposal's handling (the office,
# leaders, auditors), and those who read the committee's work.
OVERVIEW = scopes.HANDLING.reads_everything
WORK = work.ACTIVITIES.reads_everything


def require(user, opens) -> None:
    """403 unless ``opens(user)``: the page's scope (or step) lets the user in."""
    if not opens(user):
        raise PermissionDenied(_("Your role does not open this page."))


def opens_for(opens):
    """Open the view to the users ``opens(user)`` admits (a scope's ``reads_some`` or
    ``reads_everything``, a step's ``roles.allow_some``); others get 403. The navigation
    reads the same test from the view, so a menu never offers a page that refuses."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            require(request.user, opens)
            return view(request, *args, **kwargs)

        guarded.opens = opens
        return guarded

    return decorate


def landing(user) -> str:
    """The page a user lands on, by URL name: the dashboard for those who oversee it all,
    the desk for a unit, their proposals for a member, the committee's work otherwise. It
    shows what waits on them (the to-do panel)."""
    if OVERVIEW(user):
        return "pages:dashboard"
    if user.has_role(Role.HANDLING_UNIT):
        return "pages:assignments"
    if user.has_role(Role.MEMBER):
        return "pages:proposals"
    return "pages:activities"


def has_todo(user) -> bool:
    """Whether some kind of to-do is the user's work (the to-do page opens to them)."""
    return any(kind.concerns(user) for kind in kinds())
