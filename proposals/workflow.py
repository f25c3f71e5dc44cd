"""Every step people take on a proposal and the records that hang off it, declared once.

Each ``Step`` says the states it starts from (from the transition tables in choices.py
where the step is a transition), any further condition, who may take it, what is typed in
and the service that takes it. The service asks the step before it acts; the admin, the
pages and the API ask it which buttons and operations to offer (hcppcc/core/workflow).

Who may take a step: the proposal office any step a person takes; a member on their own
proposals (submit, withdraw, feedback) and invitations; a unit user on its own unit's
assignments; a leader on the supervision of the key proposals they lead. Steps the
services take by themselves (handling started, all replies approved, handled again) are
nobody's and are not declared here.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.roles import Roles, anyone_with
from hcppcc.core.workflow.steps import Condition, Step, Workflow
from hcppcc.directory.choices import Role
from hcppcc.directory.models import HandlingUnit
from proposals import forms
from proposals.choices import (
    ACCEPTED_STATES,
    ADD_UNIT_STATES,
    ANSWERING_ROLES,
    ASSIGNMENT_TRANSITIONS,
    INVITE_COSIGNER_STATES,
    LOG_CONTACT_STATES,
    NOMINABLE_STATES,
    PROPOSAL_HANDLING_STATES,
    PROPOSAL_TRANSITIONS,
    REQUEST_EXTENSION_STATES,
    AssignmentAction,
    AssignmentRole,
    CoSignerStatus,
    LookBackDecision,
    ProposalAction,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    RequestDecision,
    SupervisionStatus,
)
from proposals.deadlines import deadlines


def _starts_from(action: str) -> frozenset[str]:
    """The proposal states ``action`` may start from (choices.PROPOSAL_TRANSITIONS)."""
    return PROPOSAL_TRANSITIONS[action][0]


def _assignment_starts_from(action: str) -> frozenset[str]:
    return ASSIGNMENT_TRANSITIONS[action][0]


# --- who: the relations a role's holder must have to the record ---------------------------


def _member_id(user) -> int | None:
    member = getattr(user, "member", None)
    return member.pk if member is not None else None


def is_lead(user, proposal) -> bool:
    """The member is the proposal's lead proposer."""
    member_id = _member_id(user)
    return member_id is not None and proposal.lead_member_id == member_id


def drafts_own(user, proposal) -> bool:
    """A member drafts individual or joint proposals in their own name; collective ones
    (a party's, a committee's, a sector group's) are the office's to enter."""
    return is_lead(user, proposal) and proposal.proposer_kind != ProposerKind.COLLECTIVE


def is_invited(user, cosigner) -> bool:
    """The member is the one this co-signing invitation is for."""
    member_id = _member_id(user)
    return member_id is not None and cosigner.member_id == member_id


def leads(user, supervision) -> bool:
    """The leader is among those leading the supervision of this key proposal."""
    member_id = _member_id(user)
    return member_id is not None and supervision.leaders.filter(pk=member_id).exists()


def own_unit(user, assignment) -> bool:
    """The unit user's unit holds this assignment."""
    return user.handling_unit_id is not None and assignment.unit_id == user.handling_unit_id


OFFICE = anyone_with(Role.PROPOSAL_OFFICE)
OFFICE_OR_PROPOSER = OFFICE | Roles({Role.MEMBER: is_lead})
OFFICE_OR_UNIT = OFFICE | Roles({Role.HANDLING_UNIT: own_unit})


# --- when: conditions besides the record's state --------------------------------------------


def _proposal_being_handled(assignment_of) -> Condition:
    """Units work on an assignment only while its proposal is being handled."""
    return Condition(
        lambda record, now: assignment_of(record).proposal.status in PROPOSAL_HANDLING_STATES,
        lambda record: (
            _("The proposal is %(status)s; its assignments take no more steps.")
            % {"status": assignment_of(record).proposal.get_status_display()}
        ),
    )


def _assignment_in(assignment_of, *actions: str) -> Condition:
    """The assignment a request or reply belongs to is where one of ``actions`` starts."""
    sources = frozenset().union(*(_assignment_starts_from(action) for action in actions))
    return Condition(
        lambda record, now: assignment_of(record).status in sources,
        lambda record: (
            _("This step cannot be taken now: the assignment is %(status)s.")
            % {"status": assignment_of(record).get_status_display()}
        ),
    )


def _on(record):
    return record


def _on_assignment(record):
    return record.assignment


ASSIGNMENT_BEING_HANDLED = _proposal_being_handled(_on)
REQUEST_BEING_HANDLED = _proposal_being_handled(_on_assignment)

WITHIN_RETURN_WINDOW = Condition(
    lambda assignment, now: (
        timezone.localdate(now) <= deadlines().return_window_ends(assignment.assigned_on)
    ),
    lambda assignment: (
        _("The return window closed on %(date)s.")
        % {"date": deadlines().return_window_ends(assignment.assigned_on).isoformat()}
    ),
)
NO_PENDING_EXTENSION = Condition(
    lambda assignment, now: (
        not assignment.extension_requests.filter(decision=RequestDecision.PENDING).exists()
    ),
    lambda assignment: _("An extension request is already waiting for a decision."),
)
JOINT_UNIT = Condition(
    lambda assignment, now: assignment.role == AssignmentRole.JOINT,
    lambda assignment: _("Only a joint unit sends an opinion; this unit replies."),
)
ANSWERING_UNIT = Condition(
    lambda assignment, now: assignment.role in ANSWERING_ROLES,
    lambda assignment: _("A joint unit sends its opinion to the lead unit instead."),
)
COSIGNING_OVER = Condition(
    lambda proposal, now: (
        not proposal.cosigners.filter(
            status=CoSignerStatus.INVITED, deadline__gte=timezone.localdate(now)
        ).exists()
    ),
    lambda proposal: _("Some co-signers have not answered and their deadline has not passed."),
)
NOTHING_MERGED_INTO_IT = Condition(
    lambda proposal, now: not proposal.merged_proposals.exists(),
    lambda proposal: _("Other proposals were merged into this one; it stays."),
)
NOT_YET_KEY = Condition(
    lambda proposal, now: not proposal.is_key,
    lambda proposal: _("This proposal is already a key proposal."),
)
NO_PENDING_NOMINATION = Condition(
    lambda proposal, now: (
        not proposal.key_nominations.filter(decision=RequestDecision.PENDING).exists()
    ),
    lambda proposal: _("A nomination of this proposal awaits the chair meeting's decision."),
)
KEY = Condition(
    lambda proposal, now: proposal.is_key,
    lambda proposal: _("Only key proposals are supervised."),
)
NOT_YET_SUPERVISED = Condition(
    lambda proposal, now: not hasattr(proposal, "supervision"),
    lambda proposal: _("This key proposal already has its supervision."),
)
PROPOSAL_PUBLISHABLE = Condition(
    # Withdrawing from publication stays possible whatever became of the proposal.
    lambda proposal, now: proposal.status in ACCEPTED_STATES or proposal.is_published,
    lambda proposal: _("Only accepted proposals are published."),
)
REPLY_PUBLISHABLE = Condition(
    lambda reply, now: reply.status == ReplyStatus.APPROVED or reply.is_published,
    lambda reply: _("Only approved replies are published."),
)
AWAITING_COSIGNERS = Condition(
    lambda cosigner, now: cosigner.proposal.status == ProposalStatus.AWAITING_COSIGNERS,
    lambda cosigner: _("This proposal is not waiting for co-signers."),
)
BEFORE_COSIGN_DEADLINE = Condition(
    lambda cosigner, now: not cosigner.deadline or timezone.localdate(now) <= cosigner.deadline,
    lambda cosigner: (
        _("The deadline to confirm was %(date)s.") % {"date": cosigner.deadline.isoformat()}
    ),
)
FINDINGS_RECORDED = Condition(
    lambda item, now: bool(item.outcome),
    lambda item: _("Record the findings before deciding."),
)


# --- what is typed in, as the services take it ---------------------------------------------


@dataclass(frozen=True)
class UnitAssignment:
    """One unit to assign a proposal to; ``due_on`` defaults from the deadlines."""

    unit: HandlingUnit
    role: AssignmentRole
    due_on: date | None = None


def suggested_assignments(proposal, due_on: date | None = None) -> list[UnitAssignment]:
    """The units the proposer suggests, as assignments: the first (in the office's order of
    units) to lead, the others jointly. Reads ``proposal.suggested_units.all()``, so a
    prefetch serves a whole batch."""
    units = sorted(proposal.suggested_units.all(), key=lambda unit: (unit.sort_order, unit.name))
    return [
        UnitAssignment(unit, AssignmentRole.LEAD if index == 0 else AssignmentRole.JOINT, due_on)
        for index, unit in enumerate(units)
    ]


def _suggested_rows(proposal) -> list[dict]:
    """The suggested units as the first rows of the assign form (the clerk changes what
    the office decides otherwise)."""
    return [{"unit": s.unit, "role": s.role} for s in suggested_assignments(proposal)]


def on_behalf(step: Step, record, user) -> bool:
    """Whether ``user`` takes a step that is someone else's — a unit's, a member's — for
    them, as the office does from a paper letter (代为登记)."""
    others = step.roles.holders - {Role.PROPOSAL_OFFICE}
    return bool(others) and not step.roles.allow_except(user, record, Role.PROPOSAL_OFFICE)


def owners_actions(workflow_steps, role: str) -> frozenset[str]:
    """The timeline actions of the steps ``role`` takes on its own records."""
    return frozenset(
        step.name.replace("-", "_") for step in workflow_steps if role in step.roles.holders
    )


def _assign_inputs(cleaned: dict) -> dict:
    units = [
        UnitAssignment(row["unit"], AssignmentRole(row["role"]), row.get("due_on"))
        for row in cleaned["units"]
        if row.get("unit")
    ]
    return {"units": units, "assigned_on": cleaned.get("assigned_on"), "note": cleaned["note"]}


def _merge_inputs(cleaned: dict) -> dict:
    return {"host": cleaned["host"], "note": cleaned["note"]}


def _add_unit_inputs(cleaned: dict) -> dict:
    return {**cleaned, "role": AssignmentRole(cleaned["role"])}


def _return_decision_inputs(cleaned: dict) -> dict:
    replacement = cleaned["replacement"] if cleaned["approve"] else None
    return {**cleaned, "replacement": replacement}


def _service(name: str) -> str:
    return f"proposals.services.{name}"


# --- proposals -----------------------------------------------------------------------------

# Saving a new draft, editing one, inviting co-signers to one: taken on the draft form,
# not offered as buttons.
CREATE = Step(
    "create",
    gettext_lazy("Create draft"),
    OFFICE | Roles({Role.MEMBER: drafts_own}),
    service=_service("proposal_create"),
)
EDIT = Step(
    "edit",
    gettext_lazy("Edit the draft"),
    OFFICE_OR_PROPOSER,
    service=_service("proposal_update"),
    sources={ProposalStatus.DRAFT},
    state_message=gettext_lazy("Only a draft can be edited; this proposal is submitted."),
)
INVITE_COSIGNER = Step(
    "invite-cosigner",
    gettext_lazy("Invite a co-signer"),
    OFFICE_OR_PROPOSER,
    service=_service("cosigner_invite"),
    sources=INVITE_COSIGNER_STATES,
    state_message=gettext_lazy("Co-signers can only be invited while the proposal is a draft."),
)

SUBMIT = Step(
    "submit",
    gettext_lazy("Submit"),
    OFFICE_OR_PROPOSER,
    service=_service("proposal_submit"),
    sources=_starts_from(ProposalAction.SUBMIT),
)
COMPLETE_COSIGNING = Step(
    "complete-cosigning",
    gettext_lazy("Close co-signing"),
    OFFICE_OR_PROPOSER,
    service=_service("proposal_complete_cosigning"),
    sources=_starts_from(ProposalAction.COMPLETE_COSIGNING),
    conditions=(COSIGNING_OVER,),
)
ACCEPT = Step(
    "accept",
    gettext_lazy("Accept (立案)"),
    OFFICE,
    service=_service("proposal_accept"),
    sources=_starts_from(ProposalAction.ACCEPT),
    form=forms.AcceptForm,
)
REJECT = Step(
    "reject",
    gettext_lazy("Do not accept (不予立案)"),
    OFFICE,
    service=_service("proposal_reject"),
    sources=_starts_from(ProposalAction.REJECT),
    form=forms.RejectForm,
)
MERGE = Step(
    "merge",
    gettext_lazy("Merge (并案)"),
    OFFICE,
    service=_service("proposal_merge"),
    sources=_starts_from(ProposalAction.MERGE),
    form=forms.MergeForm,
    form_arguments=lambda proposal: {"proposal": proposal},
    inputs=_merge_inputs,
)
CONVERT = Step(
    "convert",
    gettext_lazy("Convert"),
    OFFICE,
    service=_service("proposal_convert"),
    sources=_starts_from(ProposalAction.CONVERT),
    form=forms.ConvertForm,
)
RETURN_FOR_REVISION = Step(
    "return-for-revision",
    gettext_lazy("Return for revision (退回修改)"),
    OFFICE,
    service=_service("proposal_return_for_revision"),
    sources=_starts_from(ProposalAction.RETURN_FOR_REVISION),
    form=forms.ReturnForRevisionForm,
)
WITHDRAW = Step(
    "withdraw",
    gettext_lazy("Withdraw (撤案)"),
    OFFICE_OR_PROPOSER,
    service=_service("proposal_withdraw"),
    sources=_starts_from(ProposalAction.WITHDRAW),
    conditions=(NOTHING_MERGED_INTO_IT,),
    form=forms.NoteForm,
)
ASSIGN = Step(
    "assign",
    gettext_lazy("Assign (交办)"),
    OFFICE,
    service=_service("proposal_assign"),
    sources=_starts_from(ProposalAction.ASSIGN),
    form=forms.AssignForm,
    table=forms.AssignRowFormSet,
    table_name="units",
    table_initial=_suggested_rows,
    inputs=_assign_inputs,
)
ADD_UNIT = Step(
    "add-unit",
    gettext_lazy("Add a handling unit"),
    OFFICE,
    service=_service("proposal_add_unit"),
    sources=ADD_UNIT_STATES,
    state_message=gettext_lazy("Units can be added only while a proposal is being handled."),
    form=forms.AddUnitForm,
    inputs=_add_unit_inputs,
)
FEEDBACK = Step(
    "feedback",
    gettext_lazy("Record feedback"),
    OFFICE_OR_PROPOSER,
    service=_service("proposal_give_feedback"),
    sources=_starts_from(ProposalAction.FEEDBACK),
    form=forms.FeedbackForm,
)
NOMINATE_KEY = Step(
    "nominate-key",
    gettext_lazy("Nominate as key proposal"),
    OFFICE,
    service=_service("key_nominate"),
    sources=NOMINABLE_STATES,
    state_message=gettext_lazy("Only accepted proposals not yet closed can be nominated."),
    conditions=(NOT_YET_KEY, NO_PENDING_NOMINATION),
    form=forms.NominateForm,
)
PLAN_SUPERVISION = Step(
    "plan-supervision",
    gettext_lazy("Plan supervision (督办)"),
    OFFICE,
    service=_service("supervision_plan"),
    conditions=(KEY, NOT_YET_SUPERVISED),
    form=forms.SupervisionPlanForm,
)
PUBLISH_PROPOSAL = Step(
    "publish",
    gettext_lazy("Publication"),
    OFFICE,
    service=_service("proposal_set_published"),
    conditions=(PROPOSAL_PUBLISHABLE,),
    form=forms.PublishForm,
)

PROPOSAL = Workflow(
    "proposal",
    (
        SUBMIT,
        COMPLETE_COSIGNING,
        ACCEPT,
        REJECT,
        MERGE,
        CONVERT,
        RETURN_FOR_REVISION,
        WITHDRAW,
        ASSIGN,
        ADD_UNIT,
        FEEDBACK,
        NOMINATE_KEY,
        PLAN_SUPERVISION,
        PUBLISH_PROPOSAL,
    ),
)

# --- assignments: a unit's steps -----------------------------------------------------------

ACKNOWLEDGE = Step(
    "acknowledge",
    gettext_lazy("Acknowledge (签收)"),
    OFFICE_OR_UNIT,
    service=_service("assignment_acknowledge"),
    sources=_assignment_starts_from(AssignmentAction.ACKNOWLEDGE),
    conditions=(ASSIGNMENT_BEING_HANDLED,),
)
REQUEST_RETURN = Step(
    "request-return",
    gettext_lazy("Ask to return (退办)"),
    OFFICE_OR_UNIT,
    service=_service("assignment_request_return"),
    sources=_assignment_starts_from(AssignmentAction.REQUEST_RETURN),
    conditions=(ASSIGNMENT_BEING_HANDLED, WITHIN_RETURN_WINDOW),
    form=forms.RequestReturnForm,
)
REQUEST_EXTENSION = Step(
    "request-extension",
    gettext_lazy("Ask for more time"),
    OFFICE_OR_UNIT,
    service=_service("assignment_request_extension"),
    sources=REQUEST_EXTENSION_STATES,
    state_message=gettext_lazy("An extension can only be asked for while handling."),
    conditions=(ASSIGNMENT_BEING_HANDLED, NO_PENDING_EXTENSION),
    form=forms.RequestExtensionForm,
)
LOG_CONTACT = Step(
    "log-contact",
    gettext_lazy("Record contact with the proposer"),
    OFFICE_OR_UNIT,
    service=_service("assignment_log_contact"),
    sources=LOG_CONTACT_STATES,
    state_message=gettext_lazy("Contacts are recorded while the unit handles the proposal."),
    conditions=(ASSIGNMENT_BEING_HANDLED,),
    form=forms.ContactForm,
)
SUBMIT_OPINION = Step(
    "submit-opinion",
    gettext_lazy("Send joint opinion (会办意见)"),
    OFFICE_OR_UNIT,
    service=_service("assignment_submit_opinion"),
    sources=_assignment_starts_from(AssignmentAction.SUBMIT_OPINION),
    conditions=(ASSIGNMENT_BEING_HANDLED, JOINT_UNIT),
    form=forms.OpinionForm,
)
SUBMIT_REPLY = Step(
    "submit-reply",
    gettext_lazy("Submit reply (答复)"),
    OFFICE_OR_UNIT,
    service=_service("assignment_submit_reply"),
    sources=_assignment_starts_from(AssignmentAction.SUBMIT_REPLY),
    conditions=(ASSIGNMENT_BEING_HANDLED, ANSWERING_UNIT),
    form=forms.ReplyForm,
)

ASSIGNMENT = Workflow(
    "assignment",
    (ACKNOWLEDGE, REQUEST_RETURN, REQUEST_EXTENSION, LOG_CONTACT, SUBMIT_OPINION, SUBMIT_REPLY),
)

# --- the office's decisions on what units and members ask ----------------------------------

_ALREADY_DECIDED = gettext_lazy("This request has already been decided.")

DECIDE_RETURN = Step(
    "decide",
    gettext_lazy("Decide"),
    OFFICE,
    service=_service("return_request_decide"),
    state="decision",
    sources={RequestDecision.PENDING},
    state_message=_ALREADY_DECIDED,
    conditions=(
        _assignment_in(
            _on_assignment, AssignmentAction.APPROVE_RETURN, AssignmentAction.REJECT_RETURN
        ),
        REQUEST_BEING_HANDLED,
    ),
    form=forms.ReturnDecisionForm,
    inputs=_return_decision_inputs,
)
RETURN_REQUEST = Workflow("request", (DECIDE_RETURN,))

DECIDE_EXTENSION = Step(
    "decide",
    gettext_lazy("Decide"),
    OFFICE,
    service=_service("extension_request_decide"),
    state="decision",
    sources={RequestDecision.PENDING},
    state_message=_ALREADY_DECIDED,
    form=forms.DecisionForm,
)
EXTENSION_REQUEST = Workflow("request", (DECIDE_EXTENSION,))

_ALREADY_REVIEWED = gettext_lazy("This reply has already been reviewed.")

APPROVE_REPLY = Step(
    "approve",
    gettext_lazy("Approve reply"),
    OFFICE,
    service=_service("reply_approve"),
    sources={ReplyStatus.SUBMITTED},
    state_message=_ALREADY_REVIEWED,
    conditions=(_assignment_in(_on_assignment, AssignmentAction.APPROVE_REPLY),),
    form=forms.NoteForm,
)
SEND_BACK_REPLY = Step(
    "send-back",
    gettext_lazy("Send reply back"),
    OFFICE,
    service=_service("reply_send_back"),
    sources={ReplyStatus.SUBMITTED},
    state_message=_ALREADY_REVIEWED,
    conditions=(_assignment_in(_on_assignment, AssignmentAction.SEND_BACK_REPLY),),
    form=forms.SendBackForm,
)
PUBLISH_REPLY = Step(
    "publish",
    gettext_lazy("Publication"),
    OFFICE,
    service=_service("reply_set_published"),
    conditions=(REPLY_PUBLISHABLE,),
    form=forms.PublishForm,
)
REPLY = Workflow("reply", (APPROVE_REPLY, SEND_BACK_REPLY, PUBLISH_REPLY))

RESPOND_COSIGN = Step(
    "respond",
    gettext_lazy("Answer the invitation"),
    OFFICE | Roles({Role.MEMBER: is_invited}),
    service=_service("cosigner_respond"),
    sources={CoSignerStatus.INVITED},
    state_message=gettext_lazy("This invitation has already been answered."),
    conditions=(AWAITING_COSIGNERS, BEFORE_COSIGN_DEADLINE),
    form=forms.CoSignForm,
)
COSIGNER = Workflow("cosigner", (RESPOND_COSIGN,))

# --- key proposals and their supervision -------------------------------------------------

DECIDE_KEY = Step(
    "decide",
    gettext_lazy("Record the chair meeting's decision"),
    OFFICE,
    service=_service("key_decide"),
    state="decision",
    sources={RequestDecision.PENDING},
    state_message=gettext_lazy("This nomination has already been decided."),
    form=forms.KeyDecisionForm,
)
KEY_NOMINATION = Workflow("nomination", (DECIDE_KEY,))

OFFICE_OR_LEADER = OFFICE | Roles({Role.LEADER: leads})

RECORD_SUPERVISION = Step(
    "record-event",
    gettext_lazy("Record a supervision activity"),
    OFFICE_OR_LEADER,
    service=_service("supervision_record_event"),
    sources={SupervisionStatus.PLANNED, SupervisionStatus.IN_PROGRESS},
    state_message=gettext_lazy("The supervision has been reported; it takes no more events."),
    form=forms.SupervisionEventForm,
)
REPORT_SUPERVISION = Step(
    "report",
    gettext_lazy("File the supervision report"),
    OFFICE_OR_LEADER,
    service=_service("supervision_report"),
    sources={SupervisionStatus.IN_PROGRESS},
    state_message=gettext_lazy("A report follows at least one supervision activity."),
    form=forms.SupervisionReportForm,
)
SUPERVISION = Workflow("supervision", (RECORD_SUPERVISION, REPORT_SUPERVISION))

# --- look-back reviews ---------------------------------------------------------------------

OPEN_LOOK_BACK = Step(
    "open",
    gettext_lazy("Open a look-back campaign"),
    OFFICE,
    service=_service("lookback_campaign_create"),
)
RECORD_FINDINGS = Step(
    "findings",
    gettext_lazy("Record the findings"),
    OFFICE,
    service=_service("lookback_record_findings"),
    state="decision",
    sources={LookBackDecision.PENDING},
    state_message=gettext_lazy("This review has been decided; its findings are final."),
    form=forms.FindingsForm,
)
DECIDE_LOOK_BACK = Step(
    "decide",
    gettext_lazy("Decide"),
    OFFICE,
    service=_service("lookback_decide"),
    state="decision",
    sources={LookBackDecision.PENDING},
    state_message=gettext_lazy("This review has already been decided."),
    conditions=(FINDINGS_RECORDED,),
    form=forms.LookBackDecisionForm,
)
LOOK_BACK_ITEM = Workflow("item", (RECORD_FINDINGS, DECIDE_LOOK_BACK))

# --- spreadsheets --------------------------------------------------------------------------

IMPORT = Step("import", gettext_lazy("Import and export"), OFFICE)
