"""Every change of state in the proposals app; one module per part of the work:
``drafting``, ``review``, ``handling``, ``replies``, ``key``, ``lookback``, ``publication``,
``evaluation`` (and ``imports``), on the shared machinery of ``transitions``.

Callers use ``from proposals import services`` and ``services.proposal_accept(...)``; each
step's declaration in ``proposals/workflow.py`` names its service the same way.
"""

from proposals.services.batch import BatchRefused, BatchRow, proposals_assign_batch
from proposals.services.drafting import (
    cosigner_invite,
    cosigner_respond,
    proposal_complete_cosigning,
    proposal_create,
    proposal_detach,
    proposal_submit,
    proposal_update,
)
from proposals.services.evaluation import (
    award_record,
    evaluation_round_save,
    evaluation_vote_correct,
    evaluation_votes_record,
)
from proposals.services.handling import (
    assignment_acknowledge,
    assignment_log_contact,
    assignment_request_extension,
    assignment_request_return,
    assignment_submit_opinion,
    extension_request_decide,
    proposal_add_unit,
    proposal_assign,
    return_request_decide,
)
from proposals.services.key import (
    key_decide,
    key_nominate,
    supervision_plan,
    supervision_record_event,
    supervision_report,
)
from proposals.services.lookback import (
    lookback_campaign_create,
    lookback_decide,
    lookback_record_findings,
)
from proposals.services.publication import proposal_set_published, reply_set_published
from proposals.services.replies import (
    assignment_submit_reply,
    proposal_give_feedback,
    reply_approve,
    reply_send_back,
)
from proposals.services.review import (
    proposal_accept,
    proposal_convert,
    proposal_merge,
    proposal_reject,
    proposal_return_for_revision,
    proposal_withdraw,
)
from proposals.workflow import UnitAssignment

__all__ = [
    "BatchRefused",
    "BatchRow",
    "UnitAssignment",
    "assignment_acknowledge",
    "assignment_log_contact",
    "assignment_request_extension",
    "assignment_request_return",
    "assignment_submit_opinion",
    "assignment_submit_reply",
    "award_record",
    "cosigner_invite",
    "cosigner_respond",
    "evaluation_round_save",
    "evaluation_vote_correct",
    "evaluation_votes_record",
    "extension_request_decide",
    "key_decide",
    "key_nominate",
    "lookback_campaign_create",
    "lookback_decide",
    "lookback_record_findings",
    "proposal_accept",
    "proposal_add_unit",
    "proposal_assign",
    "proposal_complete_cosigning",
    "proposal_convert",
    "proposal_create",
    "proposal_detach",
    "proposal_give_feedback",
    "proposal_merge",
    "proposal_reject",
    "proposal_return_for_revision",
    "proposal_set_published",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "proposals_assign_batch",
    "reply_approve",
    "reply_send_back",
    "reply_set_published",
    "return_request_decide",
    "supervision_plan",
    "supervision_record_event",
    "supervision_report",
]
