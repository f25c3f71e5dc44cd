"""The proposal API: thin ViewSets over the named reads, and every workflow step as one
POST action that takes the same form and calls the same service as the admin."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from hcppcc.core.api.etags import ETagMixin, etag_of
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.workflow.errors import IllegalTransition
from proposals import policies, scopes, services, workflow
from proposals.choices import ProposalAction
from proposals.filtersets import (
    AssignmentFilterSet,
    LookBackItemFilterSet,
    ProposalFilterSet,
    ReplyFilterSet,
    SupervisionFilterSet,
)
from proposals.models import (
    Assignment,
    ExtensionRequest,
    Feedback,
    KeyNomination,
    LookBackCampaign,
    LookBackItem,
    Proposal,
    Reply,
    ResultClass,
    ReturnRequest,
    Supervision,
)
from proposals.services.lifecycle import CONTENT_FIELDS

# DRF's own formats for the hand-built representations below.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField()

    class Meta:
        model = Assignment
        fields = ("id", "unit", "role", "status", "assigned_on", "due_on", "round")

    def to_representation(self, assignment):
        return assignment_brief(assignment)


def assignment_brief(assignment: Assignment) -> dict:
    """AssignmentBriefSerializer's representation, built directly."""
    return {
        "id": assignment.pk,
        "unit": str(assignment.unit),
        "role": assignment.role,
        "status": assignment.status,
        "assigned_on": _DATE.to_representation(assignment.assigned_on),
        "due_on": _DATE.to_representation(assignment.due_on),
        "round": assignment.round,
    }


class ProposalSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="number_display", read_only=True)
    session = serializers.StringRelatedField()
    category = serializers.StringRelatedField()
    proposer = serializers.CharField(source="proposer_display", read_only=True)
    assignments = AssignmentBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = (
            "id",
            "session",
            "number",
            "case_number",
            "registration_number",
            "title",
            "situation",
            "suggestions",
            "explanation",
            "category",
            "proposer_kind",
            "proposer",
            "status",
            "is_key",
            "handling_round",
            "submitted_at",
            "reviewed_at",
            "replied_at",
            "closed_at",
            "assignments",
        )
        read_only_fields = fields

    def to_representation(self, proposal):
        """What the declared fields give (a test holds the two equal), built in one go:
        DRF's field-by-field path was a third of the list page's time."""
        category = proposal.category
        return {
            "id": proposal.pk,
            "session": str(proposal.session),
            "number": proposal.number_display,
            "case_number": proposal.case_number,
            "registration_number": proposal.registration_number,
            "title": proposal.title,
            "situation": proposal.situation,
            "suggestions": proposal.suggestions,
            "explanation": proposal.explanation,
            "category": None if category is None else str(category),
            "proposer_kind": proposal.proposer_kind,
            "proposer": proposal.proposer_display,
            "status": proposal.status,
            "is_key": proposal.is_key,
            "handling_round": proposal.handling_round,
            "submitted_at": _DATETIME.to_representation(proposal.submitted_at),
            "reviewed_at": _DATETIME.to_representation(proposal.reviewed_at),
            "replied_at": _DATETIME.to_representation(proposal.replied_at),
            "closed_at": _DATETIME.to_representation(proposal.closed_at),
            "assignments": [assignment_brief(a) for a in proposal.assignments.all()],
        }


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField()
    proposal = serializers.PrimaryKeyRelatedField(read_only=True)
    proposal_title = serializers.CharField(source="proposal.title", read_only=True)

    class Meta:
        model = Assignment
        fields = (
            "id",
            "proposal",
            "proposal_title",
            "unit",
            "role",
            "status",
            "assigned_on",
            "due_on",
            "round",
            "acknowledged_at",
            "completed_at",
        )
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    result_class = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Reply
        fields = (
            "id",
            "assignment",
            "round",
            "result_class",
            "text",
            "signer",
            "reply_date",
            "status",
            "review_note",
        )
        read_only_fields = fields


def _form_data(step: workflow.Step, data) -> dict:
    """The step form's input from a JSON body; the assign step's ``units`` list becomes
    the rows of its table of units."""
    if isinstance(data, QueryDict):
        data = data.dict()
    data = dict(data)
    if not step.with_units:
        return data
    rows = data.pop("units", None) or []
    if not isinstance(rows, list):
        raise ValidationError({"units": [_("A list of {unit, role, due_on}.")]})
    data |= {"units-TOTAL_FORMS": str(len(rows)), "units-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError(
                {"units": [_("Row %(row)d must be an object.") % {"row": index + 1}]}
            )
        for key in ("unit", "role", "due_on"):
            if row.get(key) is not None:
                data[f"units-{index}-{key}"] = str(row[key])
    return data


class WorkflowViewSet(ETagMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Read the records the user may see; take a step with ``POST <id>/<step>/``."""

    steps: list[workflow.Step] = []

    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z-]+)")
    def step(self, request, pk=None, step=None):
        spec = next((s for s in self.steps if s.name == step), None)
        if spec is None:
            raise NotFound()
        record = self.get_object()  # 404 outside the caller's scope
        if not spec.permitted(record, request.user):
            raise PermissionDenied()  # 403: the record is visible, the step is not theirs
        if not spec.applies(record):
            raise IllegalTransition(_("This step cannot be taken on this record now."))
        form, units = spec.bind(record, _form_data(spec, request.data), request.FILES or None)
        cleaned = spec.cleaned(form, units)
        if cleaned is None:
            errors = dict(form.errors)
            if units is not None:
                errors["units"] = units.errors + list(units.non_form_errors())
            raise ValidationError(errors)
        spec.run(record, request.user, cleaned)
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)


class ProposalDraftSerializer(serializers.ModelSerializer):
    """What a proposer writes: accepted on create, and on update while a draft."""

    class Meta:
        model = Proposal
        fields = CONTENT_FIELDS


class ProposalViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, WorkflowViewSet):
    """Proposals: read; create a draft; edit a draft (with If-Match); take steps."""

    filterset_class = ProposalFilterSet
    steps = workflow.PROPOSAL_STEPS

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user).for_list().order_by("-id")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ProposalDraftSerializer
        return ProposalSerializer

    def create(self, request, *args, **kwargs):
        if not policies.may_ever(request.user, ProposalAction.CREATE):
            raise PermissionDenied()  # before the input is looked at
        draft = ProposalDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        units = draft.validated_data.pop("suggested_units", [])
        proposal = services.proposal_create(
            proposal=Proposal(**draft.validated_data), by=request.user
        )
        proposal.suggested_units.set(units)
        return Response(ProposalSerializer(proposal).data, status=201)

    def update(self, request, *args, **kwargs):
        proposal = self.get_object()
        if (stale := self.check_if_match(request, proposal)) is not None:
            return stale
        draft = ProposalDraftSerializer(
            proposal, data=request.data, partial=kwargs.get("partial", False)
        )
        draft.is_valid(raise_exception=True)
        services.proposal_update(
            proposal=proposal,
            by=request.user,
            changes=draft.validated_data,
            unchanged_since=proposal.updated_at,
        )
        proposal = self.get_queryset().get(pk=proposal.pk)
        response = Response(ProposalSerializer(proposal).data)
        response["ETag"] = etag_of(proposal)
        return response


class AssignmentViewSet(WorkflowViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    steps = workflow.ASSIGNMENT_STEPS

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).for_list().order_by("-id")


class ReplyViewSet(WorkflowViewSet):
    serializer_class = ReplySerializer
    filterset_class = ReplyFilterSet
    steps = workflow.REPLY_STEPS

    def get_queryset(self):
        return scopes.replies(self.request.user).select_related("result_class").order_by("-id")


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ("id", "proposal", "round", "attitude", "result", "comment", "created_at")
        read_only_fields = fields


class FeedbackViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FeedbackSerializer
    filterset_fields = ("proposal", "round", "result")

    def get_queryset(self):
        return scopes.feedback(self.request.user).order_by("-id")


class RequestSerializer(serializers.ModelSerializer):
    class Meta:
        fields = (
            "id",
            "assignment",
            "reason",
            "decision",
            "decision_note",
            "decided_at",
            "created_at",
        )
        read_only_fields = fields


class ReturnRequestSerializer(RequestSerializer):
    class Meta(RequestSerializer.Meta):
        model = ReturnRequest
        fields = (*RequestSerializer.Meta.fields, "suggested_unit")
        read_only_fields = fields


class ExtensionRequestSerializer(RequestSerializer):
    class Meta(RequestSerializer.Meta):
        model = ExtensionRequest
        fields = (*RequestSerializer.Meta.fields, "days")
        read_only_fields = fields


class AssignmentScopedViewSet(WorkflowViewSet):
    """Records hanging off an assignment, seen by whoever may see the assignment."""

    model = None
    filterset_fields = ("assignment", "decision")

    def get_queryset(self):
        return scopes.requests(self.model, self.request.user).order_by("-id")


class ReturnRequestViewSet(AssignmentScopedViewSet):
    model = ReturnRequest
    serializer_class = ReturnRequestSerializer
    steps = workflow.RETURN_REQUEST_STEPS


class ExtensionRequestViewSet(AssignmentScopedViewSet):
    model = ExtensionRequest
    serializer_class = ExtensionRequestSerializer
    steps = workflow.EXTENSION_REQUEST_STEPS


class KeyNominationSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyNomination
        fields = (
            "id",
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
        read_only_fields = fields


class KeyNominationViewSet(WorkflowViewSet):
    serializer_class = KeyNominationSerializer
    filterset_fields = ("proposal", "decision")
    steps = workflow.KEY_NOMINATION_STEPS

    def get_queryset(self):
        return scopes.key_nominations(self.request.user).order_by("-id")


class SupervisionSerializer(serializers.ModelSerializer):
    leaders = serializers.StringRelatedField(many=True)
    events = serializers.SerializerMethodField()

    class Meta:
        model = Supervision
        fields = ("id", "proposal", "leaders", "committee", "plan", "status", "report", "events")
        read_only_fields = fields

    def get_events(self, supervision) -> list[dict]:
        return [
            {"date": e.date, "method": e.method, "place": e.place, "participants": e.participants}
            for e in supervision.events.all()
        ]


class SupervisionViewSet(WorkflowViewSet):
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet
    steps = workflow.SUPERVISION_STEPS

    def get_queryset(self):
        return (
            scopes.supervisions(self.request.user)
            .prefetch_related("leaders", "events")
            .order_by("-id")
        )


class LookBackCampaignSerializer(serializers.ModelSerializer):
    result_classes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = LookBackCampaign
        fields = ("id", "name", "year", "session", "result_classes", "starts_on", "ends_on")
        read_only_fields = fields


class LookBackCampaignWriteSerializer(serializers.ModelSerializer):
    result_classes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ResultClass.objects.all()
    )

    class Meta:
        model = LookBackCampaign
        fields = ("id", "name", "year", "session", "result_classes", "starts_on", "ends_on")


class LookBackCampaignViewSet(
    mixins.CreateModelMixin, ETagMixin, ExportMixin, viewsets.ReadOnlyModelViewSet
):
    """Campaigns: read; ``POST`` opens one, with a review item for every reply of the
    session in the classes reviewed (the office's step)."""

    serializer_class = LookBackCampaignSerializer
    filterset_fields = ("year", "session")

    def get_serializer_class(self):
        if self.action == "create":
            return LookBackCampaignWriteSerializer
        return LookBackCampaignSerializer

    def create(self, request, *args, **kwargs):
        policies.require(request.user, policies.LOOK_BACK, None)  # 403 before reading input
        serializer = LookBackCampaignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        result_classes = fields.pop("result_classes")
        campaign = services.lookback_campaign_create(
            campaign=LookBackCampaign(**fields), by=request.user, result_classes=result_classes
        )
        return Response(LookBackCampaignWriteSerializer(campaign).data, status=201)

    def get_queryset(self):
        return (
            scopes.lookback_campaigns(self.request.user)
            .prefetch_related("result_classes")
            .order_by("-id")
        )


class LookBackItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LookBackItem
        fields = (
            "id",
            "campaign",
            "assignment",
            "reply",
            "commitments",
            "outcome",
            "satisfaction",
            "decision",
            "reclassified_to",
            "decision_note",
        )
        read_only_fields = fields


class LookBackItemViewSet(WorkflowViewSet):
    serializer_class = LookBackItemSerializer
    filterset_class = LookBackItemFilterSet
    steps = workflow.LOOK_BACK_ITEM_STEPS

    def get_queryset(self):
        return scopes.lookback_items(self.request.user).order_by("-id")
