"""Choices and the allowed-transitions tables of the proposal lifecycle.

The tables are the one statement of which step may follow which. Services check them;
the admin and the pages read them to decide which buttons to show; the exhaustive test
walks every (state, action) pair against them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_COSIGNERS = "awaiting_cosigners", _("Awaiting co-signers")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    MERGED = "merged", _("Merged")
    CONVERTED = "converted", _("Converted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ASSIGNED = "assigned", _("Assigned")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class ProposalAction(models.TextChoices):
    CREATE = "create", _("Create draft")
    SUBMIT = "submit", _("Submit")
    COMPLETE_COSIGNING = "complete_cosigning", _("Close co-signing")
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Do not accept")
    MERGE = "merge", _("Merge into another proposal")
    CONVERT = "convert", _("Convert")
    RETURN_FOR_REVISION = "return_for_revision", _("Return for revision")
    WITHDRAW = "withdraw", _("Withdraw")
    ASSIGN = "assign", _("Assign to handling units")
    START_HANDLING = "start_handling", _("Handling started")
    MARK_REPLIED = "mark_replied", _("All replies approved")
    FEEDBACK = "feedback", _("Record proposer feedback")
    LOOK_BACK_REOPEN = "look_back_reopen", _("Reopened after a look-back review")


# action -> (states it may start from, states it may end in)
PROPOSAL_TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    ProposalAction.SUBMIT: (
        frozenset({ProposalStatus.DRAFT}),
        frozenset({ProposalStatus.AWAITING_COSIGNERS, ProposalStatus.SUBMITTED}),
    ),
    ProposalAction.COMPLETE_COSIGNING: (
        frozenset({ProposalStatus.AWAITING_COSIGNERS}),
        frozenset({ProposalStatus.SUBMITTED}),
    ),
    ProposalAction.ACCEPT: (
        frozenset({ProposalStatus.SUBMITTED}),
        frozenset({ProposalStatus.ACCEPTED}),
    ),
    ProposalAction.REJECT: (
        frozenset({ProposalStatus.SUBMITTED}),
        frozenset({ProposalStatus.NOT_ACCEPTED}),
    ),
    ProposalAction.MERGE: (
        frozenset({ProposalStatus.SUBMITTED}),
        frozenset({ProposalStatus.MERGED}),
    ),
    ProposalAction.CONVERT: (
        frozenset({ProposalStatus.SUBMITTED}),
        frozenset({ProposalStatus.CONVERTED}),
    ),
    ProposalAction.RETURN_FOR_REVISION: (
        frozenset({ProposalStatus.SUBMITTED}),
        frozenset({ProposalStatus.DRAFT}),
    ),
    # 撤案: any time before assignment.
    ProposalAction.WITHDRAW: (
        frozenset(
            {
                ProposalStatus.DRAFT,
                ProposalStatus.AWAITING_COSIGNERS,
                ProposalStatus.SUBMITTED,
                ProposalStatus.ACCEPTED,
            }
        ),
        frozenset({ProposalStatus.WITHDRAWN}),
    ),
    ProposalAction.ASSIGN: (
        frozenset({ProposalStatus.ACCEPTED}),
        frozenset({ProposalStatus.ASSIGNED}),
    ),
    # Taken by the services themselves: the first unit acknowledging, the last reply approved.
    ProposalAction.START_HANDLING: (
        frozenset({ProposalStatus.ASSIGNED}),
        frozenset({ProposalStatus.HANDLING}),
    ),
    ProposalAction.MARK_REPLIED: (
        frozenset({ProposalStatus.HANDLING}),
        frozenset({ProposalStatus.REPLIED}),
    ),
    # Satisfied -> closed; unsatisfied -> handled again.
    ProposalAction.FEEDBACK: (
        frozenset({ProposalStatus.REPLIED}),
        frozenset({ProposalStatus.CLOSED, ProposalStatus.HANDLING}),
    ),
    # A look-back review finds a promise not kept: another handling round.
    ProposalAction.LOOK_BACK_REOPEN: (
        frozenset({ProposalStatus.REPLIED, ProposalStatus.CLOSED}),
        frozenset({ProposalStatus.HANDLING}),
    ),
}
# Still being worked on: proposals of an earlier session in these states are carried over
# into the current session's lists.
OPEN_STATES = frozenset({ProposalStatus.ASSIGNED, ProposalStatus.HANDLING, ProposalStatus.REPLIED})

# Reviewed proposals whose numbers count and whose handling is on record.
ACCEPTED_STATES = frozenset(
    {
        ProposalStatus.ACCEPTED,
        ProposalStatus.ASSIGNED,
        ProposalStatus.HANDLING,
        ProposalStatus.REPLIED,
        ProposalStatus.CLOSED,
    }
)
# States in which a host may take in merged proposals.
MERGE_HOST_STATES = ACCEPTED_STATES - {ProposalStatus.CLOSED}
# Key proposals are chosen among accepted proposals still being worked on.
NOMINABLE_STATES = ACCEPTED_STATES - {ProposalStatus.CLOSED}


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Being handled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")
    REPLY_SUBMITTED = "reply_submitted", _("Reply awaiting review")
    REPLIED = "replied", _("Replied")
    OPINION_SUBMITTED = "opinion_submitted", _("Joint opinion sent")


class AssignmentAction(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    REQUEST_RETURN = "request_return", _("Ask to return")
    APPROVE_RETURN = "approve_return", _("Approve return")
    REJECT_RETURN = "reject_return", _("Refuse return")
    EXTEND = "extend", _("Extend the due date")
    SUBMIT_OPINION = "submit_opinion", _("Send joint opinion")
    SUBMIT_REPLY = "submit_reply", _("Submit reply")
    APPROVE_REPLY = "approve_reply", _("Approve reply")
    SEND_BACK_REPLY = "send_back_reply", _("Send reply back")
    REOPEN = "reopen", _("Handle again")


ASSIGNMENT_TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    AssignmentAction.ACKNOWLEDGE: (
        frozenset({AssignmentStatus.ASSIGNED}),
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
    ),
    AssignmentAction.REQUEST_RETURN: (
        frozenset({AssignmentStatus.ASSIGNED, AssignmentStatus.ACKNOWLEDGED}),
        frozenset({AssignmentStatus.RETURN_REQUESTED}),
    ),
    AssignmentAction.APPROVE_RETURN: (
        frozenset({AssignmentStatus.RETURN_REQUESTED}),
        frozenset({AssignmentStatus.RETURNED}),
    ),
    # A refused return leaves the unit holding the proposal, as if it had acknowledged.
    AssignmentAction.REJECT_RETURN: (
        frozenset({AssignmentStatus.RETURN_REQUESTED}),
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
    ),
    # An approved extension moves the due date, not the state.
    AssignmentAction.EXTEND: (
        frozenset(
            {
                AssignmentStatus.ASSIGNED,
                AssignmentStatus.ACKNOWLEDGED,
                AssignmentStatus.REPLY_SUBMITTED,
            }
        ),
        frozenset(
            {
                AssignmentStatus.ASSIGNED,
                AssignmentStatus.ACKNOWLEDGED,
                AssignmentStatus.REPLY_SUBMITTED,
            }
        ),
    ),
    AssignmentAction.SUBMIT_OPINION: (
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
        frozenset({AssignmentStatus.OPINION_SUBMITTED}),
    ),
    AssignmentAction.SUBMIT_REPLY: (
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
        frozenset({AssignmentStatus.REPLY_SUBMITTED}),
    ),
    AssignmentAction.APPROVE_REPLY: (
        frozenset({AssignmentStatus.REPLY_SUBMITTED}),
        frozenset({AssignmentStatus.REPLIED}),
    ),
    AssignmentAction.SEND_BACK_REPLY: (
        frozenset({AssignmentStatus.REPLY_SUBMITTED}),
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
    ),
    AssignmentAction.REOPEN: (
        frozenset({AssignmentStatus.REPLIED}),
        frozenset({AssignmentStatus.ACKNOWLEDGED}),
    ),
}

# Assignments still on a unit's desk.
OPEN_ASSIGNMENT_STATES = frozenset(
    {
        AssignmentStatus.ASSIGNED,
        AssignmentStatus.ACKNOWLEDGED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLY_SUBMITTED,
    }
)
# A unit works on its assignment only while the proposal itself is being handled; once the
# proposal is replied, a joint unit that never sent its opinion can do nothing more.
PROPOSAL_HANDLING_STATES = frozenset({ProposalStatus.ASSIGNED, ProposalStatus.HANDLING})


# The handling desk's queues (办理台): what a unit has to do now. Each is a condition on
# the assignment's state (proposals.selectors.DESK_QUEUES); they overlap (an overdue
# assignment is also one to answer), so the counts are not meant to add up.
class DeskQueue(models.TextChoices):
    TO_ACKNOWLEDGE = "to_acknowledge", _("To acknowledge")
    TO_ANSWER = "to_answer", _("To answer")
    DUE_SOON = "due_soon", _("Due within 7 days")
    OVERDUE = "overdue", _("Overdue")
    SENT_BACK = "sent_back", _("Reply sent back for revision")


# Steps that move no status but may be taken only in some states (the other steps are
# governed by the transition tables above).
INVITE_COSIGNER_STATES = frozenset({ProposalStatus.DRAFT})
ADD_UNIT_STATES = PROPOSAL_HANDLING_STATES
REQUEST_EXTENSION_STATES = frozenset({AssignmentStatus.ASSIGNED, AssignmentStatus.ACKNOWLEDGED})
LOG_CONTACT_STATES = frozenset(
    {AssignmentStatus.ASSIGNED, AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.REPLY_SUBMITTED}
)


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (主办)")
    JOINT = "joint", _("Joint (会办)")
    SEPARATE = "separate", _("Separate (分办)")


# Roles whose unit answers the proposer; a joint unit sends its opinion to the lead.
ANSWERING_ROLES = frozenset({AssignmentRole.LEAD, AssignmentRole.SEPARATE})


class ProposerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    JOINT = "joint", _("Joint (联名)")
    COLLECTIVE = "collective", _("Collective (集体)")


class SubmissionPeriod(models.TextChoices):
    PLENARY = "plenary", _("During the plenary (大会)")
    BETWEEN_SESSIONS = "between_sessions", _("Between sessions (平时)")


class ProposalSource(models.TextChoices):
    PLENARY_SPEECH = "plenary_speech", _("Plenary speech")
    CONSULTATION = "consultation", _("Thematic consultation")
    RESEARCH_REPORT = "research_report", _("Research report")
    DEMOCRATIC_SUPERVISION = "democratic_supervision", _("Democratic supervision")
    OTHER = "other", _("Other")


class Conversion(models.TextChoices):
    SUGGESTION = "suggestion", _("Opinion or suggestion (意见建议)")
    PUBLIC_OPINION = "public_opinion", _("Public-opinion report (社情民意)")


class CoSignerStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Did not answer in time")


class RequestDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ReplyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class ContactWay(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


# --- key proposals and supervision ---------------------------------------------------------


class NominatedBy(models.TextChoices):
    OFFICE = "office", _("Proposal office")
    PARTY = "party", _("Party or organization")
    COMMITTEE = "committee", _("Special committee")


class SupervisionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")


class SupervisionMethod(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (视察)")
    RESEARCH = "research", _("Investigation (调研)")
    SYMPOSIUM = "symposium", _("Symposium (座谈)")
    CONSULTATION = "consultation", _("Handling consultation (提案办理协商会)")
    UNIT_VISIT = "unit_visit", _("Visit to the handling unit (走访承办单位)")


# --- look-back reviews ---------------------------------------------------------------------


class LookBackOutcome(models.TextChoices):
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")


class LookBackDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    RECLASSIFIED = "reclassified", _("Result reclassified")
    REOPENED = "reopened", _("Handling reopened")
    CLOSED = "closed", _("Closed")


# --- evaluation and awards -----------------------------------------------------------------


class EvaluationRating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    ABSTAIN = "abstain", _("Abstain")


class AwardKind(models.TextChoices):
    EXCELLENT_PROPOSAL = "excellent_proposal", _("Excellent proposal (优秀提案)")
    ADVANCED_UNIT = "advanced_unit", _("Advanced handling unit (先进承办单位)")


# --- spreadsheet imports -------------------------------------------------------------------


class ImportKind(models.TextChoices):
    LEDGER = "ledger", _("Proposal ledger (提案台账)")
    MEMBERS = "members", _("Members roster (委员名册)")
    UNITS = "units", _("Handling units (承办单位)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


# A run being worked on; nothing else may start on it meanwhile.
IMPORT_BUSY_STATES = (ImportStatus.CHECKING, ImportStatus.IMPORTING)
