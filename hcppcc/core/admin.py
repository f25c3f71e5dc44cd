"""The project's ModelAdmin bases: every change form refuses to save over a save made
after it was opened (``hcppcc.core.stale``); audited records add their read-only history."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from hcppcc.core.stale import StaleEditAdminMixin
from hcppcc.core.workflow.errors import WorkflowError


class ModelAdmin(StaleEditAdminMixin, admin.ModelAdmin):
    pass


class AuditHistoryAdmin(StaleEditAdminMixin, SimpleHistoryAdmin):
    """Adds the record's history page (历史) to its admin, read-only: an old version can be
    looked at, never saved back (a record changes only through its services)."""

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        self._in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _in_scope(self, request, object_id) -> None:
        """The history of a record the user may not see is a 404, like the record: the
        history tables hold it whatever the scope says. (Without the model permission the
        history view itself answers 403 first.)"""
        if not self.has_view_or_change_permission(request):
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404


class SavedThroughServiceAdmin(admin.ModelAdmin):
    """A change form that saves through its app's service rather than the form's own save,
    so that the service's rules of what may still change, and its permission check, hold
    in the admin as in the API. ``save_through(record, by, changes, related)`` calls it; a
    refusal is shown as a message and nothing is saved. Put it first among the bases."""

    def save_through(self, record, by, changes: dict, related: dict):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        many = {field.name for field in obj._meta.many_to_many}
        # A new record takes every field; an edit only what the clerk changed. Values are
        # the instance's, as the form filled it in (a cleared file is "", not False).
        edited = [name for name in form.changed_data if name in form.cleaned_data]
        if change and not edited:
            return
        names = edited if change else [name for name in form.cleaned_data if name in many]
        self.save_through(
            obj,
            request.user,
            {name: getattr(obj, name) for name in edited if name not in many},
            {name: form.cleaned_data[name] for name in {*names, *edited} if name in many},
        )

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were saved by the service with the rest.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (WorkflowError, ValidationError) as error:
            # A rule of the service refused what the form allowed (the record changed state
            # meanwhile): nothing was saved; say why.
            refusals = [error.message] if isinstance(error, WorkflowError) else error.messages
            for message in refusals:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
