"""The steps on public-opinion reports, for the admin (see proposals/workflow.py)."""

from django.utils.translation import gettext_lazy as _

from activities import forms as step_forms
from activities import services
from activities.choices import ActivityStatus, ReportStatus
from proposals.forms import EmptyForm
from proposals.workflow import Step


class RecordStep(Step):
    """A step anyone may take who may change public-opinion reports (committee staff)."""

    def permitted(self, record, user) -> bool:
        return user.has_perm("activities.change_opinionreport")


RECORD = "record_opinion_work"

REPORT_STEPS = [
    RecordStep(
        "adopt",
        _("Adopt (编入简报)"),
        RECORD,
        lambda r: r.status == ReportStatus.RECEIVED,
        lambda r, u, d: services.report_adopt(report=r, by=u, bulletin=d["bulletin"]),
        form=step_forms.AdoptForm,
    ),
    RecordStep(
        "decline",
        _("Do not adopt"),
        RECORD,
        lambda r: r.status == ReportStatus.RECEIVED,
        lambda r, u, d: services.report_decline(report=r, by=u),
        form=EmptyForm,
    ),
    RecordStep(
        "send-upward",
        _("Send upward (报送上级政协)"),
        RECORD,
        lambda r: r.status == ReportStatus.ADOPTED,
        lambda r, u, d: services.report_send_upward(report=r, by=u, **d),
        form=step_forms.UpwardForm,
    ),
]


class ActivityStep(Step):
    """A step anyone may take who may change activities (committee staff)."""

    def permitted(self, record, user) -> bool:
        return user.has_perm("activities.change_activity")


ACTIVITY_STEPS = [
    ActivityStep(
        "mark-done",
        _("Mark as done"),
        "record_activity",
        lambda a: a.status == ActivityStatus.PLANNED,
        lambda a, u, d: services.activity_mark_done(activity=a, by=u, **d),
        form=step_forms.DoneForm,
    )
]
