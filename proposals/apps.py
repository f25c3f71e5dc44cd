from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.choices import Role

# Records the office types in: reference tables, campaigns, evaluation ballots, awards.
TABLES = (
    "category",
    "rejectionreason",
    "resultclass",
    "lookbackcampaign",
    "evaluationround",
    "evaluationvote",
    "award",
)
# Workflow records: created and moved only through the services (proposals/services/).
RECORDS = (
    "proposal",
    "cosigner",
    "assignment",
    "returnrequest",
    "extensionrequest",
    "contactlog",
    "jointopinion",
    "reply",
    "feedback",
    "transition",
    "keynomination",
    "supervision",
    "supervisionevent",
    "lookbackitem",
    "reminderlog",
)


class ProposalsConfig(AppConfig):
    """Proposals from drafting to closing: review, assignment, replies, feedback."""

    name = "proposals"
    verbose_name = _("Proposals")
    # Admin permissions: which admin pages a role opens and which plain records it types in.
    # Who may take a workflow step is its declaration's (workflow.py); which records a role
    # reads, its scope's (scopes.py). Nobody deletes workflow records.
    role_permissions = {
        Role.PROPOSAL_OFFICE: {
            **dict.fromkeys(TABLES, ("view", "add", "change")),
            **dict.fromkeys(RECORDS, ("view",)),
            "proposal": ("view", "add", "change"),
        },
        # To link the activities they record to the proposals those produced or supervised.
        Role.COMMITTEE_STAFF: {"proposal": ("view",)},
        Role.LEADER: dict.fromkeys(TABLES + RECORDS, ("view",)),
        Role.AUDITOR: dict.fromkeys(TABLES + RECORDS, ("view",)),
    }
