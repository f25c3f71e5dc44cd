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
from collections import Counter
from dataclasses import dataclass, fields

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc import sheets
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)
from hcppcc.directory.numerals import chinese_numeral
from proposals import services
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CoSignerStatus,
    NominatedBy,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    RowOutcome,
    Satisfaction,
)
from proposals.imports.base import CellReader, Importer, RowError
from proposals.imports.directory import choice_label, choice_parser, named_parser, names_index
from proposals.models import (
    Assignment,
    Category,
    CoSigner,
    Feedback,
    Proposal,
    RejectionReason,
    Reply,
    ResultClass,
    Transition,
)

# A member without a sector, where another member has the same name: 张伟（无界别）.
NO_SECTOR = "无界别"
# What the ledger does not carry; the proposal's full text stays with the paper file.
NOT_IN_LEDGER = "（台账导入，原文未录入）"

ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"
PENDING = "pending"
REVIEW_LABELS = {ACCEPTED: "立案", NOT_ACCEPTED: "不予立案", PENDING: "待审查"}
REVIEW_WORDS = {
    "立案": ACCEPTED,
    "已立案": ACCEPTED,
    "予以立案": ACCEPTED,
    "不予立案": NOT_ACCEPTED,
    "不立案": NOT_ACCEPTED,
    "未立案": NOT_ACCEPTED,
    "待审查": PENDING,
    "审查中": PENDING,
    "": PENDING,
}
# States a ledger row can describe. Drafts are the proposer's own; merged, converted and
# withdrawn proposals are recorded in the system, one by one.
LEDGER_STATES = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.ACCEPTED,
    ProposalStatus.NOT_ACCEPTED,
    ProposalStatus.ASSIGNED,
    ProposalStatus.HANDLING,
    ProposalStatus.REPLIED,
    ProposalStatus.CLOSED,
)


@dataclass(frozen=True)
class LedgerRow:
    """A proposal as one ledger row says it. Names, not records: a row read from a file
    and a proposal described from the database compare field by field."""

    session: str
    case_number: int | None
    title: str
    proposer: str
    cosigners: tuple[str, ...]
    category: str
    submitted_on: datetime.date | None
    review: str
    rejection_reason: str
    reviewed_on: datetime.date | None
    lead_unit: str
    joint_units: tuple[str, ...]
    separate_units: tuple[str, ...]
    assigned_on: datetime.date | None
    reply_date: datetime.date | None
    result_class: str
    satisfaction: str
    is_key: bool


# The fields a proposal is identified and described by; an import never changes them.
FIXED = ("title", "proposer", "cosigners", "submitted_on")

COLUMNS = (
    sheets.Column(
        "session",
        "届次",
        ("会议", "届次会议", "会次"),
        required=True,
        note="如 十三届三次会议",
        example="十三届三次会议",
    ),
    sheets.Column(
        "case_number",
        "案号",
        ("提案号", "编号", "提案编号"),
        note="立案的提案必填，写数字或 第0001号",
        example="第0001号",
    ),
    sheets.Column(
        "title",
        "案由",
        ("标题", "提案标题", "题目", "提案名称"),
        required=True,
        example="关于加快老旧小区改造的提案",
    ),
    sheets.Column(
        "proposer",
        "提案人",
        ("第一提案人", "领衔人", "提案者", "提出者"),
        required=True,
        note="委员姓名，同名委员写 张三（经济界）；集体提案写党派、专委会或界别全称",
        example="张三",
    ),
    sheets.Column(
        "cosigners",
        "联名人",
        ("联名委员", "附议人", "联名提案人"),
        note="可填多个，用顿号分隔",
        example="李四、王五",
    ),
    sheets.Column(
        "category", "类别", ("提案类别", "分类"), note="立案的提案必填", example="经济建设"
    ),
    sheets.Column(
        "submitted_on",
        "提交时间",
        ("提交日期", "提出时间", "提出日期", "提交"),
        required=True,
        note="日期，如 2020-05-20",
        example="2020-05-20",
    ),
    sheets.Column(
        "review",
        "立案情况",
        ("审查情况", "立案", "是否立案", "审查结果"),
        note="立案、不予立案 或 待审查（空白即待审查）",
        example="立案",
    ),
    sheets.Column(
        "rejection_reason",
        "不予立案理由",
        ("不立案理由", "不予立案原因"),
        note="不予立案的提案必填",
        example="",
    ),
    sheets.Column("reviewed_on", "立案日期", ("审查日期",), note="空白时取提交时间", example=""),
    sheets.Column(
        "lead_unit",
        "主办单位",
        ("主办", "承办单位"),
        note="承办单位全称或简称",
        example="呼和浩特市住房和城乡建设局",
    ),
    sheets.Column(
        "joint_units",
        "会办单位",
        ("会办", "协办单位"),
        note="可填多个，用顿号分隔",
        example="呼和浩特市财政局",
    ),
    sheets.Column(
        "separate_units",
        "分办单位",
        ("分办",),
        note="分别办理时填写，可填多个；不与主办单位同填",
        example="",
    ),
    sheets.Column(
        "assigned_on", "交办日期", ("交办时间",), note="有承办单位时必填", example="2020-06-10"
    ),
    sheets.Column("reply_date", "答复日期", ("答复时间", "办复日期"), example="2020-08-30"),
    sheets.Column(
        "result_class",
        "答复类别",
        ("办理结果", "答复分类", "结果类别"),
        note="A、B、C（有答复日期时必填）",
        example="A",
    ),
    sheets.Column(
        "satisfaction",
        "满意度",
        ("委员满意度", "反馈意见", "委员反馈", "满意情况"),
        note="满意、基本满意 或 不满意",
        example="满意",
    ),
    sheets.Column(
        "is_key", "是否重点提案", ("重点提案", "是否重点"), note="是 或 否", example="否"
    ),
)


def case_number(raw) -> int | None:
    """第0001号, 0001, 1 or 1.0 as a number."""
    written = sheets.text(raw).removeprefix("第").removesuffix("号").strip()
    if not written:
        return None
    if not written.isdigit() or int(written) == 0:
        raise sheets.CellError(
            _("「%(value)s」 is not a case number.") % {"value": sheets.text(raw)}
        )
    return int(written)


def session_key(text: str) -> str:
    """十三届三次会议, 政协第十三届委员会第三次会议 and 13届3次 compare as one."""
    key = sheets.normalize_header(text).removeprefix("政协").replace("第", "")
    return key.replace("委员会", "").removesuffix("会议")


class Directory:
    """The names a ledger uses, loaded once per import: sessions, members, collectives,
    units, categories, reasons and result classes."""

    def __init__(self):
        self.sessions = {}
        for session in Session.objects.all():
            for name in (
                str(session),
                f"{session.term}-{session.number}",
                f"{session.term}届{session.number}次",
                f"{chinese_numeral(session.term)}届{chinese_numeral(session.number)}次",
            ):
                self.sessions[session_key(name)] = session
        self.members = {}
        names = Counter()
        for member in Member.objects.select_related("sector"):
            names[member.name] += 1
            self.members[(member.name, member.sector.name if member.sector else "")] = member
        self.ambiguous = {name for name, count in names.items() if count > 1}
        self.by_name = {name: member for (name, _sector), member in self.members.items()}
        # A collective proposer by full name first; a short name only where no full name
        # reads the same (the sector 民盟 is not the party whose short name is 民盟).
        self.collectives = {}
        kinds = ((Organization, "organization"), (Committee, "committee"), (Sector, "sector"))
        indexes = [(field, names_index(model)) for model, field in kinds]
        for field, index in indexes:
            for record in index.values():
                self.collectives.setdefault(record.name, (field, record))
        for field, index in indexes:
            for name, record in index.items():
                self.collectives.setdefault(name, (field, record))
        self.units = names_index(HandlingUnit)
        self.categories = names_index(Category)
        self.reasons = names_index(RejectionReason)
        self.classes = {}
        for result_class in ResultClass.objects.all():
            self.classes[result_class.code.upper()] = result_class
            self.classes[f"{result_class.code.upper()}类"] = result_class
            self.classes[result_class.name] = result_class

    def member_label(self, member: Member) -> str:
        """A member as the ledger names them: the name, with the sector when two share it."""
        if member.name not in self.ambiguous:
            return member.name
        return f"{member.name}（{member.sector.name if member.sector_id else NO_SECTOR}）"

    def member(self, written: str) -> Member:
        name, _bracket, sector = written.replace("(", "（").replace(")", "）").partition("（")
        name, sector = name.strip(), sector.removesuffix("）").strip()
        if sector == NO_SECTOR and (name, "") in self.members:
            return self.members[(name, "")]
        if sector:
            if (name, sector) in self.members:
                return self.members[(name, sector)]
        elif name in self.ambiguous:
            raise sheets.CellError(
                _(
                    "There are several members called 「%(name)s」; "
                    "write the sector too, e.g. %(example)s."
                )
                % {
                    "name": name,
                    "example": "、".join(
                        f"{name}（{s}）" for (n, s), _m in self.members.items() if n == name and s
                    ),
                }
            )
        elif name in self.by_name:
            return self.by_name[name]
        raise sheets.unknown_name(_("member"), written, self.by_name)

    def unit(self, written: str) -> HandlingUnit:
        if written not in self.units:
            full_names = {unit.name for unit in self.units.values()}
            raise sheets.unknown_name(_("handling unit"), written, sorted(full_names))
        return self.units[written]


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


# --- describing a proposal as a ledger row (export, and the comparison above) --------------


def for_ledger(queryset):
    """Proposals with everything their ledger row shows, in five queries however many."""
    return queryset.select_related(
        "session",
        "category",
        "rejection_reason",
        "lead_member__sector",
        "organization",
        "committee",
        "sector",
    ).prefetch_related(
        Prefetch(
            "cosigners",
            queryset=CoSigner.objects.filter(status=CoSignerStatus.CONFIRMED)
            .select_related("member__sector")
            .order_by("pk"),
            to_attr="ledger_cosigners",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status=AssignmentStatus.RETURNED)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "replies",
                    queryset=Reply.objects.filter(status=ReplyStatus.APPROVED).select_related(
                        "result_class"
                    ),
                    to_attr="ledger_replies",
                )
            )
            .order_by("pk"),
            to_attr="ledger_assignments",
        ),
        Prefetch(
            "feedback", queryset=Feedback.objects.order_by("round"), to_attr="ledger_feedback"
        ),
    )


def describe(proposal: Proposal, directory: Directory) -> LedgerRow:
    """The ledger row of a proposal fetched ``for_ledger``."""
    if proposal.proposer_kind == ProposerKind.COLLECTIVE:
        collective = proposal.organization or proposal.committee or proposal.sector
        proposer = collective.name if collective else ""
    else:
        proposer = directory.member_label(proposal.lead_member) if proposal.lead_member else ""
    units = {role: [] for role in AssignmentRole.values}
    replies = []
    assigned_on = None
    for assignment in proposal.ledger_assignments:
        units[assignment.role].append(assignment.unit.name)
        assigned_on = min(filter(None, [assigned_on, assignment.assigned_on]))
        replies += assignment.ledger_replies
    reply = max(replies, key=lambda r: (r.round, r.reply_date, r.pk), default=None)
    # 满意度 is the verdict on the reply shown: none yet when a later round has replied.
    feedback = next((f for f in proposal.ledger_feedback if reply and f.round == reply.round), None)
    status = proposal.status
    if status == ProposalStatus.SUBMITTED:
        review = PENDING
    elif status == ProposalStatus.NOT_ACCEPTED:
        review = NOT_ACCEPTED
    else:
        review = ACCEPTED
    return LedgerRow(
        session=str(proposal.session),
        case_number=proposal.case_number,
        title=proposal.title,
        proposer=proposer,
        cosigners=tuple(directory.member_label(c.member) for c in proposal.ledger_cosigners),
        category=proposal.category.name if proposal.category else "",
        submitted_on=timezone.localdate(proposal.submitted_at) if proposal.submitted_at else None,
        review=review,
        rejection_reason=proposal.rejection_reason.name if proposal.rejection_reason else "",
        reviewed_on=timezone.localdate(proposal.reviewed_at) if proposal.reviewed_at else None,
        lead_unit=(units[AssignmentRole.LEAD] or [""])[0],
        joint_units=tuple(units[AssignmentRole.JOINT]),
        separate_units=tuple(units[AssignmentRole.SEPARATE]),
        assigned_on=assigned_on,
        reply_date=reply.reply_date if reply else None,
        result_class=reply.result_class.code if reply else "",
        satisfaction=feedback.result if feedback else "",
        is_key=proposal.is_key,
    )


def cell(value) -> str | int | datetime.date:
    """A LedgerRow value as the ledger writes it."""
    if isinstance(value, tuple):
        return sheets.join_names(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def ledger_cells(row: LedgerRow) -> list:
    """The row in the column order of ``COLUMNS``, as the export and template write it."""
    values = {
        **{f.name: cell(getattr(row, f.name)) for f in fields(LedgerRow)},
        "case_number": f"第{row.case_number:04d}号" if row.case_number else "",
        "review": REVIEW_LABELS[row.review],
        "satisfaction": choice_label(Satisfaction, row.satisfaction),
    }
    return [values[column.key] for column in COLUMNS]


def export_rows(proposals):
    """Ledger rows of ``proposals`` (a queryset), read a chunk at a time."""
    directory = Directory()
    for proposal in for_ledger(proposals.filter(status__in=LEDGER_STATES)).iterator(chunk_size=500):
        yield ledger_cells(describe(proposal, directory))
