"""Models of the proposals app, one module per part of the work."""

from proposals.models.attachments import ProposalAttachment
from proposals.models.evaluation import Award, EvaluationRound, EvaluationVote
from proposals.models.imports import ImportRowResult, ImportRun, import_upload_to
from proposals.models.key import KeyNomination, Supervision, SupervisionEvent
from proposals.models.lifecycle import (
    ACTION_LABELS,
    EXPLANATION_MAX_LENGTH,
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentQuerySet,
    Category,
    ContactLog,
    CoSigner,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    Proposal,
    ProposalQuerySet,
    RejectionReason,
    Reply,
    ResultClass,
    ReturnRequest,
    Transition,
    reply_upload_to,
)
from proposals.models.lookback import LookBackCampaign, LookBackItem, evidence_upload_to
from proposals.models.reminders import ReminderLog

__all__ = [
    "ACTION_LABELS",
    "EXPLANATION_MAX_LENGTH",
    "OPEN_ASSIGNMENT",
    "Assignment",
    "AssignmentQuerySet",
    "Award",
    "Category",
    "CoSigner",
    "ContactLog",
    "EvaluationRound",
    "EvaluationVote",
    "ExtensionRequest",
    "Feedback",
    "ImportRowResult",
    "ImportRun",
    "JointOpinion",
    "KeyNomination",
    "LookBackCampaign",
    "LookBackItem",
    "Proposal",
    "ProposalAttachment",
    "ProposalQuerySet",
    "RejectionReason",
    "ReminderLog",
    "Reply",
    "ResultClass",
    "ReturnRequest",
    "Supervision",
    "SupervisionEvent",
    "Transition",
    "evidence_upload_to",
    "import_upload_to",
    "reply_upload_to",
]
