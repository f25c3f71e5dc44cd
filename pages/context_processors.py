"""The navigation of the staff pages: the pages the user may open, asked of each view's
own test (``opens``) so that the menu and the pages cannot disagree."""

from functools import cache

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy

from hcppcc.directory.choices import Role
from pages.access import landing

# (label, url name): the bar, then the "figures and directory" menu.
NAVIGATION = (
    (gettext_lazy("To do"), "pages:todo"),
    (gettext_lazy("Dashboard"), "pages:dashboard"),
    (gettext_lazy("Proposals"), "pages:proposals"),
    (gettext_lazy("Assignments"), "pages:assignments"),
    (gettext_lazy("Key proposals"), "pages:supervisions"),
    (gettext_lazy("Look-back"), "pages:lookback"),
    (gettext_lazy("Activities"), "pages:activities"),
    (gettext_lazy("Public-opinion reports"), "pages:reports"),
)
MORE = (
    (gettext_lazy("Yearly figures"), "pages:figures"),
    (gettext_lazy("Unit scorecards"), "pages:unit-scorecards"),
    (gettext_lazy("Duty scorecards"), "pages:duty-scorecards"),
    (gettext_lazy("Bulletin issues"), "pages:bulletins"),
    (gettext_lazy("Democratic evaluation"), "pages:evaluations"),
    (gettext_lazy("Awards"), "pages:awards"),
    (gettext_lazy("Members"), "pages:members"),
    (gettext_lazy("Handling units"), "pages:units"),
    (gettext_lazy("Import and export"), "pages:imports"),
    (gettext_lazy("Account management"), "pages:accounts"),
)


@cache
def _opens(name: str):
    view = resolve(reverse(name)).func
    return getattr(view, "view_class", view).opens


# A member follows their own proposals; the handling of those and the directory, which they
# may also open, are reached from the proposals' pages rather than kept in the menu.
MEMBER_MENU = frozenset({"pages:todo", "pages:proposals"})


def _links(user, entries) -> list[tuple[str, str]]:
    only_a_member = not user.is_superuser and user.roles == {Role.MEMBER}
    return [
        (label, reverse(name))
        for label, name in entries
        if _opens(name)(user) and (not only_a_member or name in MEMBER_MENU)
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_more": []}
    links = _links(user, NAVIGATION)
    todo_url = reverse("pages:todo")
    has_todo = any(url == todo_url for _label, url in links)
    match = request.resolver_match
    # The landing page, as it opens (no filter chosen), shows what waits on the reader.
    landed = match is not None and match.view_name in ("home", landing(user))
    return {
        "nav_links": links,
        "nav_more": _links(user, MORE),
        "todo_url": todo_url if has_todo else None,
        "todo_panel": has_todo and landed and not request.GET,
    }
