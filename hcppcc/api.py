"""The REST API, v1: one router for every app's ViewSets (see hcppcc/api_support.py for
pagination and the error contract)."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from hcppcc.directory.api import views as directory
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

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
