"""``POST /api/v1/proposals/assign-batch/``: many accepted proposals assigned in one go
(批量交办), each row through the assign service, all or nothing."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hcppcc.directory.models import HandlingUnit
from proposals import scopes
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.services.batch import BatchRow
from proposals.workflow import UnitAssignment, suggested_assignments

# Rows one request may carry: a plenary session's proposals with room to spare.
MAX_ROWS = 1000


class BatchUnitSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.active())
    role = serializers.ChoiceField(choices=AssignmentRole.choices)
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Left out: the rules' due date.")
    )


class BatchRowSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(help_text=_("An accepted proposal's id."))
    units = BatchUnitSerializer(
        many=True,
        required=False,
        help_text=_("Left out: the units the proposer suggests, the first leading."),
    )


class AssignBatchSerializer(serializers.Serializer):
    rows = BatchRowSerializer(many=True, min_length=1, max_length=MAX_ROWS)
    assigned_on = serializers.DateField(required=False, allow_null=True)
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("One reply date for every unit of the batch that names none."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_rows(self, rows):
        """Each row's proposal, read at once (two queries for the whole batch), among the
        accepted ones the caller reads; the others are named."""
        user = self.context["request"].user
        accepted = scopes.PROPOSALS.visible_to(user).filter(status=ProposalStatus.ACCEPTED)
        found = accepted.prefetch_related("suggested_units").in_bulk(
            [row["proposal"] for row in rows]
        )
        missing = [row["proposal"] for row in rows if row["proposal"] not in found]
        if missing:
            raise serializers.ValidationError(
                _("Not accepted proposals waiting to be assigned: %(ids)s")
                % {"ids": ", ".join(map(str, missing))}
            )
        return [{**row, "proposal": found[row["proposal"]]} for row in rows]

    def batch(self) -> list[BatchRow]:
        data = self.validated_data
        due_on = data.get("due_on")
        rows = []
        for row in data["rows"]:
            if "units" in row:
                units = [
                    UnitAssignment(u["unit"], AssignmentRole(u["role"]), u.get("due_on") or due_on)
                    for u in row["units"]
                ]
            else:
                units = suggested_assignments(row["proposal"], due_on)
            rows.append(BatchRow(row["proposal"], units))
        return rows


class AssignBatchResultSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    proposals = serializers.ListField(child=serializers.IntegerField())


class BatchRefusalSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    detail = serializers.CharField()
