"""One FilterSet per model, shared by the API and the staff pages."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from hcppcc.core.filtering import DATE, YES_NO, IdFilter, StableOrderingFilter
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    AwardKind,
    DeskQueue,
    ProposalStatus,
    ProposerKind,
    Satisfaction,
)
from proposals.models import (
    Assignment,
    Award,
    EvaluationRound,
    Feedback,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    Reply,
    ResultClass,
    Supervision,
)
from proposals.search import search
from proposals.selectors import desk_queues


class ProposalFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices)
    kind = django_filters.ChoiceFilter(field_name="proposer_kind", choices=ProposerKind.choices)
    key = django_filters.BooleanFilter(field_name="is_key", label=_("key proposal"), widget=YES_NO)
    unit = IdFilter(method="filter_unit", label=_("handling unit"))
    proposer = IdFilter(field_name="lead_member", label=_("lead proposer"))
    result_class = django_filters.ModelChoiceFilter(
        queryset=ResultClass.objects.all(),
        to_field_name="code",
        method="filter_result_class",
        label=_("result class"),
    )
    satisfaction = django_filters.ChoiceFilter(
        choices=Satisfaction.choices, method="filter_satisfaction", label=_("feedback")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("overdue"), widget=YES_NO
    )
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("submitted from"), widget=DATE
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("submitted until"), widget=DATE
    )
    q = django_filters.CharFilter(method="filter_text", label=_("text"))
    ordering = StableOrderingFilter(
        fields=("case_number", "registration_number", "submitted_at", "updated_at", "title")
    )

    class Meta:
        model = Proposal
        fields = ("session", "category")

    def filter_unit(self, queryset, name, value):
        held = Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=value).exclude(
            status=AssignmentStatus.RETURNED
        )
        return queryset.filter(Exists(held))

    @extend_schema_field(OpenApiTypes.STR)  # the class's code, e.g. "A"
    def filter_result_class(self, queryset, name, value):
        replies = Reply.objects.filter(
            assignment__proposal=OuterRef("pk"), status="approved", result_class=value
        )
        return queryset.filter(Exists(replies))

    def filter_satisfaction(self, queryset, name, value):
        return queryset.filter(
            Exists(Feedback.objects.filter(proposal=OuterRef("pk"), result=value))
        )

    def filter_overdue(self, queryset, name, value):
        late = Assignment.objects.overdue(timezone.localdate()).filter(proposal=OuterRef("pk"))
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))

    def filter_text(self, queryset, name, value):
        return search(queryset, value)


class AssignmentFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AssignmentStatus.choices)
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("overdue"), widget=YES_NO
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("due by"), widget=DATE
    )
    proposal = IdFilter(label=_("proposal"))
    queue = django_filters.ChoiceFilter(
        choices=DeskQueue.choices, method="filter_queue", label=_("to do")
    )
    ordering = StableOrderingFilter(fields=("assigned_on", "due_on", "id"))

    class Meta:
        model = Assignment
        fields = ("unit", "proposal__session")

    def filter_overdue(self, queryset, name, value):
        overdue = Assignment.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_queue(self, queryset, name, value):
        """One of the desk's queues, as its count at the top of the desk reads it."""
        return queryset.filter(desk_queues(timezone.localdate())[value])


class ReplyFilterSet(django_filters.FilterSet):
    result_class = django_filters.ModelChoiceFilter(
        queryset=ResultClass.objects.all(), to_field_name="code", label=_("result class")
    )
    unit = IdFilter(field_name="assignment__unit", label=_("handling unit"))
    session = IdFilter(field_name="assignment__proposal__session", label=_("session"))
    replied_after = django_filters.DateFilter(
        field_name="reply_date", lookup_expr="gte", label=_("replied from"), widget=DATE
    )
    replied_before = django_filters.DateFilter(
        field_name="reply_date", lookup_expr="lte", label=_("replied until"), widget=DATE
    )
    ordering = StableOrderingFilter(fields=("reply_date", "id"))

    class Meta:
        model = Reply
        fields = ("status", "assignment")


class SupervisionFilterSet(django_filters.FilterSet):
    leader = IdFilter(field_name="leaders", label=_("leader"))
    session = IdFilter(field_name="proposal__session", label=_("session"))
    ordering = StableOrderingFilter(fields=("id",))

    class Meta:
        model = Supervision
        fields = ("status", "committee", "proposal")


class LookBackItemFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="assignment__unit", label=_("handling unit"))
    ordering = StableOrderingFilter(fields=("id",))

    class Meta:
        model = LookBackItem
        fields = ("campaign", "outcome", "satisfaction", "decision")


class KeyNominationFilterSet(django_filters.FilterSet):
    session = IdFilter(field_name="proposal__session", label=_("session"))
    ordering = StableOrderingFilter(fields=("nominated_on", "id"))

    class Meta:
        model = KeyNomination
        fields = ("decision", "nominated_by", "proposal")


class LookBackCampaignFilterSet(django_filters.FilterSet):
    ordering = StableOrderingFilter(fields=("year", "starts_on", "id"))

    class Meta:
        model = LookBackCampaign
        fields = ("year", "session")


def _year() -> django_filters.NumberFilter:
    return django_filters.NumberFilter(min_value=1949, max_value=2999, label=_("year"))


class EvaluationRoundFilterSet(django_filters.FilterSet):
    year = _year()
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("text"))
    ordering = StableOrderingFilter(fields=("year", "held_on", "id"))

    class Meta:
        model = EvaluationRound
        fields = ("year",)


class AwardFilterSet(django_filters.FilterSet):
    year = _year()
    kind = django_filters.ChoiceFilter(choices=AwardKind.choices, label=_("kind"))
    ordering = StableOrderingFilter(fields=("year", "decided_on", "id"))

    class Meta:
        model = Award
        fields = ("year", "kind")
