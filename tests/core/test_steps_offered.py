"""A step is offered exactly when its service would take it.

For every record of every kind in a world holding each of their states, every step of its
workflow and every role: the button the pages, the admin and the API would show
(``Step.available``) must agree with what the service does when the step is tried with
good input (inside a savepoint, then undone). Where a step has choices (approve or refuse,
publish or withdraw), it is offered when some choice is taken.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities import workflow as activity_workflow
from activities.choices import ActivityStatus, ReportStatus, UpwardLevel
from activities.models import Activity, OpinionReport
from hcppcc.api_urls import router
from hcppcc.core.workflow.errors import WorkflowError
from pages.records import STEP_RECORDS
from proposals import workflow
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CoSignerStatus,
    LookBackDecision,
    ProposalStatus,
    ReplyStatus,
    RequestDecision,
    SupervisionStatus,
)
from proposals.models import (
    Assignment,
    CoSigner,
    ExtensionRequest,
    KeyNomination,
    LookBackItem,
    Proposal,
    Reply,
    ReturnRequest,
    Supervision,
)
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _inputs(step, record, world) -> list[dict]:
    """Good input for ``step`` on ``record``, as its form would clean it; one entry per
    choice the step offers."""
    walk, unit_c, leader = world.walk, world.unit_c, world.leader
    today = _today()
    note = {"note": ""}
    by_name = {
        "submit": [{}],
        "complete-cosigning": [{}],
        "acknowledge": [{}],
        "accept": [{"category": walk.ref["category"], **note}],
        "reject": [{"reason": walk.ref["reason"], **note}],
        "merge": [
            {
                "host": Proposal.objects.filter(status=ProposalStatus.ACCEPTED)
                .exclude(pk=record.pk)
                .first(),
                "host_case_number": 0,
                **note,
            }
        ],
        "convert": [{"conversion": "suggestion", **note}],
        "return-for-revision": [{"note": "请补充调研情况。"}],
        "withdraw": [note],
        "assign": [
            {
                "units": [{"unit": unit_c, "role": AssignmentRole.LEAD, "due_on": None}],
                "assigned_on": None,
                **note,
            }
        ],
        "add-unit": [
            {"unit": world.spare_unit, "role": role, "due_on": None, **note}
            for role in (AssignmentRole.JOINT, AssignmentRole.SEPARATE, AssignmentRole.LEAD)
        ],
        "feedback": [{"attitude": "satisfied", "result": "satisfied", "comment": ""}],
        "nominate-key": [
            {
                "nominated_by": "office",
                "organization": None,
                "committee": None,
                "nominated_on": today,
                "reason": "",
            }
        ],
        "plan-supervision": [{"leaders": [leader.member], "committee": None, "plan": ""}],
        "publish": [{"published": True}, {"published": False}],
        "request-return": [{"reason": "非本单位职责", "suggested_unit": None}],
        "request-extension": [{"days": 10, "reason": "需实地调研"}],
        "log-contact": [{"date": today, "way": "phone", "people": "委员本人", "note": ""}],
        "submit-opinion": [{"text": "同意主办单位意见。"}],
        "submit-reply": [
            {
                "result_class": walk.ref["A"],
                "text": "已采纳。",
                "signer": "张三",
                "reply_date": today,
                "file": None,
            }
        ],
        "approve": [note],
        "send-back": [{"reason": "请补充。"}],
        "respond": [{"confirm": True}, {"confirm": False}],
        "record-event": [
            {"date": today, "method": "inspection", "participants": "", "place": "", "notes": ""}
        ],
        "report": [{"report": "督办完成。", "reported_on": None}],
        "findings": [
            {
                "commitments": "年内完成。",
                "visited_on": None,
                "evidence": "",
                "attachment": None,
                "outcome": "fulfilled",
                "satisfaction": "",
            }
        ],
        "mark-done": [{"report_title": "", "report_text": ""}],
        "adopt": [{"bulletin": None}],
        "decline": [{}],
        "send-upward": [
            {"level": level, "reported_on": today, "adopted": False} for level in UpwardLevel
        ],
    }
    if step is workflow.DECIDE_RETURN:
        return [{"approve": approve, "replacement": None, **note} for approve in (True, False)]
    if step is workflow.DECIDE_EXTENSION:
        return [{"approve": approve, **note} for approve in (True, False)]
    if step is workflow.DECIDE_KEY:
        return [{"approve": a, "decided_on": today, **note} for a in (True, False)]
    if step is workflow.DECIDE_LOOK_BACK:
        other = walk.ref["B"]
        return [
            {"decision": decision, "result_class": result_class, "due_on": None, **note}
            for decision, result_class in (
                (LookBackDecision.RECLASSIFIED, other),
                (LookBackDecision.REOPENED, None),
                (LookBackDecision.CLOSED, None),
            )
        ]
    return by_name[step.name]


class _Undo(Exception):
    pass


def _taken(records, step, record, user, inputs) -> bool:
    """Whether the service takes ``step`` with one of ``inputs``; nothing stays written."""
    for cleaned in inputs:
        fresh = records.records(user).model.objects.get(pk=record.pk)
        try:
            with transaction.atomic():
                records.workflow.run(step, fresh, user, cleaned)
                raise _Undo
        except _Undo:
            return True
        except (WorkflowError, ValidationError):
            continue
    return False


@dataclass(frozen=True)
class Kind:
    """A kind of record the pages take steps on, the states its records must cover."""

    name: str
    model: type
    state: str
    states: tuple


KINDS = (
    Kind("proposal", Proposal, "status", tuple(ProposalStatus)),
    Kind("assignment", Assignment, "status", tuple(AssignmentStatus)),
    Kind("reply", Reply, "status", tuple(ReplyStatus)),
    Kind("returnrequest", ReturnRequest, "decision", tuple(RequestDecision)),
    Kind("extensionrequest", ExtensionRequest, "decision", tuple(RequestDecision)),
    Kind("keynomination", KeyNomination, "decision", tuple(RequestDecision)),
    Kind("supervision", Supervision, "status", tuple(SupervisionStatus)),
    Kind("lookbackitem", LookBackItem, "decision", tuple(LookBackDecision)),
    Kind("activity", Activity, "status", tuple(ActivityStatus)),
    Kind("opinionreport", OpinionReport, "status", tuple(ReportStatus)),
)


@pytest.fixture
def personas(request):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_step_is_offered_exactly_when_its_service_takes_it(kind, world, personas):
    records = STEP_RECORDS[kind.name]
    everything = list(kind.model.objects.order_by("pk"))
    reached = {getattr(record, kind.state) for record in everything}
    # Look-back items are decided reclassified in another test's world; the rest must all
    # be here, so that every (state, step, role) is asked.
    unreached = set(kind.states) - reached - {LookBackDecision.RECLASSIFIED}
    assert not unreached, f"the world has no {kind.name} in {unreached}"
    disagreements, asked, offered = [], 0, 0
    for record in everything:
        for name, user in personas.items():
            visible = records.records(user).filter(pk=record.pk).first()
            for step in records.workflow.steps:
                asked += 1
                shown = visible is not None and step.available(visible, user)
                taken = visible is not None and _taken(
                    records, step, visible, user, _inputs(step, visible, world)
                )
                offered += shown
                if shown != taken:
                    disagreements.append(
                        (
                            f"{kind.name} #{record.pk} {getattr(record, kind.state)}",
                            step.name,
                            name,
                            "offered" if shown else "not offered",
                            "taken" if taken else "refused",
                        )
                    )
    assert disagreements == []
    assert offered, "no step was offered at all: the world is not what this test needs"
    assert asked


def test_co_signer_answers_agree_too(world, personas):
    """Invitations are answered on the member's own pages (not yet a kind the step view
    serves): the same agreement, asked of the declaration directly."""
    invitations = CoSigner.objects.order_by("pk")
    assert {c.status for c in invitations} >= {CoSignerStatus.INVITED, CoSignerStatus.DECLINED}
    step = workflow.RESPOND_COSIGN
    disagreements = []
    for cosigner in invitations:
        for name, user in personas.items():
            shown = step.available(cosigner, user)
            taken = False
            for confirm in (True, False):
                try:
                    with transaction.atomic():
                        workflow.COSIGNER.run(step, cosigner, user, {"confirm": confirm})
                        raise _Undo
                except _Undo:
                    taken = True
                    break
                except (WorkflowError, ValidationError):
                    continue
            if shown != taken:
                disagreements.append((cosigner.pk, cosigner.status, name, shown, taken))
    assert disagreements == []
    member = personas["member_user"]
    assert any(step.available(c, member) for c in invitations), "the member's own invitation"


def test_admin_pages_and_api_read_the_same_declarations():
    """One workflow object per kind: the admin's buttons, the pages' and the API's
    operations are read from it, not from copies."""
    by_model = {
        viewset.scope.model: viewset.workflow
        for _prefix, viewset, _basename in router.registry
        if hasattr(viewset, "workflow")
    }
    for kind in KINDS:
        declared = STEP_RECORDS[kind.name].workflow
        assert admin.site._registry[kind.model].workflow is declared, kind.name
        assert by_model[kind.model] is declared, kind.name
    assert activity_workflow.ACTIVITY is STEP_RECORDS["activity"].workflow


def test_a_step_offered_late_is_refused_by_its_service_with_the_same_reason(world):
    """The return window: the late assignment offers no 退办, and its service says why."""
    late = Assignment.objects.filter(assigned_on__lt=_today() - datetime.timedelta(days=30)).get()
    office = world.walk.office
    reason = workflow.REQUEST_RETURN.refusal(late)
    assert reason is not None
    assert not workflow.REQUEST_RETURN.available(late, office)
    with pytest.raises(WorkflowError) as refused:
        workflow.ASSIGNMENT.run(
            workflow.REQUEST_RETURN, late, office, {"reason": "x", "suggested_unit": None}
        )
    assert refused.value.message == reason
