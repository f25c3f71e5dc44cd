"""How the API answers when something is wrong (DRF's EXCEPTION_HANDLER and the 404 view).

Errors: 400 with field errors for bad input; 404 for records outside the caller's scope
(their querysets never contain them); 409 with the clerk's message for a workflow step the
record's state does not allow; 403 for a step the caller's role may not take on a record
they can see. Never a 500 for a workflow problem.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hcppcc.core.records import StaleRecord
from hcppcc.core.workflow.errors import NotAllowed, WorkflowError


def exception_handler(error, context):
    if isinstance(error, NotAllowed):
        return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, StaleRecord):
        return Response({"detail": error.message}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(error, IntegrityError):
        # Two writes racing for one unique value: the second lost; nothing was written.
        return Response(
            {"detail": _("Another record with these values was saved meanwhile.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(error, WorkflowError):
        return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(error, OverflowError | DataError):
        # An id or number beyond what the database stores: bad input, not a server fault.
        return Response(
            {"detail": _("A number in the request is out of range.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(error, context)


def not_found(request, exception=None):
    """404 for the whole site: JSON under /api/ (clients expect it there), the page
    elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
