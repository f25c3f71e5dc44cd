"""The workflow steps people take, declared once: label, form, who and when, and the one
service each calls. The admin builds its step pages and buttons from this table; the
staff pages and the API can do the same.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from hcppcc.core.workflow.errors import WorkflowError
from proposals import forms as step_forms
from proposals import policies, services
from proposals.choices import (
    ACCEPTED_STATES,
    ADD_UNIT_STATES,
    ANSWERING_ROLES,
    ASSIGNMENT_TRANSITIONS,
    LOG_CONTACT_STATES,
    PROPOSAL_HANDLING_STATES,
    PROPOSAL_TRANSITIONS,
    REQUEST_EXTENSION_STATES,
    AssignmentRole,
    CoSignerStatus,
    LookBackDecision,
    ProposalStatus,
    ReplyStatus,
    RequestDecision,
    SupervisionStatus,
)
from proposals.choices import AssignmentAction as AA
from proposals.choices import ProposalAction as PA
from proposals.services.key import NOMINABLE_STATES


@dataclass(frozen=True)
class Step:
    """One step: shown when ``applies(record)`` and the user may take ``action`` on
    ``policy_record(record)``; taken by ``run(record, user, cleaned_data)``."""

    name: str
    label: str
    action: str
    applies: Callable[[Any], bool]
    run: Callable[[Any, Any, dict], Any]
    form: type[forms.Form] = step_forms.EmptyForm
    form_kwargs: Callable[[Any], dict] = field(default=lambda record: {})
    policy_record: Callable[[Any], Any] = field(default=lambda record: record)
    # The assign step also takes a table of units.
    with_units: bool = False

    def permitted(self, record, user) -> bool:
        """Whether the user's role may take this step on this record, whatever its state."""
        return policies.may(user, self.action, self.policy_record(record))

    def available(self, record, user) -> bool:
        return self.applies(record) and self.permitted(record, user)

    def bind(self, record, data=None, files=None) -> tuple[forms.Form, Any]:
        """The step's form (and, for assigning, the table of units) bound to ``data``."""
        form = self.form(data, files, **self.form_kwargs(record))
        units = step_forms.AssignRowFormSet(data, prefix="units") if self.with_units else None
        return form, units

    def cleaned(self, form, units=None) -> dict | None:
        """The service's input from a bound form (and table of units), or None when the
        input is bad (the errors are on the form)."""
        if not form.is_valid() or (units is not None and not units.is_valid()):
            return None
        cleaned = dict(form.cleaned_data)
        if units is not None:
            cleaned["units"] = [row for row in units.cleaned_data if row]
        return cleaned

    def take(self, record, user, form, units=None) -> bool:
        """Take the step with a bound form's input. On bad input, or when the service
        refuses (a state or a rule), answer False with the reasons on the form; the
        service's transaction has then written nothing."""
        cleaned = self.cleaned(form, units)
        if cleaned is None:
            return False
        try:
            self.run(record, user, cleaned)
        except WorkflowError as error:
            form.add_error(None, error.message)
            return False
        except ValidationError as error:
            _show_on_form(form, record, error)
            return False
        return True


def _show_on_form(form, record, error: ValidationError) -> None:
    """A service's errors on the form: on the form's own field where it has one, else at
    the top, named by the record's field (e.g. "说明：提交前必须填写。")."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errors in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
            continue
        try:
            label = str(record._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # NON_FIELD_ERRORS, or a name of another record
            label = ""
        for message in errors:
            form.add_error(None, f"{label}：{message}" if label else message)


def _proposal_in(action: str) -> Callable:
    return lambda proposal: proposal.status in PROPOSAL_TRANSITIONS[action][0]


def _assignment_in(action: str, roles=None) -> Callable:
    def applies(assignment) -> bool:
        in_state = assignment.status in ASSIGNMENT_TRANSITIONS[action][0]
        handling = assignment.proposal.status in PROPOSAL_HANDLING_STATES
        return in_state and handling and (roles is None or assignment.role in roles)

    return applies


def _assign(proposal, user, data):
    units = [
        services.UnitAssignment(row["unit"], AssignmentRole(row["role"]), row.get("due_on"))
        for row in data["units"]
        if row.get("unit")
    ]
    return services.proposal_assign(
        proposal=proposal,
        by=user,
        units=units,
        assigned_on=data.get("assigned_on"),
        note=data.get("note", ""),
    )


PROPOSAL_STEPS = [
    Step(
        "submit",
        _("Submit"),
        PA.SUBMIT,
        _proposal_in(PA.SUBMIT),
        lambda p, u, d: services.proposal_submit(proposal=p, by=u),
    ),
    Step(
        "complete-cosigning",
        _("Close co-signing"),
        PA.COMPLETE_COSIGNING,
        _proposal_in(PA.COMPLETE_COSIGNING),
        lambda p, u, d: services.proposal_complete_cosigning(proposal=p, by=u),
    ),
    Step(
        "accept",
        _("Accept (立案)"),
        PA.ACCEPT,
        _proposal_in(PA.ACCEPT),
        lambda p, u, d: services.proposal_accept(
            proposal=p, by=u, category=d["category"], note=d["note"]
        ),
        form=step_forms.AcceptForm,
    ),
    Step(
        "reject",
        _("Do not accept (不予立案)"),
        PA.REJECT,
        _proposal_in(PA.REJECT),
        lambda p, u, d: services.proposal_reject(
            proposal=p, by=u, reason=d["reason"], note=d["note"]
        ),
        form=step_forms.RejectForm,
    ),
    Step(
        "merge",
        _("Merge (并案)"),
        PA.MERGE,
        _proposal_in(PA.MERGE),
        lambda p, u, d: services.proposal_merge(proposal=p, by=u, host=d["host"], note=d["note"]),
        form=step_forms.MergeForm,
        form_kwargs=lambda proposal: {"proposal": proposal},
    ),
    Step(
        "convert",
        _("Convert"),
        PA.CONVERT,
        _proposal_in(PA.CONVERT),
        lambda p, u, d: services.proposal_convert(
            proposal=p, by=u, conversion=d["conversion"], note=d["note"]
        ),
        form=step_forms.ConvertForm,
    ),
    Step(
        "return-for-revision",
        _("Return for revision (退回修改)"),
        PA.RETURN_FOR_REVISION,
        _proposal_in(PA.RETURN_FOR_REVISION),
        lambda p, u, d: services.proposal_return_for_revision(proposal=p, by=u, note=d["note"]),
        form=step_forms.ReturnForRevisionForm,
    ),
    Step(
        "withdraw",
        _("Withdraw (撤案)"),
        PA.WITHDRAW,
        _proposal_in(PA.WITHDRAW),
        lambda p, u, d: services.proposal_withdraw(proposal=p, by=u, note=d["note"]),
        form=step_forms.NoteForm,
    ),
    Step(
        "assign",
        _("Assign (交办)"),
        PA.ASSIGN,
        _proposal_in(PA.ASSIGN),
        _assign,
        form=step_forms.AssignForm,
        with_units=True,
    ),
    Step(
        "add-unit",
        _("Add a handling unit"),
        policies.ADD_UNIT,
        lambda p: p.status in ADD_UNIT_STATES,
        lambda p, u, d: services.proposal_add_unit(
            proposal=p,
            by=u,
            unit=d["unit"],
            role=AssignmentRole(d["role"]),
            due_on=d["due_on"],
            note=d["note"],
        ),
        form=step_forms.AddUnitForm,
    ),
    Step(
        "feedback",
        _("Record feedback"),
        PA.FEEDBACK,
        _proposal_in(PA.FEEDBACK),
        lambda p, u, d: services.proposal_give_feedback(
            proposal=p, by=u, attitude=d["attitude"], result=d["result"], comment=d["comment"]
        ),
        form=step_forms.FeedbackForm,
    ),
]

ASSIGNMENT_STEPS = [
    Step(
        "acknowledge",
        _("Acknowledge (签收)"),
        AA.ACKNOWLEDGE,
        _assignment_in(AA.ACKNOWLEDGE),
        lambda a, u, d: services.assignment_acknowledge(assignment=a, by=u),
    ),
    Step(
        "request-return",
        _("Ask to return (退办)"),
        AA.REQUEST_RETURN,
        _assignment_in(AA.REQUEST_RETURN),
        lambda a, u, d: services.assignment_request_return(
            assignment=a, by=u, reason=d["reason"], suggested_unit=d["suggested_unit"]
        ),
        form=step_forms.RequestReturnForm,
    ),
    Step(
        "request-extension",
        _("Ask for more time"),
        policies.REQUEST_EXTENSION,
        lambda a: (
            a.status in REQUEST_EXTENSION_STATES and a.proposal.status in PROPOSAL_HANDLING_STATES
        ),
        lambda a, u, d: services.assignment_request_extension(
            assignment=a, by=u, days=d["days"], reason=d["reason"]
        ),
        form=step_forms.RequestExtensionForm,
    ),
    Step(
        "log-contact",
        _("Record contact with the proposer"),
        policies.LOG_CONTACT,
        lambda a: a.status in LOG_CONTACT_STATES and a.proposal.status in PROPOSAL_HANDLING_STATES,
        lambda a, u, d: services.assignment_log_contact(assignment=a, by=u, **d),
        form=step_forms.ContactForm,
    ),
    Step(
        "submit-opinion",
        _("Send joint opinion (会办意见)"),
        AA.SUBMIT_OPINION,
        _assignment_in(AA.SUBMIT_OPINION, roles={AssignmentRole.JOINT}),
        lambda a, u, d: services.assignment_submit_opinion(assignment=a, by=u, text=d["text"]),
        form=step_forms.OpinionForm,
    ),
    Step(
        "submit-reply",
        _("Submit reply (答复)"),
        AA.SUBMIT_REPLY,
        _assignment_in(AA.SUBMIT_REPLY, roles=ANSWERING_ROLES),
        lambda a, u, d: services.assignment_submit_reply(assignment=a, by=u, **d),
        form=step_forms.ReplyForm,
    ),
]


def _decide_return(request, user, data):
    return services.return_request_decide(
        request=request,
        by=user,
        approve=data["approve"],
        note=data["note"],
        replacement=data["replacement"] if data["approve"] else None,
    )


def _decide_extension(request, user, data):
    return services.extension_request_decide(
        request=request, by=user, approve=data["approve"], note=data["note"]
    )


RETURN_REQUEST_STEPS = [
    Step(
        "decide",
        _("Decide"),
        AA.APPROVE_RETURN,
        lambda r: r.decision == RequestDecision.PENDING,
        _decide_return,
        form=step_forms.ReturnDecisionForm,
        policy_record=lambda r: r.assignment,
    )
]

EXTENSION_REQUEST_STEPS = [
    Step(
        "decide",
        _("Decide"),
        policies.DECIDE_EXTENSION,
        lambda r: r.decision == RequestDecision.PENDING,
        _decide_extension,
        form=step_forms.DecisionForm,
        policy_record=lambda r: r.assignment,
    )
]

REPLY_STEPS = [
    Step(
        "approve",
        _("Approve reply"),
        AA.APPROVE_REPLY,
        lambda r: r.status == ReplyStatus.SUBMITTED,
        lambda r, u, d: services.reply_approve(reply=r, by=u, note=d["note"]),
        form=step_forms.NoteForm,
        policy_record=lambda r: r.assignment,
    ),
    Step(
        "send-back",
        _("Send reply back"),
        AA.SEND_BACK_REPLY,
        lambda r: r.status == ReplyStatus.SUBMITTED,
        lambda r, u, d: services.reply_send_back(reply=r, by=u, reason=d["reason"]),
        form=step_forms.SendBackForm,
        policy_record=lambda r: r.assignment,
    ),
]

COSIGNER_STEPS = [
    Step(
        "respond",
        _("Answer the invitation"),
        policies.RESPOND_COSIGN,
        lambda c: (
            c.status == CoSignerStatus.INVITED
            and c.proposal.status == ProposalStatus.AWAITING_COSIGNERS
        ),
        lambda c, u, d: services.cosigner_respond(cosigner=c, by=u, confirm=d["confirm"]),
        form=step_forms.CoSignForm,
    )
]


# --- key proposals, supervision, look-back, publication -------------------------------------


def _nominate(proposal, user, data):
    return services.key_nominate(proposal=proposal, by=user, **data)


PROPOSAL_STEPS += [
    Step(
        "nominate-key",
        _("Nominate as key proposal"),
        policies.NOMINATE_KEY,
        lambda p: (
            p.status in NOMINABLE_STATES
            and not p.is_key
            and not p.key_nominations.filter(decision=RequestDecision.PENDING).exists()
        ),
        _nominate,
        form=step_forms.NominateForm,
    ),
    Step(
        "plan-supervision",
        _("Plan supervision (督办)"),
        policies.PLAN_SUPERVISION,
        lambda p: p.is_key and not hasattr(p, "supervision"),
        lambda p, u, d: services.supervision_plan(proposal=p, by=u, **d),
        form=step_forms.SupervisionPlanForm,
    ),
    Step(
        "publish",
        _("Publication"),
        policies.PUBLISH,
        lambda p: p.status in ACCEPTED_STATES,
        lambda p, u, d: services.proposal_set_published(proposal=p, by=u, **d),
        form=step_forms.PublishForm,
    ),
]

KEY_NOMINATION_STEPS = [
    Step(
        "decide",
        _("Record the chair meeting's decision"),
        policies.DECIDE_KEY,
        lambda n: n.decision == RequestDecision.PENDING,
        lambda n, u, d: services.key_decide(nomination=n, by=u, **d),
        form=step_forms.KeyDecisionForm,
        policy_record=lambda n: n.proposal,
    )
]

SUPERVISION_STEPS = [
    Step(
        "record-event",
        _("Record a supervision activity"),
        policies.RECORD_SUPERVISION,
        lambda s: s.status != SupervisionStatus.REPORTED,
        lambda s, u, d: services.supervision_record_event(supervision=s, by=u, **d),
        form=step_forms.SupervisionEventForm,
    ),
    Step(
        "report",
        _("File the supervision report"),
        policies.REPORT_SUPERVISION,
        lambda s: s.status == SupervisionStatus.IN_PROGRESS,
        lambda s, u, d: services.supervision_report(supervision=s, by=u, **d),
        form=step_forms.SupervisionReportForm,
    ),
]

LOOK_BACK_ITEM_STEPS = [
    Step(
        "findings",
        _("Record the findings"),
        policies.LOOK_BACK,
        lambda i: i.decision == LookBackDecision.PENDING,
        lambda i, u, d: services.lookback_record_findings(item=i, by=u, **d),
        form=step_forms.FindingsForm,
    ),
    Step(
        "decide",
        _("Decide"),
        policies.LOOK_BACK,
        lambda i: i.decision == LookBackDecision.PENDING and bool(i.outcome),
        lambda i, u, d: services.lookback_decide(item=i, by=u, **d),
        form=step_forms.LookBackDecisionForm,
    ),
]

REPLY_STEPS += [
    Step(
        "publish",
        _("Publication"),
        policies.PUBLISH,
        lambda r: r.status == ReplyStatus.APPROVED,
        lambda r, u, d: services.reply_set_published(reply=r, by=u, **d),
        form=step_forms.PublishForm,
        policy_record=lambda r: r.assignment.proposal,
    )
]
