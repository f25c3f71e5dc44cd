"""A synthetic archive of any size, for measuring the app at scale (``generate_scale``).

Decades of sessions (one a year since 1988, terms of five), about a thousand handling
units, a few hundred members per term, and proposals spread over the sessions with the
shape of a real archive: most accepted and assigned to one to three units, answered and
closed with the proposer's feedback; some not accepted, merged or withdrawn; joint ones
with co-signers; one in a hundred a key proposal under supervision; look-back items for a
share of the replies; activities and public-opinion reports in the 2020 summary's
proportions. Titles and texts are drawn from a vocabulary of the committee's topics.

The same ``seed`` gives the same archive. Rows are written in bulk — PostgreSQL's COPY, or
batched inserts on SQLite — with ids chosen here, bypassing the services: this is a
measuring tape for a scratch database, not a way to enter records. No transition log or
audit history is written for the synthetic records (their timelines are empty).
"""

import contextlib
import datetime
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from activities.models import Activity, ActivityKind, OpinionReport
from hcppcc.core import pinyin
from hcppcc.directory.models import HandlingUnit, Member, Session
from hcppcc.directory.numerals import chinese_numeral
from proposals.choices import (
    AssignmentRole,
    AssignmentStatus,
    CoSignerStatus,
    LookBackDecision,
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
    LookBackCampaign,
    LookBackItem,
    Proposal,
    Reply,
    ResultClass,
    Supervision,
)

FIRST_YEAR = 1988
MEMBERS_PER_TERM = 400
UNITS = 1000
# Per proposal, as in the 2020 summary: 667 opinion reports and 36 activities to 495.
REPORTS_PER_PROPOSAL = 667 / 495
ACTIVITIES_PER_PROPOSAL = 36 / 495

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "建国华明丽军红英伟芳娜敏静强磊洋艳勇杰娟涛超秀霞平刚桂兰志海燕玲辉鹏宇飞云峰波宁"
    "琴春梅晨欣慧佳嘉怡思颖文博浩天睿泽子涵雨婷晓东旭阳振兴德福安康庆祥瑞"
)
AREAS = (
    "新城区",
    "回民区",
    "玉泉区",
    "赛罕区",
    "土默特左旗",
    "托克托县",
    "和林格尔县",
    "清水河县",
    "武川县",
    "市",
)
BODIES = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
    "城市管理综合执法局", "交通运输局", "水务局", "农牧局", "商务局", "文化旅游广电局",
    "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "体育局", "统计局", "医疗保障局",
    "林业和草原局", "乡村振兴局", "行政审批和政务服务局", "信访局", "数据资源局",
)  # fmt: skip
VERBS = (
    "加快",
    "进一步加强",
    "推进",
    "完善",
    "优化",
    "规范",
    "支持",
    "提升",
    "建立健全",
    "切实解决",
)
TOPICS = (
    "老旧小区改造", "生活垃圾分类", "基层医疗服务", "义务教育均衡发展", "乡村振兴",
    "黄河流域生态保护", "城市交通治理", "养老服务体系", "民营企业纾困", "营商环境",
    "供热管网改造", "历史文化街区保护", "中小学课后服务", "物业管理", "停车难问题",
    "食品安全监管", "草原生态修复", "农村人居环境整治", "数字政府建设", "城市内涝防治",
    "乳业产业集群", "职业教育", "托育服务", "社区治理", "住房保障",
    "冬季清洁取暖", "公共文化服务", "全民健身设施", "快递物流网络", "新能源汽车充电设施",
)  # fmt: skip
OBJECTS = ("工作", "机制", "体系", "试点", "建设", "管理", "服务", "政策", "规划", "保障")
SENTENCES = (
    "目前{topic}存在统筹不够、投入不足、标准不一等问题。",
    "群众对{topic}反映较为集中，相关部门之间协调机制尚不健全。",
    "近年来我市{topic}取得一定成效，但与群众期待相比仍有差距。",
    "建议由{unit}牵头，制定{topic}三年行动方案，明确责任分工和时间节点。",
    "建议加大财政投入，将{topic}纳入年度重点民生实事。",
    "建议建立{topic}联席会议制度，定期通报进展，接受社会监督。",
    "建议借鉴先进地区经验，在{area}先行开展{topic}试点。",
    "建议完善{topic}考核评价办法，把群众满意度作为重要指标。",
)


@dataclass
class Ids:
    """The next free id of each table, so that rows can point at each other before they
    are written."""

    next: dict = field(default_factory=dict)

    def take(self, model: type[models.Model]) -> int:
        if model not in self.next:
            latest = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self.next[model] = latest + 1
        value = self.next[model]
        self.next[model] += 1
        return value


class Writer:
    """Rows (dicts of field name → value) into one table: COPY on PostgreSQL, batched
    inserts elsewhere. Fields left out get their model default."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        now = timezone.now()
        self.defaults = {}
        for f in model._meta.concrete_fields:
            if f.name in ("created_at", "updated_at"):
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif isinstance(f, models.CharField | models.TextField | models.FileField):
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = None
        self.rows = []
        self.count = 0

    def add(self, **values) -> None:
        self.rows.append(values)
        if len(self.rows) >= 20_000:
            self.flush()

    def _tuples(self, fields) -> Iterator[tuple]:
        for row in self.rows:
            yield tuple(row.get(f.attname, self.defaults[f.attname]) for f in fields)

    def flush(self) -> None:
        if not self.rows:
            return
        fields = list(self.model._meta.concrete_fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in self._tuples(fields):
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(self._tuples(fields))
                )
        self.count += len(self.rows)
        self.rows = []


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in taken:
            taken.add(name)
            return name


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    hours = datetime.timedelta(hours=rng.randrange(8, 18), minutes=rng.randrange(60))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()) + hours)


def _sessions(last_year: int) -> list[Session]:
    """One session a year from FIRST_YEAR to ``last_year``, numbered as the seeds number
    them (2020 is the 13th committee's 3rd session)."""
    sessions = []
    for year in range(FIRST_YEAR, last_year + 1):
        term, number = 13 + (year - 2018) // 5, (year - 2018) % 5 + 1
        session, _ = Session.objects.get_or_create(
            term=term,
            number=number,
            defaults={
                "year": year,
                "label": f"{chinese_numeral(term)}届{chinese_numeral(number)}次会议",
                "opens_on": datetime.date(year, 1, 10),
                "closes_on": datetime.date(year, 1, 14),
            },
        )
        sessions.append(session)
    return sessions


BIG_TABLES = (Proposal, Assignment, Reply, Feedback, CoSigner, LookBackItem, OpinionReport)


@contextlib.contextmanager
def _loaded_then_indexed(tables):
    """On PostgreSQL, load the big tables bare, the way pg_restore does: their secondary
    indexes and foreign keys are dropped for the load and made again afterwards, in the same
    transaction. An index built over a million rows at once, and a foreign key checked with
    one join, cost far less than either kept up a row at a time. Primary keys and unique
    constraints stay (the load relies on them)."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
            [names],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [names],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        # Tables are altered only with no foreign-key check pending: run those now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")  # the GIN index's build
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def generate(proposals: int, *, seed: int = 1, report: Callable[[str], None] = print) -> dict:
    """Write an archive of ``proposals`` proposals with everything that hangs off them;
    answer how many rows of each kind were written and how long it took."""
    started = time.monotonic()
    rng = random.Random(seed)
    ids = Ids()
    today = timezone.localdate()
    with transaction.atomic():
        categories = list(Category.objects.values_list("pk", flat=True))
        classes = dict(ResultClass.objects.values_list("code", "pk"))
        if not categories or not classes:
            raise ValueError("Load the seeds first (manage.py load_seeds).")
        sessions = _sessions(today.year)
        units = _units(rng, ids)
        members = _members(rng, ids, sessions)
        report(f"directory: {len(sessions)} sessions, {len(units)} units, members per term")
        with _loaded_then_indexed(BIG_TABLES):
            counts = _proposals(rng, ids, proposals, sessions, units, members, categories, classes)
            counts.update(_activities_and_reports(rng, ids, proposals, sessions))
            report(f"rows written: {time.monotonic() - started:.0f} s")
        report(f"indexes and foreign keys made: {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            models_written = [
                HandlingUnit, Member, Proposal, Assignment, Reply, Feedback, CoSigner,
                Supervision, LookBackCampaign, LookBackItem, Activity, OpinionReport,
            ]  # fmt: skip
            for statement in connection.ops.sequence_reset_sql(no_style(), models_written):
                cursor.execute(statement)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _units(rng: random.Random, ids: Ids) -> list[int]:
    have = list(HandlingUnit.objects.values_list("pk", flat=True))
    writer = Writer(HandlingUnit)
    names = (f"{area}{body}" for area, body in itertools.product(AREAS, BODIES))
    for number, name in enumerate(names, start=1):
        if len(have) >= UNITS:
            break
        pk = ids.take(HandlingUnit)
        writer.add(
            id=pk,
            name=name,
            short_name=name[-6:],
            kind="government_department",
            sort_order=number,
            initials=pinyin.initials(name, name[-6:]),
        )
        have.append(pk)
    for number in itertools.count(1):
        if len(have) >= UNITS:
            break
        pk = ids.take(HandlingUnit)
        name = f"呼和浩特市第{number}事业单位"
        writer.add(id=pk, name=name, kind="enterprise", initials=pinyin.initials(name))
        have.append(pk)
    writer.flush()
    return have


def _members(rng: random.Random, ids: Ids, sessions: list[Session]) -> dict[int, list[int]]:
    """Members per term: each term keeps a third of the previous one's."""
    taken = set(Member.objects.values_list("name", flat=True))
    writer = Writer(Member)
    per_term: dict[int, list[int]] = {}
    previous: list[int] = []
    for term in sorted({s.term for s in sessions}):
        kept = rng.sample(previous, len(previous) // 3) if previous else []
        fresh = []
        for _ in range(MEMBERS_PER_TERM - len(kept)):
            pk = ids.take(Member)
            name = _name(rng, taken)
            writer.add(
                id=pk, name=name, position="member", phone="", initials=pinyin.initials(name)
            )
            fresh.append(pk)
        per_term[term] = previous = kept + fresh
    writer.flush()
    return per_term


def _text(rng: random.Random, topic: str, units: int) -> str:
    unit = f"{rng.choice(AREAS)}{rng.choice(BODIES)}"
    return "".join(
        rng.choice(SENTENCES).format(topic=topic, unit=unit, area=rng.choice(AREAS))
        for _ in range(units)
    )


OUTCOMES = (  # (share, status) of a closed session's proposals
    (0.80, ProposalStatus.CLOSED),
    (0.08, ProposalStatus.NOT_ACCEPTED),
    (0.05, ProposalStatus.CONVERTED),
    (0.04, ProposalStatus.MERGED),
    (0.03, ProposalStatus.WITHDRAWN),
)
CURRENT = (  # this year's session, still being handled
    (0.10, ProposalStatus.SUBMITTED),
    (0.10, ProposalStatus.ASSIGNED),
    (0.35, ProposalStatus.HANDLING),
    (0.20, ProposalStatus.REPLIED),
    (0.15, ProposalStatus.CLOSED),
    (0.10, ProposalStatus.NOT_ACCEPTED),
)
HANDLED = {
    ProposalStatus.ASSIGNED,
    ProposalStatus.HANDLING,
    ProposalStatus.REPLIED,
    ProposalStatus.CLOSED,
}


def _pick(rng: random.Random, table) -> str:
    roll, total = rng.random(), 0.0
    for share, value in table:
        total += share
        if roll < total:
            return value
    return table[-1][1]


def _proposals(rng, ids, total, sessions, units, members, categories, classes) -> dict:
    proposal_w = Writer(Proposal)
    assignment_w = Writer(Assignment)
    reply_w = Writer(Reply)
    feedback_w = Writer(Feedback)
    cosigner_w = Writer(CoSigner)
    supervision_w = Writer(Supervision)
    item_w = Writer(LookBackItem)
    campaign_w = Writer(LookBackCampaign)
    grades = [("A", 0.45), ("B", 0.40), ("C", 0.15)]
    per_session = [total // len(sessions)] * len(sessions)
    for index in range(total % len(sessions)):
        per_session[-1 - index] += 1
    current_year = sessions[-1].year
    for session, count in zip(sessions, per_session, strict=True):
        year = session.year
        table = CURRENT if year == current_year else OUTCOMES
        term_members = members[session.term]
        campaign = None
        if year < current_year and year % 2 == 0:
            campaign = ids.take(LookBackCampaign)
            campaign_w.add(
                id=campaign, name=f"{year}年度提案办理回头看", year=year + 1, session_id=session.pk,
                starts_on=datetime.date(year + 1, 3, 1), ends_on=datetime.date(year + 1, 6, 30),
            )  # fmt: skip
        numbers = Proposal.objects.filter(session=session).aggregate(
            registration=models.Max("registration_number"), case=models.Max("case_number")
        )
        case_number, first = numbers["case"] or 0, (numbers["registration"] or 0) + 1
        last_accepted = None
        for registration in range(first, first + count):
            pk = ids.take(Proposal)
            status = _pick(rng, table)
            topic = rng.choice(TOPICS)
            submitted = datetime.date(year, 1, 10) + datetime.timedelta(days=rng.randrange(300))
            submitted_at = _moment(submitted, rng)
            kind = _pick(rng, ((0.85, ProposerKind.INDIVIDUAL), (0.15, ProposerKind.JOINT)))
            accepted = status in HANDLED
            row = {
                "id": pk,
                "session_id": session.pk,
                "registration_number": registration,
                "title": f"关于{rng.choice(VERBS)}{topic}{rng.choice(OBJECTS)}的提案",
                "situation": _text(rng, topic, 2),
                "suggestions": _text(rng, topic, 3),
                "explanation": "经实地调研和座谈了解情况后提出。",
                "category_id": rng.choice(categories),
                "proposer_kind": kind,
                "lead_member_id": rng.choice(term_members),
                "status": status,
                "submitted_at": submitted_at,
                "handling_round": 1,
            }
            if status not in (ProposalStatus.SUBMITTED,):
                row["reviewed_at"] = submitted_at + datetime.timedelta(days=rng.randrange(3, 20))
            if accepted:
                case_number += 1
                row["case_number"] = case_number
                row["is_key"] = rng.random() < 0.01
                last_accepted = pk
            if status == ProposalStatus.MERGED and last_accepted:
                row["merged_into_id"] = last_accepted
            elif status == ProposalStatus.MERGED:
                row["status"] = ProposalStatus.NOT_ACCEPTED
            if kind == ProposerKind.JOINT:
                for member in rng.sample(term_members, rng.randrange(2, 5)):
                    if member != row["lead_member_id"]:
                        cosigner_w.add(
                            id=ids.take(CoSigner), proposal_id=pk, member_id=member,
                            status=CoSignerStatus.CONFIRMED, responded_at=submitted_at,
                        )  # fmt: skip
            if accepted:
                assigned_on = row["reviewed_at"].date() + datetime.timedelta(days=5)
                roles = [AssignmentRole.LEAD] + [
                    rng.choice(
                        (AssignmentRole.JOINT, AssignmentRole.JOINT, AssignmentRole.SEPARATE)
                    )
                    for _ in range(rng.choice((0, 0, 1, 2)))
                ]
                handled = status in (ProposalStatus.REPLIED, ProposalStatus.CLOSED)
                for role, unit in zip(roles, rng.sample(units, len(roles)), strict=True):
                    assignment = ids.take(Assignment)
                    due = assigned_on + datetime.timedelta(days=90 if role != "joint" else 30)
                    a_status = AssignmentStatus.ASSIGNED
                    if status != ProposalStatus.ASSIGNED:
                        a_status = AssignmentStatus.ACKNOWLEDGED
                    if handled or (status == ProposalStatus.HANDLING and rng.random() < 0.3):
                        a_status = (
                            AssignmentStatus.REPLIED
                            if role != AssignmentRole.JOINT
                            else AssignmentStatus.OPINION_SUBMITTED
                        )
                    assignment_w.add(
                        id=assignment, proposal_id=pk, unit_id=unit, role=role, status=a_status,
                        assigned_on=assigned_on, due_on=due,
                        acknowledged_at=None if a_status == AssignmentStatus.ASSIGNED
                        else _moment(assigned_on + datetime.timedelta(days=2), rng),
                    )  # fmt: skip
                    if a_status != AssignmentStatus.REPLIED:
                        continue
                    replied_on = due - datetime.timedelta(days=rng.randrange(-15, 40))
                    reply = ids.take(Reply)
                    grade = _pick(rng, [(share, code) for code, share in grades])
                    reply_w.add(
                        id=reply, assignment_id=assignment, result_class_id=classes[grade],
                        text=_text(rng, topic, 2), signer=_name(rng, set()),
                        reply_date=replied_on, due_on=due, status=ReplyStatus.APPROVED,
                        submitted_at=_moment(replied_on, rng),
                        reviewed_at=_moment(replied_on + datetime.timedelta(days=3), rng),
                    )  # fmt: skip
                    row["replied_at"] = _moment(replied_on + datetime.timedelta(days=3), rng)
                    if campaign and rng.random() < 0.05:
                        item_w.add(
                            id=ids.take(LookBackItem), campaign_id=campaign,
                            assignment_id=assignment, reply_id=reply,
                            commitments="按答复承诺推进落实。", decision=LookBackDecision.PENDING,
                        )  # fmt: skip
                if status == ProposalStatus.CLOSED:
                    result = _pick(
                        rng,
                        ((0.7, Satisfaction.SATISFIED), (0.25, Satisfaction.BASICALLY_SATISFIED),
                         (0.05, Satisfaction.UNSATISFIED)),
                    )  # fmt: skip
                    feedback_w.add(
                        id=ids.take(Feedback), proposal_id=pk, round=1,
                        attitude=Satisfaction.SATISFIED, result=result,
                    )  # fmt: skip
                    row["closed_at"] = (row.get("replied_at") or submitted_at) + datetime.timedelta(
                        days=15
                    )
                if row["is_key"]:
                    supervision_w.add(
                        id=ids.take(Supervision), proposal_id=pk, plan="主席会议成员领衔督办。"
                    )
            proposal_w.add(**row)
    writers = (
        proposal_w, campaign_w, assignment_w, reply_w, feedback_w, cosigner_w, supervision_w,
        item_w,
    )  # fmt: skip
    for writer in writers:
        writer.flush()
    return {w.model._meta.model_name: w.count for w in writers}


def _activities_and_reports(rng: random.Random, ids: Ids, total: int, sessions) -> dict:
    kinds = list(ActivityKind.objects.values_list("pk", flat=True))
    activity_w = Writer(Activity)
    report_w = Writer(OpinionReport)
    years = [s.year for s in sessions]
    if kinds:
        for _ in range(round(total * ACTIVITIES_PER_PROPOSAL)):
            year = rng.choice(years)
            topic = rng.choice(TOPICS)
            activity_w.add(
                id=ids.take(Activity), kind_id=rng.choice(kinds), title=f"{topic}专题调研",
                starts_on=datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(360)),
                status="done",
            )  # fmt: skip
    for _ in range(round(total * REPORTS_PER_PROPOSAL)):
        year = rng.choice(years)
        topic = rng.choice(TOPICS)
        report_w.add(
            id=ids.take(OpinionReport), title=f"关于{topic}的社情民意",
            content=_text(rng, topic, 2),
            received_on=datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(360)),
            status="received",
        )  # fmt: skip
    activity_w.flush()
    report_w.flush()
    return {"activity": activity_w.count, "opinionreport": report_w.count}
