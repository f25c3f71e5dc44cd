"""Admin for proposals: data entry by the office, every workflow step as a button.

Status fields are read-only here. Each step opens a small form (``workflow.py``) and calls
its service; a step that may not be taken shows the reason and changes nothing. Every list
reads through its scope (``scopes.py``), as the pages and the API do.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hcppcc.core.admin import AuditHistoryAdmin, ModelAdmin, SavedThroughServiceAdmin
from hcppcc.core.workflow.admin import (
    ReadOnlyInline,
    ScopedAdmin,
    ScopedInline,
    StepOnlyAdmin,
    WorkflowAdmin,
)
from hcppcc.directory.models import Session
from proposals import scopes, services, workflow
from proposals.choices import EvaluationRating, ProposalStatus
from proposals.models import (
    Assignment,
    Award,
    Category,
    ContactLog,
    CoSigner,
    EvaluationRound,
    EvaluationVote,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    RejectionReason,
    Reply,
    ResultClass,
    ReturnRequest,
    Supervision,
    SupervisionEvent,
    Transition,
)
from proposals.selectors import (
    assignment_clocks,
    evaluation_results,
    proposal_clocks,
    unit_scorecards,
)
from proposals.services.drafting import CONTENT_FIELDS


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    search_fields = ("name",)
    fields = ("name", "sort_order", "is_active")


@admin.register(RejectionReason)
class RejectionReasonAdmin(ModelAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    search_fields = ("code", "name")
    fields = ("code", "name", "description", "sort_order", "is_active")


@admin.register(ResultClass)
class ResultClassAdmin(ModelAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    search_fields = ("code", "name")
    fields = ("code", "name", "description", "sort_order", "is_active")


class CoSignerInline(ScopedInline):
    """Co-signers are invited on a draft; their answers come through the respond step."""

    scope = scopes.COSIGNERS
    model = CoSigner
    extra = 0
    can_delete = False
    fields = ("member", "status", "deadline", "responded_at")
    readonly_fields = ("status", "deadline", "responded_at")
    autocomplete_fields = ("member",)
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        draft = obj is None or obj.status == ProposalStatus.DRAFT
        return draft and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(ReadOnlyInline):
    scope = scopes.ASSIGNMENTS
    model = Assignment
    fields = ("unit", "role", "status", "assigned_on", "due_on", "round")
    readonly_fields = fields


class FeedbackInline(ReadOnlyInline):
    scope = scopes.FEEDBACK
    model = Feedback
    fields = ("round", "attitude", "result", "comment", "given_by", "created_at")
    readonly_fields = fields
    show_change_link = False


class TransitionInline(ReadOnlyInline):
    """The proposal's timeline."""

    scope = scopes.TRANSITIONS
    model = Transition
    fields = ("at", "action_label", "assignment", "from_label", "to_label", "by", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignment__unit", "by")

    show_change_link = False
    verbose_name_plural = _("timeline")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Has overdue assignments")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            overdue = Assignment.objects.overdue(timezone.localdate()).filter(
                proposal=OuterRef("pk")
            )
            return queryset.filter(Exists(overdue))
        return queryset


class WorkingSetFilter(admin.SimpleListFilter):
    """The current session's proposals plus those carried over (跨届续办) from earlier ones."""

    title = _("working set")
    parameter_name = "working"

    def lookups(self, request, model_admin):
        return (("current", _("Current session, with carried-over proposals")),)

    def queryset(self, request, queryset):
        if self.value() == "current" and (current := Session.objects.current()) is not None:
            return queryset.for_session(current)
        return queryset


def clock_table(clocks) -> str:
    if not clocks:
        return "—"
    return format_html(
        "<table>{}</table>",
        format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td class="{}">{}</td></tr>',
            (
                (
                    clock.label,
                    clock.due,
                    "errornote" if clock.overdue else "",
                    _("%(days)d days overdue") % {"days": -clock.days_left}
                    if clock.overdue
                    else _("%(days)d days left") % {"days": clock.days_left},
                )
                for clock in clocks
            ),
        ),
    )


HANDLING_FILTERS = (("assignments__unit", admin.RelatedOnlyFieldListFilter), OverdueFilter)


@admin.register(Proposal)
class ProposalAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, WorkflowAdmin):
    workflow = workflow.PROPOSAL
    scope = scopes.PROPOSALS
    list_display = (
        "case_display",
        "title",
        "session",
        "status",
        "category",
        "proposer",
        "is_key",
        "carried_over",
        "registration_display",
    )
    list_display_links = ("case_display", "title")
    list_filter = (
        WorkingSetFilter,
        "session",
        "status",
        "category",
        "is_key",
        "proposer_kind",
        ("assignments__unit", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    )
    search_fields = (
        "title",
        "=case_number",
        "=registration_number",
        "lead_member__name",
        "organization__name",
        "organization__short_name",
    )
    list_select_related = (
        "session",
        "category",
        "lead_member",
        "organization",
        "committee",
        "sector",
    )
    autocomplete_fields = ("lead_member", "organization", "committee", "sector", "suggested_units")
    readonly_fields = (
        "status",
        "clocks",
        "case_display",
        "registration_display",
        "is_key",
        "handling_round",
        "rejection_reason",
        "review_note",
        "merged_into",
        "conversion",
        "submitted_at",
        "reviewed_at",
        "closed_at",
        "created_by",
    )
    fieldsets = (
        (
            None,
            {"fields": ("session", "title", "category", "situation", "suggestions", "explanation")},
        ),
        (
            _("proposer"),
            {
                "fields": (
                    "proposer_kind",
                    "lead_member",
                    "organization",
                    "committee",
                    "sector",
                    "period",
                    "source",
                    "source_note",
                    "suggested_units",
                    "consent_to_publish",
                    "no_publish_reason",
                )
            },
        ),
        (
            _("status"),
            {
                "fields": (
                    "status",
                    "clocks",
                    "case_display",
                    "registration_display",
                    "is_key",
                    "handling_round",
                    "rejection_reason",
                    "review_note",
                    "merged_into",
                    "conversion",
                    "submitted_at",
                    "reviewed_at",
                    "closed_at",
                    "created_by",
                )
            },
        ),
    )
    inlines = (CoSignerInline, AssignmentInline, FeedbackInline, TransitionInline)

    def get_queryset(self, request):
        visible = super().get_queryset(request)
        # The admin asks for its queryset more than once a request; read the session once.
        if not hasattr(request, "current_session"):
            request.current_session = Session.objects.current()
        current = request.current_session
        return visible.with_carried_over(current) if current else visible

    def get_list_filter(self, request):
        # Filtering by units or clocks reads the handling, which committee staff do not.
        if scopes.HANDLING.reads_everything(request.user):
            return self.list_filter
        return tuple(f for f in self.list_filter if f not in HANDLING_FILTERS)

    def get_readonly_fields(self, request, obj=None):
        # What the proposer wrote is fixed once the proposal is submitted; the status and
        # everything after it changes only through the steps.
        if obj is not None and obj.status != ProposalStatus.DRAFT:
            return (*CONTENT_FIELDS, *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("case number"), ordering="case_number")
    def case_display(self, obj: Proposal) -> str:
        return obj.number_display or "—"

    @admin.display(description=_("registration number"), ordering="registration_number")
    def registration_display(self, obj: Proposal) -> str:
        return obj.registration_display or "—"

    @admin.display(description=_("proposer"))
    def proposer(self, obj: Proposal) -> str:
        return obj.proposer_display

    @admin.display(description=_("carried over"), boolean=True)
    def carried_over(self, obj: Proposal) -> bool:
        return getattr(obj, "carried_over", False)

    def get_urls(self):
        return [
            path(
                "scorecards/",
                self.admin_site.admin_view(self.scorecards_view),
                name=self.url_name("scorecards"),
            ),
            *super().get_urls(),
        ]

    def scorecards_view(self, request):
        """Handling-unit scorecards of one year (承办单位办理情况), computed from the records."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year = int(request.GET.get("year", timezone.localdate().year))
        except ValueError:
            year = timezone.localdate().year
        classes = list(ResultClass.objects.order_by("sort_order", "code"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Handling-unit scorecards %(year)d") % {"year": year},
            "year": year,
            "years": range(year - 3, year + 2),
            "cards": [
                (card, [card.results[result_class.code] for result_class in classes])
                for card in unit_scorecards(year)
            ],
            "classes": classes,
        }
        return render(request, "admin/proposals/scorecards.html", context)

    @admin.display(description=_("deadlines"))
    def clocks(self, obj: Proposal) -> str:
        return clock_table(proposal_clocks(obj, timezone.localdate()))

    def save_through(self, record, by, changes, related):
        if record.pk is None:
            services.proposal_create(
                proposal=record, by=by, suggested_units=related.get("suggested_units", ())
            )
            return
        edited = {
            name: value for name, value in {**changes, **related}.items() if name in CONTENT_FIELDS
        }
        if edited:
            services.proposal_update(proposal=record, by=by, changes=edited)

    def save_formset(self, request, form, formset, change):
        if formset.model is CoSigner:
            for cosigner in formset.save(commit=False):
                if cosigner.pk is None:
                    services.cosigner_invite(
                        proposal=form.instance, member=cosigner.member, by=request.user
                    )
            return
        super().save_formset(request, form, formset, change)


class ReplyInline(ReadOnlyInline):
    scope = scopes.REPLIES
    model = Reply
    fields = ("round", "result_class", "status", "reply_date", "signer", "review_note")
    readonly_fields = fields


class ReturnRequestInline(ReadOnlyInline):
    scope = scopes.RETURN_REQUESTS
    model = ReturnRequest
    fields = ("created_at", "reason", "suggested_unit", "decision", "decision_note")
    readonly_fields = fields


class ExtensionRequestInline(ReadOnlyInline):
    scope = scopes.EXTENSION_REQUESTS
    model = ExtensionRequest
    fields = ("created_at", "days", "reason", "decision", "decision_note")
    readonly_fields = fields


class ContactInline(ReadOnlyInline):
    scope = scopes.CONTACTS
    model = ContactLog
    fields = ("date", "way", "people", "note")
    readonly_fields = fields
    show_change_link = False


class JointOpinionInline(ReadOnlyInline):
    scope = scopes.JOINT_OPINIONS
    model = JointOpinion
    fields = ("text", "submitted_by", "created_at")
    readonly_fields = fields
    show_change_link = False


class AssignmentOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(AuditHistoryAdmin, WorkflowAdmin):
    workflow = workflow.ASSIGNMENT
    scope = scopes.ASSIGNMENTS
    list_display = ("proposal", "unit", "role", "status", "assigned_on", "due_on", "days_left")
    list_filter = (
        "status",
        "role",
        AssignmentOverdueFilter,
        ("unit", admin.RelatedOnlyFieldListFilter),
        "proposal__session",
    )
    search_fields = ("proposal__title", "=proposal__case_number", "unit__name")
    list_select_related = ("proposal", "proposal__session", "unit")
    fields = (
        "proposal_link",
        "unit",
        "role",
        "status",
        "assigned_on",
        "due_on",
        "clocks",
        "round",
    )
    readonly_fields = fields
    inlines = (
        ReplyInline,
        JointOpinionInline,
        ContactInline,
        ReturnRequestInline,
        ExtensionRequestInline,
    )

    def has_add_permission(self, request) -> bool:
        return False  # assignments are made by the assign step of a proposal

    @admin.display(description=_("deadlines"))
    def clocks(self, obj: Assignment) -> str:
        return clock_table(assignment_clocks(obj, timezone.localdate()))

    @admin.display(description=_("days left"))
    def days_left(self, obj: Assignment):
        return obj.days_left(timezone.localdate())

    @admin.display(description=_("proposal"))
    def proposal_link(self, obj: Assignment) -> str:
        url = reverse("admin:proposals_proposal_change", args=[obj.proposal_id])
        return format_html('<a href="{}">{}</a>', url, obj.proposal)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(StepOnlyAdmin):
    workflow = workflow.RETURN_REQUEST
    scope = scopes.RETURN_REQUESTS
    list_display = ("assignment", "created_at", "decision")
    list_filter = ("decision",)
    list_select_related = ("assignment__unit", "assignment__proposal")
    fields = ("assignment", "reason", "suggested_unit", "decision", "decision_note", "decided_by")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(StepOnlyAdmin):
    workflow = workflow.EXTENSION_REQUEST
    scope = scopes.EXTENSION_REQUESTS
    list_display = ("assignment", "days", "created_at", "decision")
    list_filter = ("decision",)
    list_select_related = ("assignment__unit", "assignment__proposal")
    fields = ("assignment", "days", "reason", "decision", "decision_note", "decided_by")


@admin.register(Reply)
class ReplyAdmin(AuditHistoryAdmin, StepOnlyAdmin):
    workflow = workflow.REPLY
    scope = scopes.REPLIES
    list_display = ("assignment", "round", "result_class", "status", "reply_date")
    list_filter = ("status", "result_class")
    list_select_related = ("assignment__unit", "assignment__proposal", "result_class")
    fields = (
        "assignment",
        "round",
        "result_class",
        "text",
        "signer",
        "reply_date",
        "file",
        "status",
        "review_note",
    )


@admin.register(CoSigner)
class CoSignerAdmin(StepOnlyAdmin):
    workflow = workflow.COSIGNER
    scope = scopes.COSIGNERS
    list_display = ("proposal", "member", "status", "deadline")
    list_filter = ("status",)
    list_select_related = ("proposal", "member")
    fields = ("proposal", "member", "status", "deadline", "responded_at")


# --- key proposals and supervision ---------------------------------------------------------


@admin.register(KeyNomination)
class KeyNominationAdmin(StepOnlyAdmin):
    workflow = workflow.KEY_NOMINATION
    scope = scopes.KEY_NOMINATIONS
    list_display = ("proposal", "nominated_by", "nominated_on", "decision", "decided_on")
    list_filter = ("decision", "nominated_by")
    list_select_related = ("proposal",)
    search_fields = ("proposal__title", "=proposal__case_number")
    fields = (
        "proposal",
        "nominated_by",
        "organization",
        "committee",
        "nominated_on",
        "reason",
        "decision",
        "decided_on",
        "decision_note",
    )


class SupervisionEventInline(ReadOnlyInline):
    scope = scopes.SUPERVISION_EVENTS
    model = SupervisionEvent
    fields = ("date", "method", "participants", "place", "notes")
    readonly_fields = fields
    show_change_link = False


@admin.register(Supervision)
class SupervisionAdmin(AuditHistoryAdmin, StepOnlyAdmin):
    """Leaders open this page to record the supervision of the key proposals they lead."""

    workflow = workflow.SUPERVISION
    scope = scopes.SUPERVISIONS
    list_display = ("proposal", "leader_list", "committee", "status", "reported_on")
    list_filter = ("status", "committee")
    list_select_related = ("proposal", "committee")
    search_fields = ("proposal__title", "leaders__name")
    fields = ("proposal", "leader_list", "committee", "plan", "status", "report", "reported_on")
    inlines = (SupervisionEventInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leaders")

    @admin.display(description=_("leading leaders"))
    def leader_list(self, obj: Supervision) -> str:
        return "、".join(member.name for member in obj.leaders.all())


# --- look-back reviews ---------------------------------------------------------------------


class LookBackItemInline(ReadOnlyInline):
    scope = scopes.LOOKBACK_ITEMS
    model = LookBackItem
    fields = ("assignment", "reply", "outcome", "decision", "reclassified_to")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "assignment__unit",
                "assignment__proposal__session",
                "reply__assignment__unit",
                "reply__result_class",
                "reclassified_to",
            )
        )


@admin.register(LookBackCampaign)
class LookBackCampaignAdmin(ScopedAdmin):
    scope = scopes.LOOKBACK_CAMPAIGNS
    list_display = ("name", "year", "session", "starts_on", "ends_on", "committee")
    list_filter = ("year", "session")
    search_fields = ("name",)
    fields = ("name", "year", "session", "result_classes", "starts_on", "ends_on", "committee")
    filter_horizontal = ("result_classes",)
    inlines = (LookBackItemInline,)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # The scope decided which items exist; it is not changed afterwards.
        return ("session", "result_classes") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.lookback_campaign_create(
                campaign=obj, by=request.user, result_classes=form.cleaned_data["result_classes"]
            )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(LookBackItem)
class LookBackItemAdmin(AuditHistoryAdmin, StepOnlyAdmin):
    workflow = workflow.LOOK_BACK_ITEM
    scope = scopes.LOOKBACK_ITEMS
    list_display = (
        "assignment",
        "campaign",
        "original_class",
        "outcome",
        "decision",
        "reclassified_to",
    )
    list_filter = ("campaign", "outcome", "decision")
    list_select_related = (
        "campaign",
        "assignment__unit",
        "assignment__proposal",
        "reply__result_class",
        "reclassified_to",
    )
    search_fields = ("assignment__proposal__title", "assignment__unit__name")
    fields = (
        "campaign",
        "assignment",
        "reply",
        "original_class",
        "commitments",
        "visited_on",
        "evidence",
        "attachment",
        "outcome",
        "satisfaction",
        "decision",
        "reclassified_to",
        "decision_note",
        "decided_at",
    )

    @admin.display(description=_("result class of the reply"))
    def original_class(self, obj: LookBackItem) -> str:
        return str(obj.reply.result_class)


# --- evaluation and awards -----------------------------------------------------------------


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, ScopedAdmin):
    """A year's evaluation; the results are computed on its page from the votes."""

    scope = scopes.EVALUATION_ROUNDS
    list_display = ("name", "year", "held_on")
    list_filter = ("year",)
    search_fields = ("name",)
    fields = ("name", "year", "held_on", "units", "results")
    readonly_fields = ("results",)
    autocomplete_fields = ("units",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through(self, record, by, changes, related):
        services.evaluation_round_save(
            evaluation_round=record, by=by, changes=changes, units=related.get("units")
        )

    @admin.display(description=_("results"))
    def results(self, obj: EvaluationRound) -> str:
        if obj.pk is None:
            return "—"
        rows = [
            format_html(
                "<tr><td>{}</td>{}<td>{}</td></tr>",
                result.unit,
                format_html_join("", "<td>{}</td>", ((result.votes[r],) for r in EvaluationRating)),
                f"{result.satisfaction_rate:.0%}" if result.satisfaction_rate is not None else "—",
            )
            for result in evaluation_results(obj)
        ]
        header = format_html_join(
            "", "<th>{}</th>", ((label,) for label in EvaluationRating.labels)
        )
        return format_html(
            "<table><tr><th>{}</th>{}<th>{}</th></tr>{}</table>",
            _("handling unit"),
            header,
            _("satisfaction rate"),
            format_html_join("", "{}", ((row,) for row in rows)),
        )


@admin.register(EvaluationVote)
class EvaluationVoteAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, ScopedAdmin):
    """Votes typed in from the paper ballots, one per participant and unit (a whole ballot
    at once on the 民主评议 page); here a rating is corrected."""

    scope = scopes.EVALUATION_VOTES
    list_display = ("round", "unit", "member", "rating")
    list_filter = ("round", "rating")
    list_select_related = ("round", "unit", "member")
    search_fields = ("unit__name", "member__name")
    fields = ("round", "unit", "member", "rating")
    autocomplete_fields = ("unit", "member")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # Who rated which unit in which round is what the ballot says; only the rating
        # is corrected.
        return ("round", "unit", "member") if obj is not None else ()

    def save_through(self, record, by, changes, related):
        if record._state.adding:
            (vote,) = services.evaluation_votes_record(
                evaluation_round=record.round,
                by=by,
                member=record.member,
                ratings={record.unit: record.rating},
            )
            # The admin goes on with the form's instance (its messages, its redirect).
            record.pk, record._state.adding = vote.pk, False
        else:
            services.evaluation_vote_correct(vote=record, by=by, rating=record.rating)


@admin.register(Award)
class AwardAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, ScopedAdmin):
    scope = scopes.AWARDS
    list_display = ("year", "kind", "proposal", "unit", "decided_on")
    list_filter = ("year", "kind")
    list_select_related = ("proposal", "unit")
    search_fields = ("proposal__title", "unit__name")
    fields = ("year", "kind", "proposal", "unit", "decided_on", "note")
    autocomplete_fields = ("proposal", "unit")

    def save_through(self, record, by, changes, related):
        services.award_record(award=record, by=by, changes=changes)
