"""The list pages: each a ``FilteredList`` over its records' scope and the API's FilterSet
(the filter form, sortable columns, pages, the state in the URL, exports of the same
filter), opening to the roles that read something of what it lists."""

from dataclasses import dataclass

from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from activities import scopes as work
from activities.filtersets import ActivityFilterSet, OpinionReportFilterSet
from activities.models import Activity, OpinionReport
from hcppcc.core.paging import EstimatingPaginator
from hcppcc.core.records import permission_for
from hcppcc.core.scopes import Scope
from hcppcc.directory import scopes as directory
from hcppcc.directory.choices import Role
from hcppcc.directory.filtersets import MemberFilterSet, UnitFilterSet
from pages.access import require
from pages.records import step_links
from proposals import scopes, workflow
from proposals.choices import CoSignerStatus, ProposalStatus
from proposals.filtersets import (
    AssignmentFilterSet,
    LookBackItemFilterSet,
    ProposalFilterSet,
    SupervisionFilterSet,
)
from proposals.selectors import (
    desk_counts,
)


@dataclass(frozen=True)
class Column:
    label: str
    ordering: str = ""  # a field the FilterSet's ``ordering`` allows, or none
    key: str = ""  # names a column a list may leave out for some readers (``hidden``)


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

    def filters_for(self, user) -> tuple[str, ...]:
        """The filters the user is offered (all of them work in the URL for everyone)."""
        return self.filter_fields

    def records(self, user):
        """The rows, with what each shows read in a fixed number of queries."""
        return self.scope.visible_to(user)

    def hidden_columns(self, user) -> frozenset[str]:
        """The keys of the columns ``user`` does not need (the row templates read the same
        set as ``hidden``)."""
        return frozenset()

    def get(self, request):
        user = request.user
        require(user, self.opens)
        hidden = self.hidden_columns(user)
        filterset = self.filterset_class(
            request.GET or None, queryset=self.records(user), request=request
        )
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs if valid else filterset.queryset.none()
        page = EstimatingPaginator(rows, self.page_size).get_page(request.GET.get("page"))
        fields = [filterset.form[name] for name in self.filters_for(user)]
        return render(
            request,
            "pages/list.html",
            {
                "title": self.title,
                "filter_fields": fields,
                "filter_errors": filterset.form.errors if filterset.is_bound else {},
                "columns": [column for column in self.columns if column.key not in hidden],
                "hidden": hidden,
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

    def filters_for(self, user) -> tuple[str, ...]:
        # Those who follow only their own proposals search and sort them; the office's
        # panel is for the whole archive.
        if scopes.HANDLING.reads_everything(user) or user.has_role(Role.COMMITTEE_STAFF):
            return self.filter_fields
        return ("q", "session", "status")

    def extra_context(self, request) -> dict:
        user = request.user
        can_create = workflow.CREATE.roles.allow_some(user)
        context = {"create_url": reverse("pages:proposal-new") if can_create else ""}
        if workflow.ASSIGN.roles.allow_some(user):
            context["page_links"] = [(_("Assign in a batch"), reverse("pages:assign-batch"))]
        member = getattr(user, "member", None)
        if member is not None and user.has_role(Role.MEMBER):
            context["title"] = _("My proposals")
            invitations = (
                scopes.COSIGNERS.visible_to(user)
                .filter(member=member, status=CoSignerStatus.INVITED)
                .filter(proposal__status=ProposalStatus.AWAITING_COSIGNERS)
                .select_related("proposal", "proposal__lead_member")
                .order_by(F("deadline").asc(nulls_last=True), "pk")
            )
            context["invitations"] = [(c, step_links("cosigner", c, user)) for c in invitations]
        return context


class AssignmentList(FilteredList):
    """The handling desk. It opens on what needs doing: how many assignments wait in each
    queue (each count a link to its rows), the open ones by urgency, the days left. A unit
    user sees its own unit's assignments only, without a column repeating its name."""

    scope = scopes.ASSIGNMENTS
    title = gettext_lazy("Assignments")
    filterset_class = AssignmentFilterSet
    filter_fields = ("queue", "status", "role", "overdue", "due_before", "proposal__session")
    columns = (
        Column(gettext_lazy("proposal")),
        Column(gettext_lazy("handling unit"), key="unit"),
        Column(gettext_lazy("role")),
        Column(gettext_lazy("status")),
        Column(gettext_lazy("days left")),
        Column(gettext_lazy("reply due"), "due_on"),
        Column(gettext_lazy("assigned on"), "assigned_on"),
    )
    row_template = "pages/rows/assignment.html"
    api_list = "assignment-list"

    def records(self, user):
        return super().records(user).for_list().by_urgency()

    def hidden_columns(self, user) -> frozenset[str]:
        # A unit user reads its own unit's rows only: the unit column would repeat its name.
        readers = user.roles & self.scope.readers
        own_unit_only = not user.is_superuser and readers == {Role.HANDLING_UNIT}
        return frozenset({"unit"}) if own_unit_only else frozenset()

    def extra_context(self, request) -> dict:
        today = timezone.localdate()
        return {
            "today": today,
            "queues": desk_counts(self.scope.visible_to(request.user), today),
            "queue": request.GET.get("queue", ""),
        }


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

    def extra_context(self, request) -> dict:
        links = [(_("Nominations"), reverse("pages:nominations"))]
        member = getattr(request.user, "member", None)
        if member is not None and member.is_leader:
            # A leader opens the supervisions they lead (领衔督办) in one click.
            links.insert(0, (_("Led by me"), f"{reverse('pages:supervisions')}?leader={member.pk}"))
        return {"page_links": links}


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

    def extra_context(self, request) -> dict:
        return {"page_links": [(_("Campaigns"), reverse("pages:campaigns"))]}


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

    def extra_context(self, request) -> dict:
        if not request.user.has_perm(permission_for(Activity, "add")):
            return {}
        return {"create_url": reverse("pages:activity-new"), "create_label": _("New record")}


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

    def extra_context(self, request) -> dict:
        if not request.user.has_perm(permission_for(OpinionReport, "add")):
            return {}
        return {"create_url": reverse("pages:report-new"), "create_label": _("New record")}

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
