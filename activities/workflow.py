"""The steps on the committee's work, declared as the proposals' are (hcppcc/core/workflow):
an activity marked done; a public-opinion report adopted, declined or sent upward.
Committee staff take them."""

from django.utils.translation import gettext_lazy

from activities import forms
from activities.choices import ActivityStatus, ReportStatus
from hcppcc.core.workflow.roles import anyone_with
from hcppcc.core.workflow.steps import Step, Workflow
from hcppcc.directory.choices import Role

STAFF = anyone_with(Role.COMMITTEE_STAFF)

MARK_DONE = Step(
    "mark-done",
    gettext_lazy("Mark as done"),
    STAFF,
    service="activities.services.activity_mark_done",
    sources={ActivityStatus.PLANNED},
    state_message=gettext_lazy("This activity is already done."),
    form=forms.DoneForm,
)
ACTIVITY = Workflow("activity", (MARK_DONE,))

ADOPT = Step(
    "adopt",
    gettext_lazy("Adopt (编入简报)"),
    STAFF,
    service="activities.services.report_adopt",
    sources={ReportStatus.RECEIVED},
    state_message=gettext_lazy("Only a received report can be adopted."),
    form=forms.AdoptForm,
)
DECLINE = Step(
    "decline",
    gettext_lazy("Do not adopt"),
    STAFF,
    service="activities.services.report_decline",
    sources={ReportStatus.RECEIVED},
    state_message=gettext_lazy("Only a received report can be declined."),
)
SEND_UPWARD = Step(
    "send-upward",
    gettext_lazy("Send upward (报送上级政协)"),
    STAFF,
    service="activities.services.report_send_upward",
    sources={ReportStatus.ADOPTED},
    state_message=gettext_lazy("Only adopted reports are sent upward."),
    form=forms.UpwardForm,
)
REPORT = Workflow("report", (ADOPT, DECLINE, SEND_UPWARD))
