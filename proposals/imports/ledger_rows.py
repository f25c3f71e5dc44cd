"""The proposal ledger's row (提案台账): its columns, the names it uses, and how a proposal
in the system is described as one.

The importer (``ledger.py``) reads a file's rows into ``LedgerRow``s and compares each with
``describe`` of the proposal it names; the export (``exports.py``) writes ``describe`` of
every proposal. One shape, both ways, so that export → import changes nothing.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, fields

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hcppcc.core import sheets
from hcppcc.core.imports import (
    choice_label,
    names_index,
)
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)
from hcppcc.directory.numerals import chinese_numeral
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CoSignerStatus,
    ProposalStatus,
    ProposerKind,
    ReplyStatus,
    Satisfaction,
)
from proposals.models import (
    Assignment,
    Category,
    CoSigner,
    Feedback,
    Proposal,
    RejectionReason,
    Reply,
    ResultClass,
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


# --- describing a proposal as a ledger row (the export, and the importer's comparison) ---


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
