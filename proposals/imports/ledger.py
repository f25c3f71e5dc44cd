"""The proposal ledger (提案台账): one row per proposal, as offices keep it in Excel.

A row is read into a ``LedgerRow``; a proposal in the system is described by the same
``LedgerRow`` (``describe``), which is also what the export writes. Importing a row:

- no proposal of that session and case number (or, without a number, that title): the
  proposal is created and its history replayed through the services, on the row's dates:
  submitted, accepted or not, made a key proposal, assigned, replied with its class and
  judged by its proposer;
- a proposal that is there and agrees with the row: unchanged;
- one the row has got further with (a reply the system has not yet recorded, say): the
  missing steps are replayed, an update.

The import never rewrites history. A row that disagrees with what the system recorded,
or that asks for a step the proposal cannot take, is an error naming the difference.
Steps are taken as the system (``by=None``); each is then marked with the import that
replayed it, so the timeline says which file and which clerk it came from.
"""

import datetime
import itertools
from dataclasses import fields

from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core import sheets
from hcppcc.core.imports import (
    CellReader,
    Importer,
    RowError,
    RowOutcome,
    choice_parser,
    named_parser,
)
from proposals import services
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    NominatedBy,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    Satisfaction,
)
from proposals.imports.ledger_rows import (
    ACCEPTED,
    COLUMNS,
    FIXED,
    LEDGER_STATES,
    NOT_ACCEPTED,
    NOT_IN_LEDGER,
    REVIEW_WORDS,
    Directory,
    LedgerRow,
    case_number,
    cell,
    describe,
    for_ledger,
    session_key,
)
from proposals.models import (
    Proposal,
    Reply,
    Transition,
)


class LedgerImporter(Importer):
    columns = COLUMNS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.directory = Directory()
        self._satisfaction = choice_parser(Satisfaction, _("satisfaction"))

    # --- reading ------------------------------------------------------------------------

    def _session(self, raw) -> str:
        written = sheets.text(raw)
        session = self.directory.sessions.get(session_key(written))
        if session is None and written:
            raise sheets.unknown_name(_("session"), written, self.directory.sessions)
        return str(session) if session else ""

    def _proposer(self, raw) -> str:
        written = sheets.text(raw)
        if not written:
            return ""
        if written in self.directory.collectives:
            return self.directory.collectives[written][1].name
        return self.directory.member_label(self.directory.member(written))

    def _cosigners(self, raw) -> tuple[str, ...]:
        return tuple(
            self.directory.member_label(self.directory.member(name))
            for name in sheets.split_names(raw)
        )

    def _named(self, index, what):
        parse = named_parser(index, what)
        return lambda raw: record.name if (record := parse(raw)) else ""

    def _units(self, raw) -> tuple[str, ...]:
        return tuple(self.directory.unit(name).name for name in sheets.split_names(raw))

    def _review(self, raw) -> str:
        written = sheets.text(raw)
        if written not in REVIEW_WORDS:
            raise sheets.CellError(
                _(
                    "「%(value)s」: write 立案, 不予立案 or 待审查. Merged, converted and "
                    "withdrawn proposals are recorded in the system itself."
                )
                % {"value": written}
            )
        return REVIEW_WORDS[written]

    def _class(self, raw) -> str:
        written = sheets.text(raw).upper()
        if not written:
            return ""
        if written not in self.directory.classes:
            raise sheets.unknown_name(
                _("result class"),
                written,
                sorted({c.code for c in self.directory.classes.values()}),
            )
        return self.directory.classes[written].code

    def read(self, cells) -> LedgerRow:
        reader = CellReader(self.columns, cells)
        unit = self._named(self.directory.units, _("handling unit"))
        row = LedgerRow(
            session=reader.get("session", self._session, required=True),
            case_number=reader.get("case_number", case_number),
            title=reader.get("title", required=True),
            proposer=reader.get("proposer", self._proposer, required=True),
            cosigners=reader.get("cosigners", self._cosigners) or (),
            category=reader.get("category", self._named(self.directory.categories, _("category"))),
            submitted_on=reader.get("submitted_on", sheets.parse_date, required=True),
            review=reader.get("review", self._review),
            rejection_reason=reader.get(
                "rejection_reason", self._named(self.directory.reasons, _("reason"))
            ),
            reviewed_on=reader.get("reviewed_on", sheets.parse_date),
            lead_unit=reader.get("lead_unit", unit),
            joint_units=reader.get("joint_units", self._units) or (),
            separate_units=reader.get("separate_units", self._units) or (),
            assigned_on=reader.get("assigned_on", sheets.parse_date),
            reply_date=reader.get("reply_date", sheets.parse_date),
            result_class=reader.get("result_class", self._class),
            satisfaction=reader.get("satisfaction", self._satisfaction),
            is_key=reader.get("is_key", sheets.parse_yes_no),
        )
        reader.done()
        self._check(row, reader)
        reader.done()
        return row

    def _check(self, row: LedgerRow, reader: CellReader) -> None:
        """What the row's cells must say together: a consistent history."""
        accepted = row.review == ACCEPTED
        if len(row.title) > Proposal._meta.get_field("title").max_length:
            reader.error("title", _("At most 200 characters."))
        if accepted and not row.case_number:
            reader.error("case_number", _("An accepted proposal needs its case number."))
        if row.case_number and not accepted:
            reader.error("review", _("A proposal with a case number was accepted (立案)."))
        if accepted and not row.category:
            reader.error("category", _("An accepted proposal needs its category."))
        if row.review == NOT_ACCEPTED and not row.rejection_reason:
            reader.error("rejection_reason", _("Say why the proposal was not accepted."))
        units = row.lead_unit or row.separate_units
        if (units or row.joint_units) and not accepted:
            reader.error("lead_unit", _("Only an accepted proposal is assigned to units."))
        if row.lead_unit and row.separate_units:
            reader.error(
                "separate_units", _("A proposal has one lead unit or separate units, not both.")
            )
        if row.joint_units and not row.lead_unit:
            reader.error("joint_units", _("Joint units (会办) need a lead unit (主办)."))
        if units and not row.assigned_on:
            reader.error("assigned_on", _("Say when the proposal was assigned."))
        if row.assigned_on and not units:
            reader.error("lead_unit", _("Name the unit the proposal was assigned to."))
        if row.reply_date and not units:
            reader.error("reply_date", _("A reply needs a unit that gave it."))
        if bool(row.reply_date) != bool(row.result_class):
            reader.error("result_class", _("A reply needs both its date and its class."))
        if row.satisfaction and not row.reply_date:
            reader.error(
                "satisfaction", _("Feedback is given on a reply; the reply date is missing.")
            )
        if row.is_key and not accepted:
            reader.error("is_key", _("Only an accepted proposal can be a key proposal."))

    def _check_dates(self, row: LedgerRow) -> None:
        """The dates a new proposal's history is written with follow one another and are
        past. (A proposal already in the system keeps the dates it was worked on, in
        whatever order the office recorded them; its row is compared, not replayed.)"""
        headers = {column.key: column.header for column in COLUMNS}
        dates = [
            ("submitted_on", row.submitted_on),
            ("reviewed_on", row.reviewed_on),
            ("assigned_on", row.assigned_on),
            ("reply_date", row.reply_date),
        ]
        known = [(key, day) for key, day in dates if day]
        errors = [
            f"{headers[after]}："
            + _("%(late)s is before %(column)s (%(early)s).")
            % {"late": late, "column": headers[before], "early": early}
            for (before, early), (after, late) in itertools.pairwise(known)
            if late < early
        ]
        if known and known[-1][1] > timezone.localdate():
            errors.append(f"{headers[known[-1][0]]}：" + _("A date in the future."))
        if errors:
            raise RowError(*errors)

    def key(self, record: LedgerRow) -> tuple:
        if record.case_number:
            return (record.session, record.case_number)
        return (record.session, record.title, record.proposer)

    def label(self, record: LedgerRow) -> str:
        number = f"第{record.case_number:04d}号 " if record.case_number else ""
        return f"{record.session} {number}{record.title}"

    # --- writing ------------------------------------------------------------------------

    def find(self, row: LedgerRow) -> Proposal | None:
        """The proposal a row is about: by session and case number; else (not numbered,
        or numbered since an earlier ledger listed it as pending) by session, title and
        proposer among those without a number."""
        session = self.directory.sessions[session_key(row.session)]
        in_session = Proposal.objects.filter(session=session)
        if row.case_number:
            numbered = in_session.filter(case_number=row.case_number)
            if numbered.exists():
                return for_ledger(numbered).get()
        pending = in_session.filter(
            title=row.title, case_number=None, status__in=LEDGER_STATES
        ).order_by("pk")
        for proposal in for_ledger(pending):
            if describe(proposal, self.directory).proposer == row.proposer:
                return proposal
        return None

    def save(self, record: LedgerRow) -> str:
        proposal = self.find(record)
        mark = Transition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if proposal is None:
            self._check_dates(record)
            proposal = self._create(record)
        else:
            self._compare(record, proposal, FIXED)
        self._advance(proposal, record)
        proposal = for_ledger(Proposal.objects.filter(pk=proposal.pk)).get()
        self._compare(record, proposal, (f.name for f in fields(LedgerRow)))
        # Every step this row took is the import's.
        steps = Transition.objects.filter(proposal=proposal, pk__gt=mark, by=None)
        taken = steps.update(import_run=self.run) if self.run else steps.count()
        if not taken:
            return RowOutcome.UNCHANGED
        return (
            RowOutcome.NEW
            if proposal.transitions.filter(pk__lte=mark).count() == 0
            else RowOutcome.UPDATE
        )

    def _compare(self, row: LedgerRow, proposal: Proposal, names) -> None:
        """Refuse a row that disagrees with the proposal. An empty cell agrees with anything:
        the ledger may simply not record that (yet)."""
        recorded = describe(proposal, self.directory)
        differences = []
        for name in names:
            wanted, there = getattr(row, name), getattr(recorded, name)
            if wanted in ("", None, (), False) or wanted == there:
                continue
            header = next(c.header for c in COLUMNS if c.key == name)
            differences.append(
                _("%(column)s: the system has 「%(there)s」, the file 「%(wanted)s」")
                % {"column": header, "there": cell(there) or "—", "wanted": cell(wanted)}
            )
        if differences:
            raise RowError(
                _(
                    "Differs from the proposal in the system (%(status)s): %(differences)s. "
                    "An import does not rewrite what has been recorded; correct it in the system."
                )
                % {"status": proposal.get_status_display(), "differences": "；".join(differences)}
            )

    @staticmethod
    def _at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    def _create(self, row: LedgerRow) -> Proposal:
        directory = self.directory
        proposal = Proposal(
            session=directory.sessions[session_key(row.session)],
            title=row.title,
            situation=NOT_IN_LEDGER,
            suggestions=NOT_IN_LEDGER,
            explanation=NOT_IN_LEDGER,
        )
        if row.proposer in directory.collectives:
            field, collective = directory.collectives[row.proposer]
            proposal.proposer_kind = ProposerKind.COLLECTIVE
            setattr(proposal, field, collective)
        else:
            proposal.lead_member = directory.member(row.proposer)
            if row.cosigners:
                proposal.proposer_kind = ProposerKind.JOINT
        if row.category:
            proposal.category = directory.categories[row.category]
        cosigners = [directory.member(name) for name in row.cosigners]
        at = self._at(row.submitted_on)
        proposal = services.proposal_create(proposal=proposal, by=None, cosigners=cosigners, at=at)
        services.proposal_submit(proposal=proposal, by=None, at=at)
        for cosigner in proposal.cosigners.all():
            services.cosigner_respond(cosigner=cosigner, confirm=True, by=None, at=at)
        return proposal

    def _advance(self, proposal: Proposal, row: LedgerRow) -> None:
        """Take the steps the row records and the proposal has not yet taken, in order."""
        reviewed = row.reviewed_on or row.submitted_on
        proposal.refresh_from_db()
        if proposal.status == ProposalStatus.SUBMITTED and row.review == ACCEPTED:
            proposal = services.proposal_accept(
                proposal=proposal,
                by=None,
                category=self.directory.categories[row.category],
                case_number=row.case_number,
                at=self._at(reviewed),
            )
        elif proposal.status == ProposalStatus.SUBMITTED and row.review == NOT_ACCEPTED:
            proposal = services.proposal_reject(
                proposal=proposal,
                by=None,
                reason=self.directory.reasons[row.rejection_reason],
                at=self._at(reviewed),
            )
        if row.is_key and not proposal.is_key and proposal.status == ProposalStatus.ACCEPTED:
            nomination = services.key_nominate(
                proposal=proposal,
                by=None,
                nominated_by=NominatedBy.OFFICE,
                nominated_on=reviewed,
                at=self._at(reviewed),
            )
            services.key_decide(
                nomination=nomination,
                by=None,
                approve=True,
                decided_on=reviewed,
                at=self._at(reviewed),
            )
            proposal.refresh_from_db()
        if proposal.status == ProposalStatus.ACCEPTED and row.assigned_on:
            proposal = self._assign(proposal, row)
        if proposal.status in (ProposalStatus.ASSIGNED, ProposalStatus.HANDLING) and row.reply_date:
            proposal = self._reply(proposal, row)
        if proposal.status == ProposalStatus.REPLIED and row.satisfaction:
            services.proposal_give_feedback(
                proposal=proposal,
                by=None,
                attitude=row.satisfaction,
                result=row.satisfaction,
                at=self._at(row.reply_date),
            )

    def _assign(self, proposal: Proposal, row: LedgerRow) -> Proposal:
        specs = [
            services.UnitAssignment(self.directory.units[name], AssignmentRole.LEAD)
            for name in filter(None, [row.lead_unit])
        ]
        specs += [
            services.UnitAssignment(self.directory.units[name], AssignmentRole.JOINT)
            for name in row.joint_units
        ]
        specs += [
            services.UnitAssignment(self.directory.units[name], AssignmentRole.SEPARATE)
            for name in row.separate_units
        ]
        return services.proposal_assign(
            proposal=proposal,
            by=None,
            units=specs,
            assigned_on=row.assigned_on,
            at=self._at(row.assigned_on),
        )

    def _reply(self, proposal: Proposal, row: LedgerRow) -> Proposal:
        """Every unit acknowledges on the day of assignment; joint units send their opinion
        and the answering units their reply on the reply date, which the office approves."""
        if Reply.objects.filter(
            assignment__proposal=proposal, status=ReplyStatus.APPROVED
        ).exists():
            return proposal  # replied in an earlier round; the row says nothing newer
        result_class = self.directory.classes[row.result_class]
        assigned_at, replied_at = self._at(row.assigned_on), self._at(row.reply_date)
        assignments = list(
            proposal.assignments.exclude(status=AssignmentStatus.RETURNED).select_related("unit")
        )
        for assignment in assignments:
            if assignment.status == AssignmentStatus.ASSIGNED:
                services.assignment_acknowledge(assignment=assignment, by=None, at=assigned_at)
        for assignment in assignments:
            if assignment.role == AssignmentRole.JOINT:
                services.assignment_submit_opinion(
                    assignment=assignment, by=None, text=NOT_IN_LEDGER, at=replied_at
                )
        for assignment in assignments:
            if assignment.role == AssignmentRole.JOINT:
                continue
            reply = services.assignment_submit_reply(
                assignment=assignment,
                by=None,
                result_class=result_class,
                text=NOT_IN_LEDGER,
                signer=assignment.unit.name,
                reply_date=row.reply_date,
                at=replied_at,
            )
            services.reply_approve(reply=reply, by=None, at=replied_at)
        proposal.refresh_from_db()
        return proposal
