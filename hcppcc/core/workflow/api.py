"""The API's side of the workflow: a ViewSet that reads through its scope and takes each
step with ``POST <id>/<step>/``, answering 404 outside the caller's scope, 403 for a step
their role may not take on a record they see, 409 for one the record's state refuses and
400 with the fields' errors for bad input."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from hcppcc.core.api.etags import ETagMixin
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.scoped import ScopedViewSetMixin
from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.core.workflow.steps import Step, Workflow


def form_data(step: Step, data) -> dict:
    """The step form's input from a JSON body; a step's table (the units of an assignment)
    comes as a list of objects and becomes the rows of its formset."""
    if isinstance(data, QueryDict):
        data = data.dict()
    data = dict(data)
    if step.table is None:
        return data
    name = step.table_name
    rows = data.pop(name, None) or []
    if not isinstance(rows, list):
        raise ValidationError({name: [_("A list of objects, one a row.")]})
    data |= {f"{name}-TOTAL_FORMS": str(len(rows)), f"{name}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError(
                {name: [_("Row %(row)d must be an object.") % {"row": index + 1}]}
            )
        for key, value in row.items():
            if value is not None:
                data[f"{name}-{index}-{key}"] = str(value)
    return data


class WorkflowViewSet(ScopedViewSetMixin, ETagMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Read the records the caller's scope holds; take a step with ``POST <id>/<step>/``."""

    workflow = Workflow(record="")

    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z-]+)")
    def step(self, request, pk=None, step=None):
        spec = self.workflow.get(step)
        if spec is None:
            raise NotFound()
        record = self.get_object()  # 404 outside the caller's scope
        if not spec.permitted(record, request.user):
            raise PermissionDenied()  # 403: the record is visible, the step is not theirs
        if (reason := spec.refusal(record)) is not None:
            raise IllegalTransition(reason)
        form, table = spec.bind(record, form_data(spec, request.data), request.FILES or None)
        cleaned = spec.cleaned(form, table)
        if cleaned is None:
            errors = dict(form.errors)
            if table is not None:
                errors[spec.table_name] = table.errors + list(table.non_form_errors())
            raise ValidationError(errors)
        self.workflow.run(spec, record, request.user, cleaned)
        record.refresh_from_db()
        return Response(self.get_serializer(record).data)
