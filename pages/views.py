"""The staff pages. Each reads through a named, scoped read and writes through the one
service of its step; a role that may not open a page gets 403, a record outside the
caller's scope 404."""

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
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
from hcppcc.directory.choices import Role
from hcppcc.directory.filtersets import MemberFilterSet, UnitFilterSet
from hcppcc.directory.models import HandlingUnit, Member, Session
from pages.forms import ProposalDraftForm
from proposals import scopes, workflow
from proposals.choices import ProposalAction, ProposalStatus, Satisfaction
from proposals.filtersets import (
    AssignmentFilterSet,
    LookBackItemFilterSet,
    ProposalFilterSet,
    SupervisionFilterSet,
)
from proposals.models import (
    Assignment,
    ExtensionRequest,
    Proposal,
    ResultClass,
    ReturnRequest,
)
from proposals.models.lifecycle import READ_ALL_ROLES
from proposals.policies import may, may_ever
from proposals.selectors import assignment_clocks, session_dashboard, unit_scorecards

EVERYONE = tuple(Role)
OVERVIEW = READ_ALL_ROLES  # the office, leaders, auditors: read everything
WORK = work.READERS  # the committee's work and the directory: not units, not members


def require_roles(user, allowed) -> None:
    """403 unless the user holds one of ``allowed`` (superusers always pass)."""
    if not (user.is_superuser or user.has_role(*allowed)):
        raise PermissionDenied(_("Your role does not open this page."))


def roles(*allowed):
    """Open the view to users holding one of ``allowed`` (superusers always); others 403."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            require_roles(request.user, allowed)
            return view(request, *args, **kwargs)

        guarded.allowed = allowed  # the navigation reads it
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
    if user.is_superuser or user.has_role(*OVERVIEW):
        return dashboard(request)
    if user.has_role(Role.HANDLING_UNIT):
        return redirect("pages:assignments")
    if user.has_role(Role.MEMBER):
        return redirect("pages:proposals")
    return redirect("pages:activities")


@roles(*OVERVIEW)
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

    allowed: tuple = EVERYONE
    title = ""
    filterset_class = None
    filter_fields: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    row_template = ""
    api_list = ""  # the API list this page exports through (same filters, same scope)
    page_size = 50

    def records(self, user):
        raise NotImplementedError

    def get(self, request):
        user = request.user
        require_roles(user, self.allowed)
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

    def records(self, user):
        return Proposal.objects.visible_to(user).for_list().order_by("-id")

    def extra_context(self, request) -> dict:
        can_create = may_ever(request.user, ProposalAction.CREATE)
        return {"create_url": reverse("pages:proposal-new") if can_create else ""}


class AssignmentList(FilteredList):
    """The handling desk: a unit user sees its own unit's assignments only."""

    allowed = (*OVERVIEW, Role.HANDLING_UNIT, Role.MEMBER)
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
        return Assignment.objects.visible_to(user).for_list().order_by("due_on", "id")


class SupervisionList(FilteredList):
    allowed = (*OVERVIEW, Role.HANDLING_UNIT, Role.MEMBER)  # not committee staff (scopes.py)
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
            scopes.supervisions(user)
            .select_related("proposal", "proposal__session", "committee")
            .prefetch_related("leaders", "events")
            .order_by("-id")
        )


class LookBackList(FilteredList):
    allowed = OVERVIEW
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
            scopes.lookback_items(user)
            .select_related(
                "campaign", "assignment__unit", "assignment__proposal__session", "reply"
            )
            .select_related("reply__result_class")
            .order_by("-id")
        )


class ActivityList(FilteredList):
    allowed = WORK
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
        return work.activities(user).for_list().order_by("-starts_on", "-id")


class OpinionReportList(FilteredList):
    allowed = WORK
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
            work.opinion_reports(user)
            .select_related("bulletin")
            .prefetch_related("members")
            .order_by("-received_on", "-id")
        )


class MemberList(FilteredList):
    allowed = WORK
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
        return Member.objects.for_list().order_by("name", "id")


class UnitList(FilteredList):
    allowed = WORK
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
        return HandlingUnit.objects.order_by("name")


def _step_links(kind: str, record, steps, user) -> list[tuple[str, str]]:
    return [
        (step.label, reverse("pages:step", args=[kind, record.pk, step.name]))
        for step in steps
        if step.available(record, user)
    ]


def proposal_detail(request, pk: int):
    user = request.user
    proposal = get_object_or_404(
        Proposal.objects.visible_to(user).select_related(
            "session", "category", "lead_member", "organization", "committee", "sector"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("unit", "proposal")
        .prefetch_related("extension_requests")
        .order_by("round", "pk")
    )
    replies = (
        scopes.replies(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__unit", "assignment__proposal", "result_class")
        .order_by("pk")
    )
    supervision = scopes.supervisions(user).filter(proposal=proposal).first()
    context = {
        "proposal": proposal,
        "cosigners": proposal.cosigners.select_related("member").order_by("pk"),
        "assignments": [
            (
                a,
                assignment_clocks(a, today),
                _step_links("assignment", a, workflow.ASSIGNMENT_STEPS, user),
            )
            for a in assignments
        ],
        "replies": [(r, _step_links("reply", r, workflow.REPLY_STEPS, user)) for r in replies],
        "feedback": scopes.feedback(user).filter(proposal=proposal).order_by("round"),
        "nominations": [
            (n, _step_links("keynomination", n, workflow.KEY_NOMINATION_STEPS, user))
            for n in scopes.key_nominations(user).filter(proposal=proposal).order_by("pk")
        ],
        "supervision": supervision,
        "supervision_steps": (
            _step_links("supervision", supervision, workflow.SUPERVISION_STEPS, user)
            if supervision
            else []
        ),
        "supervision_events": supervision.events.order_by("date") if supervision else [],
        "lookback": [
            (item, _step_links("lookbackitem", item, workflow.LOOK_BACK_ITEM_STEPS, user))
            for item in scopes.lookback_items(user)
            .filter(assignment__proposal=proposal)
            .select_related("campaign", "assignment__unit", "reply__result_class")
        ],
        "timeline": scopes.transitions(user, proposal)
        .select_related("by", "assignment__unit", "import_run__created_by")
        .order_by("at", "pk"),
        "steps": _step_links("proposal", proposal, workflow.PROPOSAL_STEPS, user),
        "may_edit": proposal.status == ProposalStatus.DRAFT
        and may(user, ProposalAction.SUBMIT, proposal),
    }
    if scopes.reads_everything(user):
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
        Assignment.objects.visible_to(user).select_related(
            "unit", "proposal", "proposal__session", "proposal__category", "proposal__lead_member"
        ),
        pk=pk,
    )
    returns = scopes.requests(ReturnRequest, user).filter(assignment=assignment).order_by("pk")
    extensions = (
        scopes.requests(ExtensionRequest, user).filter(assignment=assignment).order_by("pk")
    )
    context = {
        "assignment": assignment,
        "proposal": assignment.proposal,
        "clocks": assignment_clocks(assignment, timezone.localdate()),
        "steps": _step_links("assignment", assignment, workflow.ASSIGNMENT_STEPS, user),
        "replies": [
            (r, _step_links("reply", r, workflow.REPLY_STEPS, user))
            for r in assignment.replies.select_related(
                "result_class", "assignment__proposal"
            ).order_by("pk")
        ],
        "contacts": assignment.contacts.order_by("pk"),
        "returns": [
            (r, _step_links("returnrequest", r, workflow.RETURN_REQUEST_STEPS, user))
            for r in returns
        ],
        "extensions": [
            (e, _step_links("extensionrequest", e, workflow.EXTENSION_REQUEST_STEPS, user))
            for e in extensions
        ],
    }
    return render(request, "pages/assignment.html", context)


def reply_file(request, pk: int):
    """A reply letter, to whoever may read the reply (404 for anyone else)."""
    reply = get_object_or_404(scopes.replies(request.user).exclude(file=""), pk=pk)
    return FileResponse(
        reply.file.open("rb"), as_attachment=True, filename=reply.file.name.rsplit("/", 1)[-1]
    )


def _proposal_url(proposal_id: int) -> str:
    return reverse("pages:proposal", args=[proposal_id])


def _assignment_url(assignment_id: int) -> str:
    return reverse("pages:assignment", args=[assignment_id])


# kind -> (the user's scoped records, the steps, where to go back to)
STEP_RECORDS = {
    "proposal": (
        Proposal.objects.visible_to,
        workflow.PROPOSAL_STEPS,
        lambda p: _proposal_url(p.pk),
    ),
    "assignment": (
        lambda user: Assignment.objects.visible_to(user).select_related("proposal"),
        workflow.ASSIGNMENT_STEPS,
        lambda a: _assignment_url(a.pk),
    ),
    "reply": (
        lambda user: scopes.replies(user).select_related("assignment__proposal"),
        workflow.REPLY_STEPS,
        lambda r: _proposal_url(r.assignment.proposal_id),
    ),
    "returnrequest": (
        functools.partial(scopes.requests, ReturnRequest),
        workflow.RETURN_REQUEST_STEPS,
        lambda r: _assignment_url(r.assignment_id),
    ),
    "extensionrequest": (
        functools.partial(scopes.requests, ExtensionRequest),
        workflow.EXTENSION_REQUEST_STEPS,
        lambda r: _assignment_url(r.assignment_id),
    ),
    "keynomination": (
        scopes.key_nominations,
        workflow.KEY_NOMINATION_STEPS,
        lambda n: _proposal_url(n.proposal_id),
    ),
    "supervision": (
        scopes.supervisions,
        workflow.SUPERVISION_STEPS,
        lambda s: _proposal_url(s.proposal_id),
    ),
    "lookbackitem": (
        lambda user: scopes.lookback_items(user).select_related("assignment"),
        workflow.LOOK_BACK_ITEM_STEPS,
        lambda i: _proposal_url(i.assignment.proposal_id),
    ),
    "activity": (
        work.activities,
        activity_workflow.ACTIVITY_STEPS,
        lambda a: reverse("pages:activities"),
    ),
    "opinionreport": (
        work.opinion_reports,
        activity_workflow.REPORT_STEPS,
        lambda r: reverse("pages:reports"),
    ),
}


def _plain_selects(form) -> None:
    """The step forms pick units and members with the admin's autocomplete, which needs
    the admin's scripts and access; here they are plain selects (a committee's few hundred
    units and members)."""
    for field in form.fields.values():
        if isinstance(field.widget, AutocompleteSelect):
            field.widget = forms.Select()
            field.queryset = field.queryset  # hands the choices to the new widget


def step(request, kind: str, pk: int, name: str):
    """Take one workflow step: its form, then its service. Bad input or a refused step
    shows the reasons on the form; nothing is half-saved."""
    if kind not in STEP_RECORDS:
        raise Http404
    scoped, steps, back = STEP_RECORDS[kind]
    record = get_object_or_404(scoped(request.user), pk=pk)
    spec = next((s for s in steps if s.name == name), None)
    if spec is None:
        raise Http404
    if not spec.permitted(record, request.user):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if not spec.applies(record):
        messages.error(request, _("This step cannot be taken on this record now."))
        return redirect(back(record))
    posted = request.method == "POST"
    form, units = spec.bind(
        record, request.POST if posted else None, request.FILES if posted else None
    )
    for bound in [form, *(units.forms if units is not None else [])]:
        _plain_selects(bound)
    if (
        posted
        and not stale.step_refused(record, form, request.POST)
        and spec.take(record, request.user, form, units)
    ):
        messages.success(request, _("Done: %(step)s.") % {"step": spec.label})
        return redirect(back(record))
    return render(
        request,
        "pages/step.html",
        {
            "record": record,
            "step": spec,
            "form": form,
            "units": units,
            "back": back(record),
            "opened_version": stale.version_of(record),
        },
        status=400 if posted else 200,
    )


def proposal_new(request):
    """Record a proposal (a draft): the office for anyone, a member in their own name."""
    user = request.user
    if not may_ever(user, ProposalAction.CREATE):
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
    proposal = get_object_or_404(Proposal.objects.visible_to(user), pk=pk)
    if not may(user, ProposalAction.SUBMIT, proposal):
        raise PermissionDenied(_("Your role does not allow this step on this record."))
    if proposal.status != ProposalStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; this proposal is submitted."))
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


@roles(*WORK)
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


@roles(*WORK)
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


@roles(*WORK)
def duty_scorecards_page(request):
    year = _year(request, timezone.localdate().year)
    return render(
        request,
        "pages/duty_scorecards.html",
        {"year": year, "years": range(year - 3, year + 2), "cards": member_scorecards(year)},
    )


def account(request):
    """Who the signed-in user is (roles, unit or member record)."""
    from hcppcc.directory.selectors import home_overview

    return render(request, "home.html", home_overview(request.user))
