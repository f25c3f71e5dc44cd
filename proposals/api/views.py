"""The proposal API: thin ViewSets over the named reads, and every workflow step as one
POST action that takes the same form and calls the same service as the admin."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from proposals import workflow
from proposals.errors import IllegalTransition
from proposals.filtersets import AssignmentFilterSet, ProposalFilterSet
from proposals.models import Assignment, Proposal, Reply


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField()

    class Meta:
        model = Assignment
        fields = ("id", "unit", "role", "status", "assigned_on", "due_on", "round")


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


def _form_data(step: workflow.Step, data) -> tuple[dict, dict | None]:
    """The step form's input from a JSON body; the assign step's units become a formset."""
    if isinstance(data, QueryDict):
        data = data.dict()
    data = dict(data)
    if not step.with_units:
        return data, None
    rows = data.pop("units", None) or []
    if not isinstance(rows, list):
        raise ValidationError({"units": ["A list of {unit, role, due_on}."]})
    units = {"units-TOTAL_FORMS": str(len(rows)), "units-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError({"units": [f"Row {index + 1} must be an object."]})
        for key in ("unit", "role", "due_on"):
            if row.get(key) is not None:
                units[f"units-{index}-{key}"] = str(row[key])
    return data, units


class WorkflowViewSet(viewsets.ReadOnlyModelViewSet):
    """Read the records the user may see; take a step with ``POST <id>/<step>/``."""

    steps: list[workflow.Step] = []

    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z-]+)")
    def step(self, request, pk=None, step=None):
        spec = next((s for s in self.steps if s.name == step), None)
        if spec is None:
            raise NotFound()
        record = self.get_object()  # 404 outside the caller's scope
        if not spec.applies(record):
            raise IllegalTransition(_("This step cannot be taken on this record now."))
        if not spec.available(record, request.user):
            raise PermissionDenied()
        data, units = _form_data(spec, request.data)
        form = spec.form(data, request.FILES or None, **spec.form_kwargs(record))
        formset = None
        if spec.with_units:
            from proposals.forms import AssignRowFormSet

            formset = AssignRowFormSet(units, prefix="units")
        if not form.is_valid() or (formset is not None and not formset.is_valid()):
            errors = dict(form.errors)
            if formset is not None:
                errors["units"] = formset.errors + list(formset.non_form_errors())
            raise ValidationError(errors)
        cleaned = dict(form.cleaned_data)
        if formset is not None:
            cleaned["units"] = [row for row in formset.cleaned_data if row]
        spec.run(record, request.user, cleaned)
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)


class ProposalViewSet(WorkflowViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    steps = workflow.PROPOSAL_STEPS

    def get_queryset(self):
        return Proposal.objects.visible_to(self.request.user).for_list().order_by("-id")


class AssignmentViewSet(WorkflowViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    steps = workflow.ASSIGNMENT_STEPS

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).for_list().order_by("-id")


class ReplyViewSet(WorkflowViewSet):
    serializer_class = ReplySerializer
    filterset_fields = ("status", "assignment")
    steps = workflow.REPLY_STEPS

    def get_queryset(self):
        visible = Assignment.objects.visible_to(self.request.user)
        return (
            Reply.objects.filter(assignment__in=visible)
            .select_related("result_class")
            .order_by("-id")
        )
