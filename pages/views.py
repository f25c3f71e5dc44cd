"""The overview pages: where everyone lands, the dashboard, the yearly figures and the
scorecards, and who the signed-in user is. Lists are in ``lists.py``, records and steps
in ``records.py``, who opens what in ``access.py``."""

from django.shortcuts import redirect, render
from django.utils import timezone

from activities.selectors import activities_by_kind, member_scorecards, yearly_figures
from hcppcc.directory.models import Session
from pages.access import OVERVIEW, WORK, landing, opens_for
from proposals.choices import Satisfaction
from proposals.models import (
    ResultClass,
)
from proposals.selectors import (
    session_dashboard,
    unit_scorecards,
)


def _number(text: str | None, low: int, high: int) -> int | None:
    """A whole number from the query string within [low, high], or None for anything else."""
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


def _session(request) -> Session | None:
    sessions = Session.objects.all()
    if "session" in request.GET:
        wanted = _number(request.GET["session"], 1, 2**31 - 1)
        return sessions.filter(pk=wanted).first() if wanted else None
    return sessions.current() or sessions.order_by("-year", "-term", "-number").first()


def _year(request, default: int) -> int:
    return _number(request.GET.get("year"), 1949, 2999) or default


def home(request):
    """Everyone lands where their work is (``landing``)."""
    if OVERVIEW(request.user):
        return dashboard(request)
    return redirect(landing(request.user))


@opens_for(OVERVIEW)
def dashboard(request):
    session = _session(request)
    today = timezone.localdate()
    context = {"session": session, "sessions": Session.objects.all(), "today": today}
    if session is not None:
        board = session_dashboard(session, today)
        by_kind = activities_by_kind(session.year)
        top_units = board.units[:15]
        context |= {
            "board": board,
            "top_units": top_units,
            "units_chart_height": 60 + 26 * len(top_units),
            "by_kind": by_kind,
            "charts": {
                "status": _chart(board.by_status),
                "category": _chart(board.by_category),
                "classes": _chart(board.replies_by_class),
                "satisfaction": _chart(board.satisfaction),
                "units": {
                    "labels": [card.unit.short_name or card.unit.name for card in top_units],
                    "counts": [round((card.on_time_rate or 0) * 100, 1) for card in top_units],
                },
                "kinds": _chart(by_kind),
            },
        }
    return render(request, "pages/dashboard.html", context)


def _chart(tallies) -> dict:
    return {"labels": [t.label for t in tallies], "counts": [t.count for t in tallies]}


@opens_for(WORK)
def figures(request):
    year = _year(request, timezone.localdate().year)
    data = yearly_figures(year)
    satisfaction = [
        (label, data["proposals"]["satisfaction"].get(value, 0))
        for value, label in Satisfaction.choices
    ]
    return render(
        request,
        "pages/figures.html",
        {
            "year": year,
            "years": range(year - 3, year + 2),
            "figures": data,
            "satisfaction": satisfaction,
        },
    )


@opens_for(WORK)
def unit_scorecards_page(request):
    year = _year(request, timezone.localdate().year)
    classes = list(ResultClass.objects.order_by("sort_order", "code"))
    cards = [
        (card, [card.results.get(c.code, 0) for c in classes]) for card in unit_scorecards(year)
    ]
    return render(
        request,
        "pages/unit_scorecards.html",
        {"year": year, "years": range(year - 3, year + 2), "cards": cards, "classes": classes},
    )


@opens_for(WORK)
def duty_scorecards_page(request):
    year = _year(request, timezone.localdate().year)
    return render(
        request,
        "pages/duty_scorecards.html",
        {"year": year, "years": range(year - 3, year + 2), "cards": member_scorecards(year)},
    )
