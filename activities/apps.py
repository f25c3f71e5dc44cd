from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.choices import Role

MODELS = (
    "activitykind",
    "partnerbody",
    "activity",
    "participation",
    "bulletin",
    "opinionreport",
    "upwardreport",
    "instruction",
    "dutyrule",
    "dutygrade",
)


class ActivitiesConfig(AppConfig):
    """Investigations, consultations, opinion reports, duty records and yearly figures."""

    name = "activities"
    verbose_name = _("Activities")
    # Committee staff record the committee's work; the office, leaders and auditors read it.
    role_permissions = {
        Role.COMMITTEE_STAFF: {
            **dict.fromkeys(MODELS, ("view", "add", "change")),
            # A participant or an instruction entered by mistake can be taken off again.
            "participation": ("view", "add", "change", "delete"),
            "instruction": ("view", "add", "change", "delete"),
            # The scoring rules are the office's to set.
            "dutyrule": ("view",),
            "dutygrade": ("view",),
        },
        Role.PROPOSAL_OFFICE: {
            **dict.fromkeys(MODELS, ("view",)),
            "dutyrule": ("view", "add", "change"),
            "dutygrade": ("view", "add", "change"),
        },
        Role.LEADER: dict.fromkeys(MODELS, ("view",)),
        Role.AUDITOR: dict.fromkeys(MODELS, ("view",)),
    }
