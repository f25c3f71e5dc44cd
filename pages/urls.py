from django.urls import path

from hcppcc.directory.choices import AccountKind
from pages import accounts, imports, views

app_name = "pages"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/", accounts.profile, name="account"),
    path("accounts/", accounts.AccountList.as_view(), name="accounts"),
    path("accounts/new/", accounts.account_new, name="account-new"),
    path(
        "accounts/bulk/units/",
        accounts.accounts_bulk,
        {"kind": AccountKind.UNIT},
        name="accounts-bulk-units",
    ),
    path(
        "accounts/bulk/members/",
        accounts.accounts_bulk,
        {"kind": AccountKind.MEMBER},
        name="accounts-bulk-members",
    ),
    path("accounts/<int:pk>/", accounts.account_detail, name="account-detail"),
    path("accounts/<int:pk>/active/", accounts.account_active, name="account-active"),
    path("accounts/<int:pk>/link/", accounts.account_link, name="account-link"),
    path("proposals/", views.ProposalList.as_view(), name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal-new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("replies/<int:pk>/letter/", views.reply_file, name="reply-file"),
    path("assignments/", views.AssignmentList.as_view(), name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("key-proposals/", views.SupervisionList.as_view(), name="supervisions"),
    path("look-back/", views.LookBackList.as_view(), name="lookback"),
    path("activities/", views.ActivityList.as_view(), name="activities"),
    path("opinion-reports/", views.OpinionReportList.as_view(), name="reports"),
    path("members/", views.MemberList.as_view(), name="members"),
    path("units/", views.UnitList.as_view(), name="units"),
    path("figures/", views.figures, name="figures"),
    path("scorecards/units/", views.unit_scorecards_page, name="unit-scorecards"),
    path("scorecards/members/", views.duty_scorecards_page, name="duty-scorecards"),
    path("do/<slug:kind>/<int:pk>/<slug:name>/", views.step, name="step"),
    path("imports/", imports.imports, name="imports"),
    path("imports/template/<slug:kind>/", imports.import_template, name="import-template"),
    path("imports/export/<slug:kind>/", imports.import_export, name="import-export"),
    path("imports/<int:pk>/", imports.import_run, name="import"),
    path("imports/<int:pk>/map/", imports.import_map, name="import-map"),
    path("imports/<int:pk>/check/", imports.import_check, name="import-check"),
    path("imports/<int:pk>/apply/", imports.import_apply, name="import-apply"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import-progress"),
]
