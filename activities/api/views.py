"""The activities API: activities, public-opinion reports, bulletins, and the figures."""

import dataclasses

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import scopes, services, workflow
from activities.api.serializers import (
    ActivitySerializer,
    ActivityWriteSerializer,
    BulletinSerializer,
    OpinionReportSerializer,
    OpinionReportWriteSerializer,
)
from activities.filtersets import ActivityFilterSet, BulletinFilterSet, OpinionReportFilterSet
from activities.selectors import member_scorecards, yearly_figures
from hcppcc.core.api.etags import ETagMixin
from hcppcc.core.api.exports import ExportMixin
from hcppcc.core.api.scoped import ScopedViewSetMixin
from hcppcc.core.api.writes import RecordWriteMixin
from hcppcc.core.workflow.api import WorkflowViewSet
from hcppcc.directory.models import Member
from proposals.selectors import unit_scorecards


def year_param(request) -> int:
    try:
        year = int(request.query_params["year"])
    except (KeyError, ValueError):
        year = 0
    if not 1949 <= year <= 2999:
        raise ValidationError({"year": [_("A year is required, e.g. ?year=2020.")]})
    return year


class ActivityViewSet(RecordWriteMixin, WorkflowViewSet):
    serializer_class = ActivitySerializer
    write_serializer_class = ActivityWriteSerializer
    filterset_class = ActivityFilterSet
    scope = scopes.ACTIVITIES
    workflow = workflow.ACTIVITY

    def get_queryset(self):
        return super().get_queryset().for_list().order_by("-starts_on", "-id")

    def save_through(self, record, **fields):
        return services.activity_save(activity=record, **fields)


class OpinionReportViewSet(RecordWriteMixin, WorkflowViewSet):
    serializer_class = OpinionReportSerializer
    write_serializer_class = OpinionReportWriteSerializer
    filterset_class = OpinionReportFilterSet
    scope = scopes.OPINION_REPORTS
    workflow = workflow.REPORT

    def get_queryset(self):
        return super().get_queryset().order_by("-received_on", "-id")

    def save_through(self, record, **fields):
        return services.report_save(report=record, **fields)


class BulletinViewSet(
    ScopedViewSetMixin,
    RecordWriteMixin,
    ETagMixin,
    ExportMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = BulletinSerializer
    scope = scopes.BULLETINS
    filterset_class = BulletinFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "-number")

    def save_through(self, record, *, related, **fields):
        return services.bulletin_save(bulletin=record, **fields)


YEAR = OpenApiParameter("year", int, required=True, description="1949–2999, e.g. 2020")


class YearlyFiguresView(APIView):
    """The year's figures, computed from the records: ``?year=2020``."""

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not scopes.ACTIVITIES.reads_everything(request.user):
            raise NotFound()
        return Response(yearly_figures(year_param(request)))


class UnitScorecardsView(APIView):
    """Handling-unit scorecards of a year: ``?year=2020``."""

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not scopes.ACTIVITIES.reads_everything(request.user):
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
        if member is None or not (scopes.ACTIVITIES.reads_everything(request.user) or own):
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
