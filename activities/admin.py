"""Admin for the committee's work: activities, public-opinion reports, duty scoring, and
the pages that compute the yearly figures and the members' scorecards."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import scopes, services, workflow
from activities.models import (
    Activity,
    ActivityKind,
    Bulletin,
    DutyGrade,
    DutyRule,
    Instruction,
    OpinionReport,
    Participation,
    PartnerBody,
    UpwardReport,
)
from activities.selectors import member_scorecards, midyear_reminders, yearly_figures
from hcppcc.core.admin import AuditHistoryAdmin, ModelAdmin, SavedThroughServiceAdmin
from hcppcc.core.workflow.admin import ReadOnlyInline, ScopedAdmin, ScopedInline, WorkflowAdmin
from proposals.choices import Satisfaction


@admin.register(ActivityKind)
class ActivityKindAdmin(ModelAdmin):
    list_display = ("name", "is_plenary", "sort_order", "is_active")
    search_fields = ("name",)
    fields = ("name", "is_plenary", "sort_order", "is_active")


@admin.register(PartnerBody)
class PartnerBodyAdmin(ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    search_fields = ("name",)
    fields = ("name", "sort_order", "is_active")


class ParticipationInline(ScopedInline):
    scope = scopes.PARTICIPATIONS
    model = Participation
    extra = 3
    fields = ("member", "attendance")
    autocomplete_fields = ("member",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


def _year(request) -> int:
    try:
        return int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        return timezone.localdate().year


@admin.register(Activity)
class ActivityAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, WorkflowAdmin):
    workflow = workflow.ACTIVITY
    scope = scopes.ACTIVITIES
    list_display = ("starts_on", "title", "kind", "status", "committee_list", "is_demo")
    list_filter = ("kind", "status", "committees", "partners", "is_demo")
    date_hierarchy = "starts_on"
    search_fields = ("title", "places", "report_title")
    list_select_related = ("kind",)
    fields = (
        "kind",
        "title",
        "starts_on",
        "ends_on",
        "places",
        "committees",
        "leaders",
        "partners",
        "organizations",
        "status",
        "report_title",
        "report_text",
        "attachment",
        "produced_proposals",
        "supervised_proposals",
    )
    filter_horizontal = ("committees", "partners", "organizations")
    autocomplete_fields = ("leaders", "produced_proposals", "supervised_proposals")
    inlines = (ParticipationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("committees")

    def get_readonly_fields(self, request, obj=None):
        # Once recorded, a planned activity becomes done through its step.
        return services.ACTIVITY_FIXED_FIELDS if obj is not None else ()

    def save_through(self, record, by, changes, related):
        services.activity_save(activity=record, by=by, changes=changes, related=related)

    @admin.display(description=_("organising committees"))
    def committee_list(self, obj: Activity) -> str:
        return "、".join(committee.name for committee in obj.committees.all())

    def get_urls(self):
        info = self.opts.app_label
        return [
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name=f"{info}_yearly_figures",
            ),
            path(
                "duty/",
                self.admin_site.admin_view(self.duty_view),
                name=f"{info}_duty_scorecards",
            ),
            *super().get_urls(),
        ]

    def figures_view(self, request):
        """The year's work in figures (年度工作综述); ``?format=json`` for the data."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = _year(request)
        figures = yearly_figures(year)
        if request.GET.get("format") == "json":
            return JsonResponse(figures, json_dumps_params={"ensure_ascii": False})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The year's work in figures, %(year)d") % {"year": year},
            "year": year,
            "years": range(year - 3, year + 2),
            "figures": figures,
            "satisfaction": [
                (label, figures["proposals"]["satisfaction"].get(value, 0))
                for value, label in Satisfaction.choices
            ],
        }
        return render(request, "admin/activities/figures.html", context)

    def duty_view(self, request):
        """Members' duty scorecards (委员履职考评); ``?format=csv`` to export,
        ``?midyear=<points>`` for the mid-year reminder list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = _year(request)
        if "midyear" in request.GET:
            try:
                below = int(request.GET["midyear"] or 30)
            except ValueError:
                below = 30
            rows = midyear_reminders(year, below)
        else:
            below = None
            rows = [(card, []) for card in member_scorecards(year)]
        if request.GET.get("format") == "csv":
            return _scorecards_csv(year, rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Members' duty scorecards, %(year)d") % {"year": year},
            "year": year,
            "years": range(year - 3, year + 2),
            "rows": rows,
            "below": below,
        }
        return render(request, "admin/activities/duty.html", context)


def _scorecards_csv(year: int, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="duty-{year}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(["姓名", "界别", "总分", "等次", "明细", "提醒"])
    for card, reasons in rows:
        details = "；".join(f"{line.label} {line.count}项 {line.points}分" for line in card.lines)
        writer.writerow(
            [
                card.member.name,
                card.member.sector or "",
                card.total,
                card.grade,
                details,
                "、".join(reasons),
            ]
        )
    return response


class ReportInline(ReadOnlyInline):
    scope = scopes.OPINION_REPORTS
    model = OpinionReport
    fields = ("title", "received_on", "status")
    readonly_fields = fields


@admin.register(Bulletin)
class BulletinAdmin(SavedThroughServiceAdmin, ScopedAdmin):
    scope = scopes.BULLETINS
    list_display = ("__str__", "year", "number", "issued_on", "is_demo")
    list_filter = ("year", "series", "is_demo")
    search_fields = ("series",)
    fields = ("series", "year", "number", "issued_on")
    inlines = (ReportInline,)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through(self, record, by, changes, related):
        services.bulletin_save(bulletin=record, by=by, changes=changes)


class UpwardInline(ReadOnlyInline):
    model = UpwardReport
    fields = ("level", "reported_on", "adopted")
    readonly_fields = fields
    show_change_link = False


class InstructionInline(admin.TabularInline):
    model = Instruction
    extra = 0
    fields = ("leader", "level", "date", "text")


@admin.register(OpinionReport)
class OpinionReportAdmin(SavedThroughServiceAdmin, AuditHistoryAdmin, WorkflowAdmin):
    workflow = workflow.REPORT
    scope = scopes.OPINION_REPORTS
    list_display = ("title", "received_on", "status", "bulletin", "is_demo")
    list_filter = ("status", "is_demo", ("bulletin__year", admin.AllValuesFieldListFilter))
    date_hierarchy = "received_on"
    search_fields = ("title", "content", "members__name", "organizations__name")
    list_select_related = ("bulletin",)
    fields = ("title", "content", "received_on", "members", "organizations", "status", "bulletin")
    readonly_fields = ("status", "bulletin")
    autocomplete_fields = ("members", "organizations")
    inlines = (UpwardInline, InstructionInline)

    def get_readonly_fields(self, request, obj=None):
        # Decided on, a report is on record as it was decided: nothing of it is edited.
        if obj is not None and not services.report_editable(obj):
            return self.fields
        return self.readonly_fields

    def save_through(self, record, by, changes, related):
        services.report_save(report=record, by=by, changes=changes, related=related)


@admin.register(DutyRule)
class DutyRuleAdmin(ModelAdmin):
    list_display = ("item", "points", "cap")
    fields = ("item", "points", "cap")


@admin.register(DutyGrade)
class DutyGradeAdmin(ModelAdmin):
    list_display = ("name", "min_points")
    fields = ("name", "min_points")
