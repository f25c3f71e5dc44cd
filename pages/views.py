"""The staff pages. Each reads through its records' scope and writes through the one
service of its step; a page opens to the roles its scope lets read something (others get
403), and a record outside the caller's scope is a 404."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from activities import scopes as work
from activities import workflow as activity_workflow
from activities.filtersets import ActivityFilterSet, OpinionReportFilterSet
from activities.selectors import activities_by_kind, member_scorecards, yearly_figures
from hcppcc.core import stale
from hcppcc.core.audit import versions
from hcppcc.core.paging import EstimatingPaginator
from hcppcc.core.scopes import Scope
from hcppcc.core.workflow.steps import Workflow
from hcppcc.directory import scopes as directory
from hcppcc.directory.choices import Role
from hcppcc.directory.filtersets import MemberFilterSet, UnitFilterSet
from hcppcc.directory.models import Session
from pages.forms import ProposalDraftForm
from proposals import scopes, workflow
from proposals.choices import Satisfaction
from proposals.filtersets import (
    AssignmentFilterSet,
    LookBackItemFilterSet,
    ProposalFilterSet,
    SupervisionFilterSet,
)
from proposals.models import (
    ResultClass,
)
from proposals.selectors import assignment_clocks, session_dashboard, unit_scorecards

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
    """Everyone lands where their work is."""
    user = request.user
    if OVERVIEW(user):
        return dashboard(request)
    if user.has_role(Role.HANDLING_UNIT):
        return redirect("pages:assignments")
    if user.has_role(Role.MEMBER):
        return redirect("pages:proposals")
    return redirect("pages:activities")


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


@dataclass(frozen=True)
class Column:
    label: str
    ordering: str = ""  # a field the FilterSet's ``ordering`` allows, or none


class FilteredList(View):
    """A list page driven by the API's FilterSet: the filter form on the page, sortable
    columns, pagination, the state in the URL, and exports of the current filter."""

    scope: Scope = None  # what the list shows; the page opens to those who read some of it
    title = ""
    filterset_class = None
    filter_fields: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    row_template = ""
    api_list = ""  # the API list this page exports through (same filters, same scope)
    page_size = 50

    @classmethod
    def opens(cls, user) -> bool:
        return cls.scope.reads_some(user)

    def records(self, user):
        """The rows, with what each shows read in a fixed number of queries."""
        return self.scope.visible_to(user)

    def get(self, request):
        user = request.user
        require(user, self.opens)
        filterset = self.filterset_class(
            request.GET or None, queryset=self.records(user), request=request
        )
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs if valid else filterset.queryset.none()
        page = EstimatingPaginator(rows, self.page_size).get_page(request.GET.get("page"))
        fields = [filterset.form[name] for name in self.filter_fields]
        return render(
            request,
            "pages/list.html",
            {
                "title": self.title,
                "filter_fields": fields,
                "filter_errors": filterset.form.errors if filterset.is_bound else {},
                "columns": self.columns,
                "row_template": self.row_template,
                "page": page,
                "export": reverse(self.api_list) if self.api_list else "",
                **self.extra_context(request),
            },
        )

    def extra_context(self, request) -> dict:
        return {}


class ProposalList(FilteredList):
    title = gettext_lazy("Proposals")
    filterset_class = ProposalFilterSet
    filter_fields = (
        "q",
        "session",
        "status",
        "category",
        "kind",
        "key",
        "result_class",
        "satisfaction",
        "overdue",
        "submitted_after",
        "submitted_before",
    )
    columns = (
        Column(gettext_lazy("number"), "case_number"),
        Column(gettext_lazy("title"), "title"),
        Column(gettext_lazy("proposer")),
        Column(gettext_lazy("category")),
        Column(gettext_lazy("status")),
        Column(gettext_lazy("handling units")),
        Column(gettext_lazy("submitted at"), "submitted_at"),
    )
    row_template = "pages/rows/proposal.html"
    api_list = "proposal-list"
    scope = scopes.PROPOSALS

    def records(self, user):
        visible = scopes.ASSIGNMENTS.visible_to(user)
        return super().records(user).for_list(assignments=visible).order_by("-id")

    def extra_context(self, request) -> dict:
        can_create = workflow.CREATE.roles.allow_some(request.user)
        return {"create_url": reverse("pages:proposal-new") if can_create else ""}


class AssignmentList(FilteredList):
    """The handling desk: a unit user sees its own unit's assignments only."""

    scope = scopes.ASSIGNMENTS
    title = gettext_lazy("Assignments")
    filterset_class = AssignmentFilterSet
    filter_fields = ("status", "role", "overdue", "due_before", "proposal__session")
    columns = (
        Column(gettext_lazy("proposal")),
        Column(gettext_lazy("handling unit")),
        Column(gettext_lazy("role")),
        Column(gettext_lazy("status")),
        Column(gettext_lazy("assigned on"), "assigned_on"),
        Column(gettext_lazy("reply due"), "due_on"),
    )
    row_template = "pages/rows/assignment.html"
    api_list = "assignment-list"

    def records(self, user):
        return super().records(user).for_list().order_by("due_on", "id")


class SupervisionList(FilteredList):
    scope = scopes.SUPERVISIONS
    title = gettext_lazy("Key proposals and supervision")
    filterset_class = SupervisionFilterSet
    filter_fields = ("status", "committee")
    columns = (
        Column(gettext_lazy("proposal")),
        Column(gettext_lazy("leaders")),
        Column(gettext_lazy("committee")),
        Column(gettext_lazy("status")),
        Column(gettext_lazy("events")),
    )
    row_template = "pages/rows/supervision.html"
    api_list = "supervision-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("proposal", "proposal__session", "committee")
            .prefetch_related("leaders", "events")
            .order_by("-id")
        )


class LookBackList(FilteredList):
    scope = scopes.LOOKBACK_ITEMS
    title = gettext_lazy("Look-back reviews")
    filterset_class = LookBackItemFilterSet
    filter_fields = ("campaign", "outcome", "satisfaction", "decision")
    columns = (
        Column(gettext_lazy("campaign")),
        Column(gettext_lazy("proposal")),
        Column(gettext_lazy("handling unit")),
        Column(gettext_lazy("reply")),
        Column(gettext_lazy("outcome")),
        Column(gettext_lazy("decision")),
    )
    row_template = "pages/rows/lookback.html"
    api_list = "lookbackitem-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related(
                "campaign", "assignment__unit", "assignment__proposal__session", "reply"
            )
            .select_related("reply__result_class")
            .order_by("-id")
        )


class ActivityList(FilteredList):
    scope = work.ACTIVITIES
    title = gettext_lazy("Activities")
    filterset_class = ActivityFilterSet
    filter_fields = ("q", "kind", "status", "year", "starts_after", "starts_before")
    columns = (
        Column(gettext_lazy("starts on"), "starts_on"),
        Column(gettext_lazy("kind")),
        Column(gettext_lazy("topic"), "title"),
        Column(gettext_lazy("committees")),
        Column(gettext_lazy("leaders")),
        Column(gettext_lazy("status")),
    )
    row_template = "pages/rows/activity.html"
    api_list = "activity-list"

    def records(self, user):
        return super().records(user).for_list().order_by("-starts_on", "-id")


class OpinionReportList(FilteredList):
    scope = work.OPINION_REPORTS
    title = gettext_lazy("Public-opinion reports")
    filterset_class = OpinionReportFilterSet
    filter_fields = ("q", "status", "year", "received_after", "received_before")
    columns = (
        Column(gettext_lazy("received on"), "received_on"),
        Column(gettext_lazy("title"), "title"),
        Column(gettext_lazy("members")),
        Column(gettext_lazy("status")),
        Column(gettext_lazy("bulletin")),
    )
    row_template = "pages/rows/report.html"
    api_list = "opinionreport-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("bulletin")
            .prefetch_related("members")
            .order_by("-received_on", "-id")
        )


class MemberList(FilteredList):
    scope = directory.MEMBERS
    title = gettext_lazy("Members")
    filterset_class = MemberFilterSet
    filter_fields = ("q", "position", "sector", "is_active")
    columns = (
        Column(gettext_lazy("name"), "name"),
        Column(gettext_lazy("sector")),
        Column(gettext_lazy("organization")),
        Column(gettext_lazy("committees")),
        Column(gettext_lazy("position")),
    )
    row_template = "pages/rows/member.html"
    api_list = "member-list"

    def records(self, user):
        return super().records(user).for_list().order_by("name", "id")


class UnitList(FilteredList):
    scope = directory.UNITS
    title = gettext_lazy("Handling units")
    filterset_class = UnitFilterSet
    filter_fields = ("q", "kind", "is_active")
    columns = (
        Column(gettext_lazy("name"), "name"),
        Column(gettext_lazy("kind")),
        Column(gettext_lazy("contact person")),
        Column(gettext_lazy("contact phone")),
    )
    row_template = "pages/rows/unit.html"
    api_list = "unit-list"

    def records(self, user):
        return super().records(user).order_by("name")


def _step_links(kind: str, record, user) -> list[tuple[str, str]]:
    """The steps ``user`` may take on ``record`` now, as (label, link) pairs."""
    return [
        (step.label, reverse("pages:step", args=[kind, record.pk, step.name]))
        for step in STEP_RECORDS[kind].workflow.offered(record, user)
    ]


def proposal_detail(request, pk: int):
    user = request.user
    proposal = get_object_or_404(
        scopes.PROPOSALS.visible_to(user).select_related(
            "session", "category", "lead_member", "organization", "committee", "sector"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    assignments = (
        scopes.ASSIGNMENTS.visible_to(user)
        .filter(proposal=proposal)
        .select_related("unit", "proposal")
        .prefetch_related("extension_requests")
        .order_by("round", "pk")
    )
    replies = (
        scopes.REPLIES.visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__unit", "assignment__proposal", "result_class")
        .order_by("pk")
    )
    supervision = scopes.SUPERVISIONS.visible_to(user).filter(proposal=proposal).first()
    context = {
        "proposal": proposal,
        "cosigners": proposal.cosigners.select_related("member").order_by("pk"),
        "assignments": [
            (
                a,
                assignment_clocks(a, today),
                _step_links("assignment", a, user),
            )
            for a in assignments
        ],
        "replies": [(r, _step_links("reply", r, user)) for r in replies],
        "feedback": scopes.FEEDBACK.visible_to(user).filter(proposal=proposal).order_by("round"),
        "nominations": [
            (n, _step_links("keynomination", n, user))
            for n in scopes.KEY_NOMINATIONS.visible_to(user)
            .filter(proposal=proposal)
            .order_by("pk")
        ],
        "supervision": supervision,
        "supervision_steps": (_step_links("supervision", supervision, user) if supervision else []),
        "supervision_events": supervision.events.order_by("date") if supervision else [],
        "lookback": [
            (item, _step_links("lookbackitem", item, user))
            for item in scopes.LOOKBACK_ITEMS.visible_to(user)
            .filter(assignment__proposal=proposal)
            .select_related("campaign", "assignment__unit", "reply__result_class")
        ],
        "timeline": scopes.TRANSITIONS.visible_to(user)
        .filter(proposal=proposal)
        .select_related("by", "assignment__unit", "import_run__created_by")
        .order_by("at", "pk"),
        "steps": _step_links("proposal", proposal, user),
        "may_edit": workflow.EDIT.available(proposal, user),
    }
    if scopes.HANDLING.reads_everything(user):
        context["history"] = _audit_history(proposal, assignments, replies)
    template = "pages/proposal_print.html" if request.GET.get("print") else "pages/proposal.html"
    return render(request, template, context)


def _audit_history(proposal, assignments, replies) -> list:
    """Field-level changes of the proposal, its assignments and its replies, newest first
    (the office, leaders and auditors read it)."""
    entries = versions(proposal.history.all(), _("proposal"))
    for assignment in assignments:
        entries += versions(assignment.history.all(), str(assignment.unit))
    for reply in replies:
        entries += versions(
            reply.history.all(), _("reply of %(unit)s") % {"unit": reply.assignment.unit}
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def assignment_detail(request, pk: int):
    """The handling desk's view of one assignment: its clocks, its steps, its requests."""
    user = request.user
    assignment = get_object_or_404(
        scopes.ASSIGNMENTS.visible_to(user).select_related(
            "unit", "proposal", "proposal__session", "proposal__category", "proposal__lead_member"
        ),
        pk=pk,
    )
    returns = scopes.RETURN_REQUESTS.visible_to(user).filter(assignment=assignment)
    extensions = scopes.EXTENSION_REQUESTS.visible_to(user).filter(assignment=assignment)
    context = {
        "assignment": assignment,
        "proposal": assignment.proposal,
        "clocks": assignment_clocks(assignment, timezone.localdate()),
        "steps": _step_links("assignment", assignment, user),
        "replies": [
            (r, _step_links("reply", r, user))
            for r in scopes.REPLIES.visible_to(user)
            .filter(assignment=assignment)
            .select_related("result_class", "assignment__proposal")
            .order_by("pk")
        ],
        "contacts": assignment.contacts.order_by("pk"),
        "returns": [(r, _step_links("returnrequest", r, user)) for r in returns.order_by("pk")],
        "extensions": [
            (e, _step_links("extensionrequest", e, user)) for e in extensions.order_by("pk")
        ],
    }
    return render(request, "pages/assignment.html", context)


def reply_file(request, pk: int):
    """A reply letter, to whoever may read the reply (404 for anyone else)."""
    reply = get_object_or_404(scopes.REPLIES.visible_to(request.user).exclude(file=""), pk=pk)
    return FileResponse(
        reply.file.open("rb"), as_attachment=True, filename=reply.file.name.rsplit("/", 1)[-1]
    )


def _proposal_url(proposal_id: int) -> str:
    return reverse("pages:proposal", args=[proposal_id])


def _assignment_url(assignment_id: int) -> str:
    return reverse("pages:assignment", args=[assignment_id])


@dataclass(frozen=True)
class StepRecords:
    """A kind of record the pages take steps on: who reads which (``scope``), its steps,
    what its steps' conditions read with it (``related``) and where the clerk returns."""

    scope: Scope
    workflow: Workflow
    back: Callable[[Any], str]
    related: tuple[str, ...] = ()

    def records(self, user):
        return self.scope.visible_to(user).select_related(*self.related)


STEP_RECORDS = {
    "proposal": StepRecords(scopes.PROPOSALS, workflow.PROPOSAL, lambda p: _proposal_url(p.pk)),
    "assignment": StepRecords(
        scopes.ASSIGNMENTS, workflow.ASSIGNMENT, lambda a: _assignment_url(a.pk), ("proposal",)
    ),
    "reply": StepRecords(
        scopes.REPLIES,
        workflow.REPLY,
        lambda r: _proposal_url(r.assignment.proposal_id),
        ("assignment__proposal",),
    ),
    "returnrequest": StepRecords(
        scopes.RETURN_REQUESTS,
        workflow.RETURN_REQUEST,
        lambda r: _assignment_url(r.assignment_id),
        ("assignment__proposal",),
    ),
    "extensionrequest": StepRecords(
        scopes.EXTENSION_REQUESTS,
        workflow.EXTENSION_REQUEST,
        lambda r: _assignment_url(r.assignment_id),
        ("assignment__proposal",),
    ),
    "keynomination": StepRecords(
        scopes.KEY_NOMINATIONS, workflow.KEY_NOMINATION, lambda n: _proposal_url(n.proposal_id)
    ),
    "supervision": StepRecords(
        scopes.SUPERVISIONS, workflow.SUPERVISION, lambda s: _proposal_url(s.proposal_id)
    ),
    "lookbackitem": StepRecords(
        scopes.LOOKBACK_ITEMS,
        workflow.LOOK_BACK_ITEM,
        lambda i: _proposal_url(i.assignment.proposal_id),
        ("assignment",),
    ),
    "activity": StepRecords(
        work.ACTIVITIES, activity_workflow.ACTIVITY, lambda a: reverse("pages:activities")
    ),
    "opinionreport": StepRecords(
        work.OPINION_REPORTS, activity_workflow.REPORT, lambda r: reverse("pages:reports")
    ),
}


def step(request, kind: str, pk: int, name: str):
    """Take one workflow step: its form, then its service. Bad input or a refused step
    shows the reasons on the form; nothing is half-saved."""
    if kind not in STEP_RECORDS:
        raise Http404
    records = STEP_RECORDS[kind]
    record = get_object_or_404(records.records(request.user), pk=pk)
    spec = records.workflow.get(name)
    if spec is None:
        raise Http404
    if not spec.permitted(record, request.user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if (reason := spec.refusal(record)) is not None:
        messages.error(request, reason)
        return redirect(records.back(record))
    posted = request.method == "POST"
    if posted:
        attempt = records.workflow.attempt(spec, record, request.user, request.POST, request.FILES)
        if attempt.done:
            messages.success(request, _("Done: %(step)s.") % {"step": spec.label})
            return redirect(records.back(record))
        form, units = attempt.form, attempt.table
    else:
        form, units = spec.bind(record)
    return render(
        request,
        "pages/step.html",
        {
            "record": record,
            "step": spec,
            "form": form,
            "units": units,
            "media": form.media + units.media if units is not None else form.media,
            "back": records.back(record),
            "opened_version": stale.version_of(record),
        },
        status=400 if posted else 200,
    )


def proposal_new(request):
    """Record a proposal (a draft): the office for anyone, a member in their own name."""
    user = request.user
    if not workflow.CREATE.roles.allow_some(user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    form = ProposalDraftForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        proposal = form.save_through_service(by=user)
        if proposal is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("pages:proposal", pk=proposal.pk)
    return render(
        request, "pages/proposal_form.html", {"form": form}, status=400 if form.errors else 200
    )


def proposal_edit(request, pk: int):
    """Edit a draft: whoever may submit it (the office, or the member who drafts it).
    A save made by someone else after the page was opened is shown, never overwritten."""
    user = request.user
    proposal = get_object_or_404(scopes.PROPOSALS.visible_to(user), pk=pk)
    if not workflow.EDIT.permitted(proposal, user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if (reason := workflow.EDIT.refusal(proposal)) is not None:
        messages.error(request, reason)
        return redirect("pages:proposal", pk=proposal.pk)
    posted = request.method == "POST"
    form = ProposalDraftForm(request.POST if posted else None, instance=proposal, user=user)
    opened = request.POST.get(stale.FIELD) if posted else stale.version_of(proposal)
    if posted and form.is_valid() and form.save_changes(by=user, opened=opened):
        messages.success(request, _("The draft is saved."))
        return redirect("pages:proposal", pk=proposal.pk)
    return render(
        request,
        "pages/proposal_form.html",
        {"form": form, "proposal": proposal, "opened_version": opened},
        status=400 if posted else 200,
    )


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
