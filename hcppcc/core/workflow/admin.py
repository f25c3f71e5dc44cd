"""The admin's side of the workflow: a ModelAdmin whose records are read through their
scope and move only through their steps, offered as buttons and taken on small pages."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from hcppcc.core import stale
from hcppcc.core.admin import ModelAdmin
from hcppcc.core.scopes import Scope
from hcppcc.core.workflow.steps import Workflow


class ScopedAdmin(ModelAdmin):
    """A ModelAdmin that lists what its ``scope`` lets the user read: the same reads as the
    staff pages and the API, so the three never disagree (tests/core/test_scopes.py)."""

    scope: Scope | None = None

    def get_queryset(self, request):
        if self.scope is None:
            return super().get_queryset(request)
        queryset = self.scope.visible_to(request.user)
        if ordering := self.get_ordering(request):
            queryset = queryset.order_by(*ordering)
        return queryset


class ScopedInline(admin.TabularInline):
    """An inline that, like its page, shows only the rows the user's scope holds."""

    scope: Scope | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope is not None:
            queryset = self.scope.visible_to(request.user, queryset)
        return queryset


class ReadOnlyInline(ScopedInline):
    """Rows made by steps elsewhere, shown on their parent's page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WorkflowAdmin(ScopedAdmin):
    """A ModelAdmin whose records move only through workflow steps.

    Adds ``<id>/step/<name>/`` pages and shows the steps the user may take now as buttons
    on the change page; nothing is ever deleted.
    """

    workflow = Workflow(record="")
    change_form_template = "admin/workflow/change_form.html"

    def url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<slug:step>/",
                self.admin_site.admin_view(self.step_view),
                name=self.url_name("step"),
            ),
            *super().get_urls(),
        ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if record is not None:
            context["workflow_steps"] = [
                (step.label, reverse(f"admin:{self.url_name('step')}", args=[record.pk, step.name]))
                for step in self.workflow.offered(record, request.user)
            ]
        return super().change_view(request, object_id, form_url, context)

    def step_view(self, request, object_id, step):
        # As the admin's own views: no permission on the model is 403, whatever the id.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        record = self.get_object(request, object_id)
        spec = self.workflow.get(step)
        if record is None or spec is None:
            raise Http404
        change_url = reverse(f"admin:{self.url_name('change')}", args=[record.pk])
        if not spec.available(record, request.user):
            self.message_user(
                request, _("This step cannot be taken on this record now."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            attempt = self.workflow.attempt(spec, record, request.user, request.POST, request.FILES)
            if attempt.done:
                self.message_user(
                    request, _("Done: %(step)s.") % {"step": spec.label}, messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
            form, table = attempt.form, attempt.table
        else:
            form, table = spec.bind(record)
        # The form's first: its pickers load select2 while jQuery is still global, before
        # the admin's jquery.init puts it away.
        media = form.media + (table.media if table is not None else forms.Media()) + self.media
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": record,
            "title": f"{spec.label} · {record}",
            "step_label": spec.label,
            "form": form,
            "units": table,
            "media": media,
            "change_url": change_url,
            "opened_version": stale.version_of(record),
        }
        return render(request, "admin/workflow/step_form.html", context)


class StepOnlyAdmin(WorkflowAdmin):
    """Records made by a step elsewhere and decided here: nothing is typed in directly."""

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))
