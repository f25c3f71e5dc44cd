"""The activities API: activities, public-opinion reports, bulletins, and the figures."""

import dataclasses

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import scopes, workflow
from activities.choices import ReportStatus
from activities.filtersets import ActivityFilterSet, OpinionReportFilterSet
from activities.models import Activity, Bulletin, OpinionReport
from activities.selectors import member_scorecards, yearly_figures
from hcppcc.core.api.etags import ETagMixin
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.writes import RecordWriteMixin
from hcppcc.core.workflow.errors import IllegalTransition
from hcppcc.directory.models import Member
from proposals.api.views import WorkflowViewSet
from proposals.selectors import unit_scorecards


def year_param(request) -> int:
    try:
        year = int(request.query_params["year"])
    except (KeyError, ValueError):
        year = 0
    if not 1949 <= year <= 2999:
        raise ValidationError({"year": [_("A year is required, e.g. ?year=2020.")]})
    return year


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.StringRelatedField()
    committees = serializers.StringRelatedField(many=True)
    leaders = serializers.StringRelatedField(many=True)

    class Meta:
        model = Activity
        fields = (
            "id",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "places",
            "committees",
            "leaders",
            "status",
            "report_title",
            "is_demo",
        )
        read_only_fields = fields


class ActivityWriteSerializer(serializers.ModelSerializer):
    """An activity as committee staff enter it; it is marked done by its step."""

    class Meta:
        model = Activity
        fields = (
            "id",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "places",
            "committees",
            "leaders",
            "partners",
            "organizations",
            "report_title",
            "report_text",
            "status",
        )

    def validate_status(self, value):
        if self.instance is not None and value != self.instance.status:
            raise ValidationError(_("A planned activity is marked done by its step (mark-done)."))
        return value


class ActivityViewSet(RecordWriteMixin, WorkflowViewSet):
    serializer_class = ActivitySerializer
    write_serializer_class = ActivityWriteSerializer
    filterset_class = ActivityFilterSet
    steps = workflow.ACTIVITY_STEPS

    def get_queryset(self):
        return scopes.activities(self.request.user).for_list().order_by("-starts_on", "-id")


class OpinionReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionReport
        fields = ("id", "title", "content", "received_on", "status", "bulletin", "is_demo")
        read_only_fields = fields


class OpinionReportWriteSerializer(serializers.ModelSerializer):
    """A report as received; adopting, declining and sending it on are its steps."""

    class Meta:
        model = OpinionReport
        fields = ("id", "title", "content", "received_on", "members", "organizations")


class OpinionReportViewSet(RecordWriteMixin, WorkflowViewSet):
    serializer_class = OpinionReportSerializer
    write_serializer_class = OpinionReportWriteSerializer
    filterset_class = OpinionReportFilterSet

    def check_editable(self, report) -> None:
        if report.status != ReportStatus.RECEIVED:
            raise IllegalTransition(_("Only a report not yet decided on can be edited."))

    steps = workflow.REPORT_STEPS

    def get_queryset(self):
        return scopes.opinion_reports(self.request.user).order_by("-received_on", "-id")


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ("id", "series", "year", "number", "issued_on", "is_demo")
        read_only_fields = ("is_demo",)


class BulletinViewSet(RecordWriteMixin, ETagMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BulletinSerializer
    filterset_fields = ("year", "series")

    def get_queryset(self):
        return scopes.bulletins(self.request.user).order_by("-year", "-number")


YEAR = OpenApiParameter("year", int, required=True, description="1949–2999, e.g. 2020")


class YearlyFiguresView(APIView):
    """The year's figures, computed from the records: ``?year=2020``."""

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not scopes.reads_the_work(request.user):
            raise NotFound()
        return Response(yearly_figures(year_param(request)))


class UnitScorecardsView(APIView):
    """Handling-unit scorecards of a year: ``?year=2020``."""

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not scopes.reads_the_work(request.user):
            raise NotFound()
        year = year_param(request)
        cards = unit_scorecards(year)
        return Response(
            {
                "year": year,
                "units": [
                    {
                        "unit": card.unit.name,
                        "received": card.received,
                        "acknowledged_on_time": card.acknowledged_on_time,
                        "answering": card.answering,
                        "replied": card.replied,
                        "replied_on_time": card.replied_on_time,
                        "on_time_rate": card.on_time_rate,
                        "median_days_to_reply": card.median_days_to_reply,
                        "results": dict(card.results),
                        "satisfaction": dict(card.satisfaction),
                        "rehandled": card.rehandled,
                        "return_requests": card.return_requests,
                        "look_back": dict(card.look_back),
                    }
                    for card in cards
                ],
            }
        )


class MemberScorecardView(APIView):
    """``members/<id>/scorecard/?year=2020``: a member's duty scorecard with its lines, for
    those who read the committee's work and for the member themself."""

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        member = Member.objects.filter(pk=pk).first()
        own = member is not None and getattr(request.user, "member", None) == member
        if member is None or not (scopes.reads_the_work(request.user) or own):
            raise NotFound()
        (card,) = member_scorecards(year_param(request), members=[member])
        return Response(
            {
                "member": member.name,
                "total": card.total,
                "grade": card.grade,
                "lines": [dataclasses.asdict(line) for line in card.lines],
            }
        )
