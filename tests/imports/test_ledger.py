"""The proposal ledger import: a 500-row ledger built in code lands field by field in the
right states, through the services, marked as the import's; importing it again or
importing its export changes nothing; a later ledger only adds the steps it records."""

import datetime
import io
import random

import pytest
from openpyxl import load_workbook

from hcppcc.directory.models import HandlingUnit
from proposals.choices import ImportStatus, ProposalStatus, ReplyStatus, RowOutcome
from proposals.errors import IllegalTransition
from proposals.imports.exports import write_export
from proposals.models import Proposal, Transition
from proposals.services import imports
from tests.imports.conftest import upload

HEADERS = [
    "届次",
    "案号",
    "案由",
    "提案人",
    "联名人",
    "类别",
    "提交时间",
    "立案情况",
    "不予立案理由",
    "立案日期",
    "主办单位",
    "会办单位",
    "分办单位",
    "交办日期",
    "答复日期",
    "答复类别",
    "满意度",
    "是否重点提案",
]
PEOPLE = ["张伟（经济界）", "张伟（教育界）", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏"]
COLLECTIVES = ["中国民主同盟呼和浩特市委员会", "经济委员会", "经济界"]
CATEGORIES = ["经济建设", "城乡建设", "社会民生", "教育科技", "医疗卫生"]
SATISFACTION = {7: "满意", 8: "基本满意", 9: "不满意"}
# What each kind of row (its number modulo 10) leaves the proposal as.
EXPECTED_STATUS = {
    0: ProposalStatus.SUBMITTED,
    1: ProposalStatus.NOT_ACCEPTED,
    2: ProposalStatus.ACCEPTED,
    3: ProposalStatus.ASSIGNED,
    4: ProposalStatus.ASSIGNED,
    5: ProposalStatus.ASSIGNED,
    6: ProposalStatus.REPLIED,
    7: ProposalStatus.CLOSED,
    8: ProposalStatus.CLOSED,
    # Unsatisfied: handled again, a second round (the rules allow one).
    9: ProposalStatus.HANDLING,
}


def ledger(count=500, seed=2020):
    """A ledger of ``count`` rows of every kind: pending, not accepted, accepted, assigned
    to a lead unit, to a lead and joint units, to separate units, replied, and judged
    satisfied, basically satisfied or unsatisfied; with co-signers, collective proposers
    and key proposals among them."""
    rng = random.Random(seed)
    units = list(HandlingUnit.objects.order_by("name").values_list("name", flat=True))
    rows, case = [], 0
    for i in range(1, count + 1):
        kind = i % 10
        submitted = datetime.date(2020, 1, 6) + datetime.timedelta(days=i % 40)
        collective = i % 11 == 0
        proposer = rng.choice(COLLECTIVES) if collective else PEOPLE[i % len(PEOPLE)]
        cosigners = []
        if not collective and i % 3 == 0:
            cosigners = rng.sample([p for p in PEOPLE if p != proposer], k=1 + i % 2)
        accepted = kind >= 2
        if accepted:
            case += 1
        picked = rng.sample(units, 3)
        lead = joint = separate = ""
        if kind == 4:
            lead, joint = picked[0], "、".join(picked[1 : 1 + 1 + i % 2])
        elif kind == 5:
            separate = "、".join(picked[:2])
        elif kind >= 3:
            lead = picked[0]
        assigned = submitted + datetime.timedelta(days=30) if kind >= 3 else None
        replied = assigned + datetime.timedelta(days=50 + i % 20) if kind >= 6 else None
        rows.append(
            [
                "十三届三次会议",
                f"第{case:04d}号" if accepted else "",
                f"关于第{i}项民生实事的提案",
                proposer,
                "、".join(cosigners),
                CATEGORIES[i % len(CATEGORIES)] if accepted else "",
                submitted.isoformat(),
                {0: "待审查", 1: "不予立案"}.get(kind, "立案"),
                "内容空泛、没有具体建议" if kind == 1 else "",
                (submitted + datetime.timedelta(days=5)).isoformat() if kind >= 1 else "",
                lead,
                joint,
                separate,
                assigned.isoformat() if assigned else "",
                replied.isoformat() if replied else "",
                "ABC"[i % 3] if replied else "",
                SATISFACTION.get(kind, ""),
                "是" if accepted and i % 7 == 0 else "否",
            ]
        )
    return [HEADERS, *rows]


def check_and_import(rows, name="台账.xlsx", by=None):
    run = imports.import_upload(kind="ledger", upload=upload(rows, name), by=by)
    run = imports.import_start(run=run, apply=False, by=by)
    assert run.status == ImportStatus.CHECKED, run.message
    assert run.error_rows == 0, list(
        run.rows.filter(outcome=RowOutcome.ERROR).values_list("line", "message")
    )
    return imports.import_start(run=run, apply=True, by=by)


def label(member):
    """Members as the ledger names them: the two called 张伟 with their sectors."""
    return f"{member.name}（{member.sector.name}）" if member.name == "张伟" else member.name


def check_proposal(row, proposal, run):
    """The proposal says everything its row says."""
    values = dict(zip(HEADERS, row, strict=True))
    kind = int(values["案由"].removeprefix("关于第").removesuffix("项民生实事的提案")) % 10
    assert proposal.status == EXPECTED_STATUS[kind]
    assert proposal.submitted_at.date().isoformat() == values["提交时间"]
    number = values["案号"]
    assert proposal.case_number == (int(number[1:5]) if number else None)
    assert (proposal.category.name if proposal.category else "") == values["类别"]
    collective = proposal.organization or proposal.committee or proposal.sector
    assert (collective.name if collective else label(proposal.lead_member)) == values["提案人"]
    names = {label(c.member) for c in proposal.cosigners.all()}
    assert names == set(filter(None, values["联名人"].split("、")))
    assert all(c.status == "confirmed" for c in proposal.cosigners.all())
    reason = proposal.rejection_reason
    assert (reason.name if reason else "") == values["不予立案理由"]
    if values["立案日期"]:
        assert proposal.reviewed_at.date().isoformat() == values["立案日期"]
    assignments = {
        (a.unit.name, a.role, a.assigned_on.isoformat()) for a in proposal.assignments.all()
    }
    expected = set()
    for column, role in (("主办单位", "lead"), ("会办单位", "joint"), ("分办单位", "separate")):
        for unit in filter(None, values[column].split("、")):
            expected.add((unit, role, values["交办日期"]))
    assert assignments == expected
    replies = [r for a in proposal.assignments.all() for r in a.replies.all()]
    if values["答复日期"]:
        answering = [a for a in proposal.assignments.all() if a.role != "joint"]
        assert len(replies) == len(answering)
        for reply in replies:
            assert reply.status == ReplyStatus.APPROVED
            assert reply.result_class.code == values["答复类别"]
            assert reply.reply_date.isoformat() == values["答复日期"]
    else:
        assert replies == []
    feedback = list(proposal.feedback.all())
    labels = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
    assert [labels[f.result] for f in feedback] == ([values["满意度"]] if values["满意度"] else [])
    assert proposal.is_key == (values["是否重点提案"] == "是")
    steps = list(proposal.transitions.all())
    assert steps
    assert all(step.by_id is None and step.import_run_id == run.pk for step in steps)
    assert steps[0].at.date().isoformat() == values["提交时间"]


def test_a_500_row_ledger_lands_field_by_field_and_imports_again_as_unchanged(directory):
    rows = ledger()

    checked = imports.import_upload(kind="ledger", upload=upload(rows), by=None)
    checked = imports.import_start(run=checked, apply=False, by=None)
    assert (checked.new_rows, checked.error_rows) == (500, 0)
    assert Proposal.objects.count() == 0, "a check writes nothing"
    run = imports.import_start(run=checked, apply=True, by=None)
    assert run.status == ImportStatus.IMPORTED
    assert (run.new_rows, run.updated_rows, run.unchanged_rows) == (500, 0, 0)

    proposals = {p.title: p for p in Proposal.objects.select_related("lead_member__sector")}
    assert len(proposals) == 500
    for row in rows[1:]:
        check_proposal(row, proposals[row[2]], run)
    statuses = {p.status for p in proposals.values()}
    assert statuses == set(EXPECTED_STATUS.values())

    steps = Transition.objects.count()
    again = check_and_import(rows)
    assert (again.unchanged_rows, again.new_rows, again.updated_rows) == (500, 0, 0)
    assert Transition.objects.count() == steps

    exported = write_export("ledger", "xlsx")
    sheet = load_workbook(io.BytesIO(exported.read()), read_only=True).worksheets[0]
    exported_rows = [
        ["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert exported_rows[0] == HEADERS
    assert sorted(map(tuple, exported_rows[1:])) == sorted(map(tuple, rows[1:]))
    round_trip = check_and_import(exported_rows, name="导出.xlsx")
    assert round_trip.unchanged_rows == 500
    assert Transition.objects.count() == steps


@pytest.fixture
def imported(directory):
    rows = ledger(40)
    check_and_import(rows)
    return rows


def test_a_later_ledger_adds_the_steps_it_records_as_updates(imported):
    rows = [list(row) for row in imported]
    column = {name: i for i, name in enumerate(HEADERS)}
    # Row kind 3 (assigned to a lead unit) now has its reply and a satisfied proposer.
    later = rows[3]
    assert later[column["主办单位"]]
    assert not later[column["答复日期"]]
    later[column["答复日期"]] = "2020-04-30"
    later[column["答复类别"]] = "B"
    later[column["满意度"]] = "满意"

    run = check_and_import(rows)

    assert (run.updated_rows, run.unchanged_rows, run.new_rows) == (1, 39, 0)
    proposal = Proposal.objects.get(title=later[column["案由"]])
    assert proposal.status == ProposalStatus.CLOSED
    assert proposal.transitions.filter(import_run=run).exists()
    assert proposal.transitions.exclude(import_run=run).exists()


def test_a_row_that_contradicts_the_system_is_refused_and_nothing_is_written(imported):
    rows = [list(row) for row in imported]
    column = {name: i for i, name in enumerate(HEADERS)}
    rows[3][column["主办单位"]] = (
        "呼和浩特市教育局"
        if rows[3][column["主办单位"]] != "呼和浩特市教育局"
        else "呼和浩特市生态环境局"
    )
    rows[5][column["答复日期"]] = "2020-05-01"  # a later step on another row: fine alone
    rows[5][column["答复类别"]] = "A"
    steps = Transition.objects.count()

    run = imports.import_upload(kind="ledger", upload=upload(rows), by=None)
    run = imports.import_start(run=run, apply=False, by=None)

    assert run.error_rows == 1
    error = run.rows.get(outcome=RowOutcome.ERROR)
    assert error.line == 4
    assert "主办单位" in error.message
    with pytest.raises(IllegalTransition):
        imports.import_start(run=run, apply=True, by=None)
    assert Transition.objects.count() == steps
