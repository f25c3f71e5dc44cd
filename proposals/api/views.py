"""The proposal API: thin ViewSets over the named reads, and every workflow step as one
POST action that takes the same form and calls the same service as the admin."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from hcppcc.core.api.etags import ETagMixin, etag_of
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.scoped import ScopedViewSetMixin
from hcppcc.core.workflow.api import WorkflowViewSet
from proposals import scopes, services, workflow
from proposals.api.batch import (
    AssignBatchResultSerializer,
    AssignBatchSerializer,
    BatchRefusalSerializer,
)
from proposals.api.serializers import (
    AssignmentSerializer,
    ExtensionRequestSerializer,
    FeedbackSerializer,
    KeyNominationSerializer,
    LookBackCampaignSerializer,
    LookBackCampaignWriteSerializer,
    LookBackItemSerializer,
    ProposalDraftSerializer,
    ProposalSerializer,
    ReplySerializer,
    ReturnRequestSerializer,
    SupervisionSerializer,
)
from proposals.filtersets import (
    AssignmentFilterSet,
    LookBackItemFilterSet,
    ProposalFilterSet,
    ReplyFilterSet,
    SupervisionFilterSet,
)
from proposals.models import (
    LookBackCampaign,
    Proposal,
)


class ProposalViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, WorkflowViewSet):
    """Proposals: read; create a draft; edit a draft (with If-Match); take steps."""

    filterset_class = ProposalFilterSet
    scope = scopes.PROPOSALS
    workflow = workflow.PROPOSAL

    def get_queryset(self):
        # A proposal shows the assignments the caller may see: a unit its own, committee
        # staff none.
        visible = scopes.ASSIGNMENTS.visible_to(self.request.user)
        return super().get_queryset().for_list(assignments=visible).order_by("-id")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ProposalDraftSerializer
        return ProposalSerializer

    @extend_schema(
        request=AssignBatchSerializer,
        responses={
            200: AssignBatchResultSerializer,
            400: OpenApiResponse(
                description="Nothing assigned: a list of {proposal, detail}, one for each "
                "refused proposal, or the input's field errors."
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="assign-batch")
    def assign_batch(self, request):
        """批量交办: accepted proposals to their units in one go, all or nothing; a refusal
        lists every refused proposal with its reason (400)."""
        if not workflow.ASSIGN.roles.allow_some(request.user):
            raise PermissionDenied()  # before the input is looked at
        batch = AssignBatchSerializer(data=request.data, context={"request": request})
        batch.is_valid(raise_exception=True)
        data = batch.validated_data
        try:
            assigned = services.proposals_assign_batch(
                rows=batch.batch(),
                by=request.user,
                assigned_on=data.get("assigned_on"),
                note=data["note"],
            )
        except services.BatchRefused as refused:
            rows = [{"proposal": p.pk, "detail": reason} for p, reason in refused.refused]
            return Response(BatchRefusalSerializer(rows, many=True).data, status=400)
        result = {"assigned": len(assigned), "proposals": [p.pk for p in assigned]}
        return Response(AssignBatchResultSerializer(result).data)

    def create(self, request, *args, **kwargs):
        if not workflow.CREATE.roles.allow_some(request.user):
            raise PermissionDenied()  # before the input is looked at
        draft = ProposalDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        units = draft.validated_data.pop("suggested_units", [])
        proposal = services.proposal_create(
            proposal=Proposal(**draft.validated_data), by=request.user, suggested_units=units
        )
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
    scope = scopes.ASSIGNMENTS
    workflow = workflow.ASSIGNMENT

    def get_queryset(self):
        return super().get_queryset().for_list().order_by("-id")


class ReplyViewSet(WorkflowViewSet):
    serializer_class = ReplySerializer
    filterset_class = ReplyFilterSet
    scope = scopes.REPLIES
    workflow = workflow.REPLY

    def get_queryset(self):
        return super().get_queryset().select_related("result_class").order_by("-id")


class FeedbackViewSet(ScopedViewSetMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FeedbackSerializer
    scope = scopes.FEEDBACK
    filterset_fields = ("proposal", "round", "result")

    def get_queryset(self):
        return super().get_queryset().order_by("-id")


class RequestViewSet(WorkflowViewSet):
    """Requests between a unit and the office, decided by the office."""

    filterset_fields = ("assignment", "decision")

    def get_queryset(self):
        return super().get_queryset().order_by("-id")


class ReturnRequestViewSet(RequestViewSet):
    serializer_class = ReturnRequestSerializer
    scope = scopes.RETURN_REQUESTS
    workflow = workflow.RETURN_REQUEST


class ExtensionRequestViewSet(RequestViewSet):
    serializer_class = ExtensionRequestSerializer
    scope = scopes.EXTENSION_REQUESTS
    workflow = workflow.EXTENSION_REQUEST


class KeyNominationViewSet(WorkflowViewSet):
    serializer_class = KeyNominationSerializer
    filterset_fields = ("proposal", "decision")
    scope = scopes.KEY_NOMINATIONS
    workflow = workflow.KEY_NOMINATION

    def get_queryset(self):
        return super().get_queryset().order_by("-id")


class SupervisionViewSet(WorkflowViewSet):
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet
    scope = scopes.SUPERVISIONS
    workflow = workflow.SUPERVISION

    def get_queryset(self):
        return super().get_queryset().prefetch_related("leaders", "events").order_by("-id")


class LookBackCampaignViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    ETagMixin,
    ExportMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Campaigns: read; ``POST`` opens one, with a review item for every reply of the
    session in the classes reviewed (the office's step)."""

    serializer_class = LookBackCampaignSerializer
    scope = scopes.LOOKBACK_CAMPAIGNS
    filterset_fields = ("year", "session")

    def get_serializer_class(self):
        if self.action == "create":
            return LookBackCampaignWriteSerializer
        return LookBackCampaignSerializer

    def create(self, request, *args, **kwargs):
        workflow.OPEN_LOOK_BACK.check(None, request.user)  # 403 before reading input
        serializer = LookBackCampaignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        result_classes = fields.pop("result_classes")
        campaign = services.lookback_campaign_create(
            campaign=LookBackCampaign(**fields), by=request.user, result_classes=result_classes
        )
        return Response(LookBackCampaignWriteSerializer(campaign).data, status=201)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("result_classes").order_by("-id")


class LookBackItemViewSet(WorkflowViewSet):
    serializer_class = LookBackItemSerializer
    filterset_class = LookBackItemFilterSet
    scope = scopes.LOOKBACK_ITEMS
    workflow = workflow.LOOK_BACK_ITEM

    def get_queryset(self):
        return super().get_queryset().order_by("-id")
