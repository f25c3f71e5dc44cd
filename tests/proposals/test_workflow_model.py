"""Random walks through the proposal workflow, checked against the lifecycle's invariants.

A hypothesis state machine has random personas take random workflow steps, through the
services, on the proposals of two sessions. After every step it checks that:

- proposals and assignments move only along the allowed-transitions tables;
- the ``Transition`` log replays every status: one row per change of a proposal or an
  assignment, naming the change and who took the step, and no row claiming a change that
  did not happen (rows that keep the status are only the draft "edit" event and "extend");
- case and registration numbers are unique and gap-free per session, and held exactly by
  the proposals that were accepted (submitted);
- assignments exist only on assigned proposals and each has a unit; units act only while
  their proposal is being handled; replies exist only on acknowledged answering
  assignments and agree with their assignment's status;
- only the office and the record's owner (its proposer, its unit) take a step;
- a refused step changes nothing at all.

Each example runs inside a savepoint that its teardown rolls back.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from hcppcc.core.workflow.errors import NotAllowed, WorkflowError
from hcppcc.directory.choices import Role
from hcppcc.directory.services import user_set_roles
from proposals import services
from proposals.choices import (
    ACCEPTED_STATES,
    ADD_UNIT_STATES,
    ANSWERING_ROLES,
    ASSIGNMENT_TRANSITIONS,
    PROPOSAL_HANDLING_STATES,
    PROPOSAL_TRANSITIONS,
    REQUEST_EXTENSION_STATES,
    AssignmentRole,
    AssignmentStatus,
    Conversion,
    CoSignerStatus,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    RequestDecision,
    Satisfaction,
)
from proposals.choices import AssignmentAction as AA
from proposals.choices import ProposalAction as PA
from proposals.models import (
    Assignment,
    CoSigner,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    Proposal,
    Reply,
    ReturnRequest,
    Transition,
)
from tests.factories import MemberFactory, SessionFactory, UserFactory
from tests.proposals.conftest import Walk, draft_proposal

pytestmark = pytest.mark.django_db
S = ProposalStatus
AS = AssignmentStatus

REFUSALS = (WorkflowError, PermissionDenied, ValidationError)

# Who may try a step. RIGHTFUL stands for whoever would normally take it (the office, the
# proposer, the assignment's unit): half the steps go to them, so that runs get somewhere,
# the other half to anyone, so that permission refusals are exercised too.
OFFICE, PROPOSER, OTHER_MEMBER = "office", "proposer", "other_member"
PERSONAS = (
    OFFICE,
    "unit_a",
    "unit_b",
    PROPOSER,
    OTHER_MEMBER,
    "leader",
    "auditor",
    "committee_staff",
)
RIGHTFUL = "rightful"
ACTORS = st.one_of(st.just(RIGHTFUL), st.sampled_from(PERSONAS))
MAX_LIVE_PROPOSALS = 3
FINAL_STATES = {S.NOT_ACCEPTED, S.MERGED, S.CONVERTED, S.WITHDRAWN, S.CLOSED}


class Pick(NamedTuple):
    """Which record a step acts on: the ``index``-th (modulo their number) of those it
    applies to or, ``anywhere``, of all (the step must then mostly be refused)."""

    index: int
    anywhere: bool


INDEX = st.integers(min_value=0, max_value=7)
# About one step in four goes to any record, to exercise the tables' refusals.
PICK = st.builds(Pick, index=INDEX, anywhere=st.sampled_from((False, False, False, True)))
UNITS = st.sampled_from("abc")

L, J, SEP = AssignmentRole.LEAD, AssignmentRole.JOINT, AssignmentRole.SEPARATE
# Ways to assign a proposal; the last two break the role rules and must be refused.
PLANS = (
    (("a", L), ("b", J)),
    (("a", SEP), ("b", SEP)),
    (("c", L),),
    (("b", L), ("a", J), ("c", J)),
    (("b", J),),
    (("a", L), ("a", J)),
)

ASSIGNED_STATES = {S.ASSIGNED, S.HANDLING, S.REPLIED, S.CLOSED}
NOT_YET_ACKNOWLEDGED = {AS.ASSIGNED, AS.RETURN_REQUESTED, AS.RETURNED}

# Rows that log an event without moving the status: a draft's edit (log_event) and an
# approved extension, which the assignment table lets lead to the same state.
SAME_STATE_ACTIONS = {"proposal": {"edit"}, "assignment": {AA.EXTEND}}
# The rows a record's log may start with (from_status empty): a new draft, a unit added
# alone. Assignments made together by proposal_assign are named by the proposal's ASSIGN
# row instead and have no row of their own until they move.
CREATION_ACTIONS = {"proposal": PA.CREATE, "assignment": "add_unit"}

WORKFLOW_MODELS = (
    Proposal,
    CoSigner,
    Assignment,
    ReturnRequest,
    ExtensionRequest,
    JointOpinion,
    Reply,
    Feedback,
    Transition,
)
# Their field-level audit history (simple_history); a refused step must not add to it.
HISTORY_TABLES = [m.history.model._meta.db_table for m in (Proposal, Assignment, Reply, Feedback)]


def snapshot() -> dict:
    """Every row of the workflow tables, by model name, and the size of their audit history:
    what a refused step must leave exactly as it was.

    Read with plain SQL: it is read after every step, and through the ORM it cost half the
    run. Values are as the database driver returns them (compared, never interpreted,
    except ids, statuses and numbers).
    """
    quote = connection.ops.quote_name
    rows: dict = {}
    with connection.cursor() as cursor:
        for model in WORKFLOW_MODELS:
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY id")
            columns = [column[0] for column in cursor.description]
            rows[model.__name__] = [dict(zip(columns, row, strict=True)) for row in cursor]
        for table in HISTORY_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            rows[table] = cursor.fetchone()[0]
    return rows


def statuses(rows: dict) -> dict[tuple[str, int], str]:
    """("proposal" | "assignment", pk) -> status, from a snapshot."""
    found = {("proposal", row["id"]): row["status"] for row in rows["Proposal"]}
    found |= {("assignment", row["id"]): row["status"] for row in rows["Assignment"]}
    return found


def logged_record(row: dict) -> tuple[str, int]:
    """The record a transition row is about: its assignment if it names one."""
    if row["assignment_id"]:
        return ("assignment", row["assignment_id"])
    return ("proposal", row["proposal_id"])


@dataclass
class World:
    """What every example shares: personas, units, sessions, reference data, a walker.

    Made once per test, outside the examples' savepoints."""

    users: dict
    units: dict
    sessions: list
    reference: dict
    walk: Walk

    def persona_of(self, user_id: int | None) -> str:
        return next((name for name, user in self.users.items() if user.pk == user_id), OFFICE)


# --- which records a step applies to ----------------------------------------------------------
# Predicates on (machine, row of the snapshot).


def status_in(states):
    """Rows whose status is one of ``states``."""
    return lambda machine, row: row["status"] in states


def pending(machine, row) -> bool:
    """A unit's request the office has not decided yet."""
    return row["decision"] == RequestDecision.PENDING


def awaiting_answer(machine, row) -> bool:
    """A co-signer yet to answer, on a proposal waiting for its co-signers."""
    waiting = machine.proposal_status(row["proposal_id"]) == S.AWAITING_COSIGNERS
    return row["status"] == CoSignerStatus.INVITED and waiting


def unit_may(states, roles=frozenset(AssignmentRole)):
    """Assignments in ``states`` and ``roles`` whose proposal is being handled."""

    def applies(machine, row) -> bool:
        handling = machine.proposal_status(row["proposal_id"]) in PROPOSAL_HANDLING_STATES
        return row["status"] in states and row["role"] in roles and handling

    return applies


def room_for_one_more(machine, row) -> bool:
    """A handful of proposals in play: steps work on them rather than on ever more drafts.
    (Some step always applies: a new draft, or the next step of a proposal in play.)"""
    live = [row for row in machine.rows["Proposal"] if row["status"] not in FINAL_STATES]
    return len(live) < MAX_LIVE_PROPOSALS


def anything(machine, row) -> bool:
    return True


def sources(table: dict, action: str) -> frozenset:
    """The states ``action`` may start from, by its table."""
    return table[action][0]


P, A = PROPOSAL_TRANSITIONS, ASSIGNMENT_TRANSITIONS


@dataclass(frozen=True)
class Step:
    """A workflow step the machine may take: on a row of ``model`` for which
    ``applies(machine, row)`` (with no model, whenever ``applies(machine, None)``), with
    arguments drawn from ``strategies``."""

    model: type | None
    applies: Callable
    strategies: dict


STEPS: dict[str, Step] = {}


def step(model, applies, **strategies):
    """Declare the method as a ``Step``, taken as ``method(actor, record, **arguments)``."""

    def register(method):
        STEPS[method.__name__] = Step(model, applies, strategies)
        return method

    return register


class WorkflowMachine(RuleBasedStateMachine):
    """Random steps by random personas; the invariants below hold after each.

    Each example starts from one proposal walked to a random state, then takes steps
    (``take_a_step``) among those that apply to some record, mostly on such a record, so
    that runs get far into the lifecycle.
    """

    def __init__(self, world: World):
        super().__init__()
        self.world = world
        self.savepoint = transaction.savepoint()
        # Every workflow row as the last step left it (read right after it).
        self.rows = snapshot()

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    # --- the machinery ---------------------------------------------------------------------

    def proposal_status(self, pk: int) -> str:
        return next(row["status"] for row in self.rows["Proposal"] if row["id"] == pk)

    def candidates(self, model, applies) -> list[int]:
        return [row["id"] for row in self.rows[model.__name__] if applies(self, row)]

    def ready(self, spec: Step) -> bool:
        if spec.model is None:
            return spec.applies(self, None)
        return bool(self.candidates(spec.model, spec.applies))

    def pick(self, model, index: int, applies):
        pks = self.candidates(model, applies)
        return model.objects.get(pk=pks[index % len(pks)])

    def unit_persona(self, assignment: Assignment) -> str:
        """The persona of the assignment's unit (unit C has none: the office acts for it)."""
        users = self.world.users.items()
        return next((n for n, u in users if u.handling_unit_id == assignment.unit_id), OFFICE)

    def attempt(self, step: str, actor: str, owner: str, call) -> None:
        """Take ``step`` as ``actor`` (as ``owner`` if RIGHTFUL) and check what it did.

        ``call(user)`` runs the service. A refusal must leave every row as it was, and
        only the office and the record's owner may take (and are never refused) a step.
        """
        name = owner if actor == RIGHTFUL else actor
        user = self.world.users[name]
        before = self.rows
        refusal = None
        try:
            call(user)
        except REFUSALS as error:
            refusal = error
        if refusal is not None:
            assert snapshot() == before, f"the refused step {step} changed rows: {refusal}"
            if isinstance(refusal, NotAllowed):
                assert name not in {OFFICE, owner}, f"{name} was refused {step}: {refusal}"
            return
        assert name in {OFFICE, owner}, f"{name} took {step}, which is not theirs to take"
        self.rows = snapshot()
        self.check_step(before, self.rows, user)

    def check_step(self, before: dict, after: dict, user) -> None:
        """One log row per status change of the step, by its user; units move only while
        their proposal is being handled; new assignments only on assigned proposals."""
        old, new = statuses(before), statuses(after)
        last = max((row["id"] for row in before["Transition"]), default=0)
        moved: dict = {}
        for row in after["Transition"]:
            if row["id"] <= last:
                continue
            record = logged_record(row)
            assert row["by_id"] == user.pk, f"{row['action']} logged as taken by someone else"
            if row["from_status"] == row["to_status"]:
                assert record in old, f"event {row['action']} logged for a new record"
                continue
            assert record not in moved, f"{record} logged twice in one step"
            moved[record] = row
        changed = {record for record, status in new.items() if old.get(record) != status}
        assert set(moved) <= changed, "a row logs a change that did not happen"
        assigned_now = {row["proposal_id"] for row in moved.values() if row["action"] == PA.ASSIGN}
        proposal_of = {row["id"]: row["proposal_id"] for row in after["Assignment"]}
        for record in changed:
            kind, pk = record
            if record not in moved:
                assert kind == "assignment", f"{record} moved unlogged"
                assert record not in old, f"{record} moved unlogged"
                assert proposal_of[pk] in assigned_now, f"new {record} logged by no ASSIGN row"
                continue
            row = moved[record]
            assert (row["from_status"], row["to_status"]) == (old.get(record, ""), new[record])
            if kind == "assignment" and row["action"] != AA.REOPEN:
                was = old.get(("proposal", row["proposal_id"]))
                assert was in PROPOSAL_HANDLING_STATES or row["proposal_id"] in assigned_now, (
                    f"{row['action']} moved {record} while its proposal was {was}"
                )

    # --- seeding -----------------------------------------------------------------------------

    @initialize(status=st.sampled_from(ProposalStatus))
    def walk_a_proposal(self, status):
        """Start from a proposal the office walked to ``status``, so that short runs reach
        the late steps (replies, feedback) too."""
        self.world.walk.to(status)
        self.rows = snapshot()

    @rule(data=st.data())
    def take_a_step(self, data):
        """One of the steps that apply now, by a random persona, with random input.

        One rule choosing among the steps rather than a rule per step, to choose their
        order: hypothesis draws the first items of a list (the first valid rules) more
        often, so the later steps of the lifecycle come first, and runs get far into it
        rather than keep drafting. The list is the same at every step, so that a shrunk
        run still takes the steps it names.
        """
        steps = st.sampled_from(list(reversed(STEPS))).filter(lambda n: self.ready(STEPS[n]))
        name = data.draw(steps, label="step")
        spec = STEPS[name]
        actor = data.draw(ACTORS, label="actor")
        arguments = {key: data.draw(value, label=key) for key, value in spec.strategies.items()}
        if spec.model is None:
            getattr(self, name)(actor, **arguments)
            return
        pick = data.draw(PICK, label="record")
        record = self.pick(spec.model, pick.index, anything if pick.anywhere else spec.applies)
        getattr(self, name)(actor, record, **arguments)

    # --- drafting and review: the proposer's and the office's steps ----------------------------

    @step(None, room_for_one_more, session=st.sampled_from((0, 1)), joint=st.booleans())
    def create(self, actor, session, joint):
        lead = self.world.users[PROPOSER].member
        kind = ProposerKind.JOINT if joint else ProposerKind.INDIVIDUAL
        cosigners = [self.world.users[OTHER_MEMBER].member] if joint else []

        def call(by):
            draft = draft_proposal(self.world.sessions[session], lead, kind=kind)
            return services.proposal_create(proposal=draft, by=by, cosigners=cosigners)

        self.attempt("create", actor, PROPOSER, call)

    @step(Proposal, status_in({S.DRAFT}))
    def edit(self, actor, proposal):
        changes = {"title": f"{proposal.title}（修改）"[:200]}
        self.attempt(
            "edit",
            actor,
            PROPOSER,
            lambda by: services.proposal_update(proposal=proposal, by=by, changes=changes),
        )

    @step(Proposal, status_in(sources(P, PA.SUBMIT)))
    def submit(self, actor, proposal):
        self.attempt(
            "submit", actor, PROPOSER, lambda by: services.proposal_submit(proposal=proposal, by=by)
        )

    @step(CoSigner, awaiting_answer, confirm=st.booleans())
    def respond_as_cosigner(self, actor, cosigner, confirm):
        self.attempt(
            "respond_cosign",
            actor,
            self.world.persona_of(cosigner.member.user_id),
            lambda by: services.cosigner_respond(cosigner=cosigner, confirm=confirm, by=by),
        )

    @step(Proposal, status_in(sources(P, PA.COMPLETE_COSIGNING)))
    def complete_cosigning(self, actor, proposal):
        later = timezone.now() + datetime.timedelta(days=30)  # past every co-signing deadline
        self.attempt(
            "complete_cosigning",
            actor,
            PROPOSER,
            lambda by: services.proposal_complete_cosigning(proposal=proposal, by=by, at=later),
        )

    @step(Proposal, status_in(sources(P, PA.ACCEPT)), categorised=st.booleans())
    def accept(self, actor, proposal, categorised):
        # A draft has no category: accepting it without one must be refused.
        category = self.world.reference["category"] if categorised else None
        self.attempt(
            "accept",
            actor,
            OFFICE,
            lambda by: services.proposal_accept(proposal=proposal, by=by, category=category),
        )

    @step(Proposal, status_in(sources(P, PA.REJECT)))
    def reject(self, actor, proposal):
        reason = self.world.reference["reason"]
        self.attempt(
            "reject",
            actor,
            OFFICE,
            lambda by: services.proposal_reject(proposal=proposal, by=by, reason=reason),
        )

    @step(Proposal, status_in(sources(P, PA.CONVERT)))
    def convert(self, actor, proposal):
        self.attempt(
            "convert",
            actor,
            OFFICE,
            lambda by: services.proposal_convert(
                proposal=proposal, by=by, conversion=Conversion.SUGGESTION
            ),
        )

    @step(Proposal, status_in(sources(P, PA.MERGE)), host=INDEX)
    def merge(self, actor, proposal, host):
        # Any proposal may be named host; only an accepted, open one of the same session
        # may take the merge.
        host = self.pick(Proposal, host, anything)
        self.attempt(
            "merge",
            actor,
            OFFICE,
            lambda by: services.proposal_merge(proposal=proposal, by=by, host=host),
        )

    @step(
        Proposal,
        status_in(sources(P, PA.RETURN_FOR_REVISION)),
        note=st.sampled_from(("请补充调研数据", " ")),
    )
    def return_for_revision(self, actor, proposal, note):
        self.attempt(
            "return_for_revision",
            actor,
            OFFICE,
            lambda by: services.proposal_return_for_revision(proposal=proposal, by=by, note=note),
        )

    @step(Proposal, status_in(sources(P, PA.WITHDRAW)))
    def withdraw(self, actor, proposal):
        self.attempt(
            "withdraw",
            actor,
            PROPOSER,
            lambda by: services.proposal_withdraw(proposal=proposal, by=by),
        )

    @step(
        Proposal,
        status_in(sources(P, PA.FEEDBACK)),
        attitude=st.sampled_from(Satisfaction),
        result=st.sampled_from(Satisfaction),
    )
    def give_feedback(self, actor, proposal, attitude, result):
        self.attempt(
            "feedback",
            actor,
            PROPOSER,
            lambda by: services.proposal_give_feedback(
                proposal=proposal, by=by, attitude=attitude, result=result
            ),
        )

    # --- assignment and handling: the office's and the units' steps ----------------------------

    @step(Proposal, status_in(sources(P, PA.ASSIGN)), plan=st.sampled_from(PLANS))
    def assign(self, actor, proposal, plan):
        units = [services.UnitAssignment(self.world.units[unit], role) for unit, role in plan]
        self.attempt(
            "assign",
            actor,
            OFFICE,
            lambda by: services.proposal_assign(proposal=proposal, by=by, units=units),
        )

    @step(Proposal, status_in(ADD_UNIT_STATES), unit=UNITS, role=st.sampled_from(AssignmentRole))
    def add_unit(self, actor, proposal, unit, role):
        self.attempt(
            "add_unit",
            actor,
            OFFICE,
            lambda by: services.proposal_add_unit(
                proposal=proposal, by=by, unit=self.world.units[unit], role=role
            ),
        )

    @step(Assignment, unit_may(sources(A, AA.ACKNOWLEDGE)))
    def acknowledge(self, actor, assignment):
        self.attempt(
            "acknowledge",
            actor,
            self.unit_persona(assignment),
            lambda by: services.assignment_acknowledge(assignment=assignment, by=by),
        )

    @step(
        Assignment,
        unit_may(sources(A, AA.REQUEST_RETURN)),
        suggested=st.one_of(st.none(), UNITS),
    )
    def request_return(self, actor, assignment, suggested):
        unit = self.world.units[suggested] if suggested else None
        self.attempt(
            "request_return",
            actor,
            self.unit_persona(assignment),
            lambda by: services.assignment_request_return(
                assignment=assignment, by=by, reason="不属本单位职责", suggested_unit=unit
            ),
        )

    @step(
        ReturnRequest,
        pending,
        approve=st.booleans(),
        replacement=st.one_of(st.none(), UNITS),
    )
    def decide_return(self, actor, request, approve, replacement):
        unit = self.world.units[replacement] if replacement else None
        self.attempt(
            "decide_return",
            actor,
            OFFICE,
            lambda by: services.return_request_decide(
                request=request, by=by, approve=approve, replacement=unit
            ),
        )

    @step(Assignment, unit_may(REQUEST_EXTENSION_STATES))
    def request_extension(self, actor, assignment):
        self.attempt(
            "request_extension",
            actor,
            self.unit_persona(assignment),
            lambda by: services.assignment_request_extension(
                assignment=assignment, by=by, days=30, reason="需要实地调研"
            ),
        )

    @step(ExtensionRequest, pending, approve=st.booleans())
    def decide_extension(self, actor, request, approve):
        self.attempt(
            "decide_extension",
            actor,
            OFFICE,
            lambda by: services.extension_request_decide(request=request, by=by, approve=approve),
        )

    @step(Assignment, unit_may(sources(A, AA.SUBMIT_OPINION), {AssignmentRole.JOINT}))
    def submit_opinion(self, actor, assignment):
        self.attempt(
            "submit_opinion",
            actor,
            self.unit_persona(assignment),
            lambda by: services.assignment_submit_opinion(
                assignment=assignment, by=by, text="同意主办单位意见。"
            ),
        )

    @step(
        Assignment,
        unit_may(sources(A, AA.SUBMIT_REPLY), ANSWERING_ROLES),
        result_class=st.sampled_from("ABC"),
    )
    def submit_reply(self, actor, assignment, result_class):
        self.attempt(
            "submit_reply",
            actor,
            self.unit_persona(assignment),
            lambda by: services.assignment_submit_reply(
                assignment=assignment,
                by=by,
                result_class=self.world.reference[result_class],
                text="经研究，已将相关建议纳入工作计划。",
                signer="张三",
                reply_date=timezone.localdate(),
            ),
        )

    @step(Reply, status_in({ReplyStatus.SUBMITTED}))
    def approve_reply(self, actor, reply):
        self.attempt(
            "approve_reply", actor, OFFICE, lambda by: services.reply_approve(reply=reply, by=by)
        )

    @step(Reply, status_in({ReplyStatus.SUBMITTED}), reason=st.sampled_from(("请补充具体措施", "")))
    def send_back_reply(self, actor, reply, reason):
        self.attempt(
            "send_back_reply",
            actor,
            OFFICE,
            lambda by: services.reply_send_back(reply=reply, by=by, reason=reason),
        )

    # --- invariants (over the rows as the last step left them) -------------------------------

    @invariant()
    def the_log_replays_every_status_along_the_tables(self):
        """Each record's rows, in order, chain from its start to its current status, and
        each row that moves a status is a move its table allows."""
        logs = defaultdict(list)
        for row in self.rows["Transition"]:
            logs[logged_record(row)].append(row)
        records = statuses(self.rows)
        assert set(logs) <= set(records), "a transition row for no record"
        tables = {"proposal": PROPOSAL_TRANSITIONS, "assignment": ASSIGNMENT_TRANSITIONS}
        for record, status in records.items():
            kind = record[0]
            # A proposal's log starts with its creation; an assignment starts assigned.
            current = "" if kind == "proposal" else AS.ASSIGNED
            for index, row in enumerate(logs[record]):
                action, source, target = row["action"], row["from_status"], row["to_status"]
                if source == "":
                    assert index == 0, f"{record}: created twice"
                    assert action == CREATION_ACTIONS[kind], f"{record}: {row}"
                    source = current
                elif source != target or action not in SAME_STATE_ACTIONS[kind]:
                    assert action in tables[kind], f"{record}: {action} is no {kind} step"
                    allowed_sources, allowed_targets = tables[kind][action]
                    assert source in allowed_sources, f"{record}: {row}"
                    assert target in allowed_targets, f"{record}: {row}"
                assert source == current, f"{record}: logged {source}, was {current}"
                current = target
            assert current == status, f"{record} is {status}, its log ends at {current!r}"

    @invariant()
    def numbers_are_unique_and_gap_free_per_session(self):
        """Case numbers are held by exactly the proposals ever accepted, registration
        numbers by those ever submitted; each runs 1, 2, 3 … per session."""
        proposal_rows = [row for row in self.rows["Transition"] if not row["assignment_id"]]
        accepted = {row["proposal_id"] for row in proposal_rows if row["action"] == PA.ACCEPT}
        submitted = {row["proposal_id"] for row in proposal_rows if row["to_status"] == S.SUBMITTED}
        numbers = defaultdict(list)
        for proposal in self.rows["Proposal"]:
            pk, case, registration = (
                proposal["id"],
                proposal["case_number"],
                proposal["registration_number"],
            )
            assert (case is not None) == (pk in accepted), f"proposal {pk}: case number {case}"
            assert (registration is not None) == (pk in submitted), f"proposal {pk}"
            if proposal["status"] in ACCEPTED_STATES:
                assert case is not None, f"accepted proposal {pk} has no case number"
            numbers["case", proposal["session_id"]].append(case)
            numbers["registration", proposal["session_id"]].append(registration)
        for key, found in numbers.items():
            taken = sorted(n for n in found if n is not None)
            assert taken == list(range(1, len(taken) + 1)), f"{key}: {taken}"

    @invariant()
    def assignments_have_units_and_belong_to_assigned_proposals(self):
        """Assigned proposals, and only they, have assignments, each with a unit, in a
        valid set of roles; an assigned proposal has no acknowledged one yet; a replied or
        closed one has an approved reply from every unit that answers."""
        by_proposal = defaultdict(list)
        for assignment in self.rows["Assignment"]:
            assert assignment["unit_id"] is not None, "an assignment without a unit"
            by_proposal[assignment["proposal_id"]].append(assignment)
        for proposal in self.rows["Proposal"]:
            status, mine = proposal["status"], by_proposal[proposal["id"]]
            assert bool(mine) == (status in ASSIGNED_STATES), f"{status} with {len(mine)} units"
            active = [a for a in mine if a["status"] != AS.RETURNED]
            roles = [a["role"] for a in active]
            assert len({a["unit_id"] for a in active}) == len(active), "a unit holds it twice"
            assert roles.count(L) <= 1, roles
            assert not (L in roles and SEP in roles), roles
            if status == S.ASSIGNED:
                # Nothing acknowledged yet, or the proposal would be handling.
                assert {a["status"] for a in mine} <= NOT_YET_ACKNOWLEDGED, mine
            if status in (S.REPLIED, S.CLOSED):
                answering = [a["status"] for a in active if a["role"] in ANSWERING_ROLES]
                assert answering, f"{status}, but no unit answers"
                assert set(answering) == {AS.REPLIED}, answering

    @invariant()
    def replies_belong_to_acknowledged_answering_assignments(self):
        """Replies come from acknowledged lead or separate units; one waits for review
        exactly while its assignment says so; a replied assignment has an approved reply of
        its current round."""
        by_assignment = defaultdict(list)
        for reply in self.rows["Reply"]:
            by_assignment[reply["assignment_id"]].append(reply)
        assignments = {row["id"] for row in self.rows["Assignment"]}
        assert set(by_assignment) <= assignments, "a reply without an assignment"
        for assignment in self.rows["Assignment"]:
            replies, status = by_assignment[assignment["id"]], assignment["status"]
            if replies:
                assert assignment["role"] in ANSWERING_ROLES, "a reply from a joint unit"
                assert assignment["acknowledged_at"] is not None, "a reply before acknowledging"
            waiting = [r for r in replies if r["status"] == ReplyStatus.SUBMITTED]
            assert len(waiting) == (status == AS.REPLY_SUBMITTED), f"{status}: {waiting}"
            if status == AS.REPLIED:
                assert any(
                    r["status"] == ReplyStatus.APPROVED and r["round"] == assignment["round"]
                    for r in replies
                ), "replied without an approved reply of its round"


@pytest.fixture
def world(
    walk,
    session,
    reference,
    office,
    committee_staff,
    leader,
    unit_a_user,
    unit_b_user,
    member_user,
    auditor,
    unit_a,
    unit_b,
    unit_c,
):
    other_member = user_set_roles(
        user=UserFactory(username="member2"),
        roles=[Role.MEMBER],
        member=MemberFactory(name="委员乙"),
    )
    later_session = SessionFactory(term=13, number=4, year=2021, label="十三届四次会议")
    return World(
        users={
            OFFICE: office,
            "unit_a": unit_a_user,
            "unit_b": unit_b_user,
            PROPOSER: member_user,
            OTHER_MEMBER: other_member,
            "leader": leader,
            "auditor": auditor,
            "committee_staff": committee_staff,
        },
        units={"a": unit_a, "b": unit_b, "c": unit_c},
        sessions=[session, later_session],
        reference=reference,
        walk=walk,
    )


def test_random_workflows_keep_the_lifecycle_invariants(world):
    run_state_machine_as_test(
        lambda: WorkflowMachine(world),
        settings=settings(
            max_examples=100,
            stateful_step_count=30,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            # No explain phase: it replays a failing run hundreds of times to annotate it,
            # which here costs minutes; the shrunk run is what one reads.
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        ),
    )
