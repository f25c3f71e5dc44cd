"""The REST API's URLs, v1: one router for every app's ViewSets, the token and the figures.
How the API pages, versions and answers errors is in ``hcppcc.core.api``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from activities.api import views as activities
from hcppcc.core.api.todo import TodoView
from hcppcc.core.api.tokens import TokenView
from hcppcc.directory.api import views as directory
from hcppcc.notices.api import views as notices
from proposals.api import views as proposals

router = DefaultRouter()
router.register("sessions", directory.SessionViewSet, basename="session")
router.register("committees", directory.CommitteeViewSet, basename="committee")
router.register("sectors", directory.SectorViewSet, basename="sector")
router.register("organizations", directory.OrganizationViewSet, basename="organization")
router.register("members", directory.MemberViewSet, basename="member")
router.register("units", directory.UnitViewSet, basename="unit")
router.register("proposals", proposals.ProposalViewSet, basename="proposal")
router.register("assignments", proposals.AssignmentViewSet, basename="assignment")
router.register("replies", proposals.ReplyViewSet, basename="reply")
router.register("feedback", proposals.FeedbackViewSet, basename="feedback")
router.register("return-requests", proposals.ReturnRequestViewSet, basename="returnrequest")
router.register(
    "extension-requests", proposals.ExtensionRequestViewSet, basename="extensionrequest"
)
router.register("key-nominations", proposals.KeyNominationViewSet, basename="keynomination")
router.register("supervisions", proposals.SupervisionViewSet, basename="supervision")
router.register(
    "lookback-campaigns", proposals.LookBackCampaignViewSet, basename="lookbackcampaign"
)
router.register("lookback-items", proposals.LookBackItemViewSet, basename="lookbackitem")
router.register("activities", activities.ActivityViewSet, basename="activity")
router.register("opinion-reports", activities.OpinionReportViewSet, basename="opinionreport")
router.register("bulletins", activities.BulletinViewSet, basename="bulletin")
router.register("notifications", notices.NoticeViewSet, basename="notice")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("todo/", TodoView.as_view(), name="api-todo"),
    path("stats/yearly/", activities.YearlyFiguresView.as_view(), name="api-stats-yearly"),
    path("stats/units/", activities.UnitScorecardsView.as_view(), name="api-stats-units"),
    path(
        "members/<int:pk>/scorecard/",
        activities.MemberScorecardView.as_view(),
        name="api-member-scorecard",
    ),
    path("", include(router.urls)),
]
