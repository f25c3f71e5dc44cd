"""The proposal ledger import: a 500-row ledger built in code lands field by field in the
right states, through the services, marked as the import's; importing it again or
importing its export changes nothing; a later ledger only adds the steps it records."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hcppcc.core.imports import RowOutcome
from hcppcc.core.workflow.errors import IllegalTransition
from proposals import services
from proposals.choices import ImportStatus, ProposalStatus, ReplyStatus
from proposals.imports.exports import write_export
from proposals.models import Proposal, ResultClass, Transition
from proposals.services import imports
from tests.imports.conftest import upload
from tests.imports.ledgers import EXPECTED_STATUS, HEADERS, ledger


def check_and_import(rows, name="台账.xlsx", by=None):
    run = imports.import_upload(kind="ledger", upload=upload(rows, name), by=by)
    run = imports.import_start(run=run, apply=False, by=by, inline=True)
    assert run.status == ImportStatus.CHECKED, run.message
    assert run.error_rows == 0, list(
        run.rows.filter(outcome=RowOutcome.ERROR).values_list("line", "message")
    )
    return imports.import_start(run=run, apply=True, by=by, inline=True)


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
    # In the request whatever its size (the background path has its own test).
    checked = imports.import_start(run=checked, apply=False, by=None, inline=True)
    assert (checked.new_rows, checked.error_rows) == (500, 0)
    assert Proposal.objects.count() == 0, "a check writes nothing"
    run = imports.import_start(run=checked, apply=True, by=None, inline=True)
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


SHORT = ["届次", "案号", "案由", "提案人", "类别", "提交时间", "立案情况"]
SHORT += ["主办单位", "交办日期", "答复日期", "答复类别", "满意度"]


def short_row(number, title, proposer, review="立案", reply="", verdict=""):
    accepted = review == "立案"
    return [
        *("十三届三次会议", f"第{number:04d}号" if number else "", title, proposer),
        *("经济建设" if accepted else "", "2020-01-10", review),
        *("呼和浩特市教育局" if reply else "", "2020-02-01" if reply else ""),
        *(reply, "A" if reply else "", verdict),
    ]


def test_a_proposal_listed_pending_then_accepted_is_the_same_proposal(directory):
    check_and_import([SHORT, short_row(None, "关于甲的提案", "李娜", review="待审查")])
    run = check_and_import([SHORT, short_row(12, "关于甲的提案", "李娜")])
    assert (run.updated_rows, run.new_rows) == (1, 0)
    proposal = Proposal.objects.get()
    assert (proposal.case_number, proposal.status) == (12, ProposalStatus.ACCEPTED)


def test_two_members_may_propose_under_one_title(directory):
    rows = [
        SHORT,
        short_row(None, "关于加强社区养老的提案", "李娜", review="待审查"),
        short_row(None, "关于加强社区养老的提案", "王芳", review="待审查"),
    ]
    assert check_and_import(rows).new_rows == 2
    assert check_and_import(rows).unchanged_rows == 2
    names = set(Proposal.objects.values_list("lead_member__name", flat=True))
    assert names == {"李娜", "王芳"}


def test_a_second_round_round_trips_without_inventing_a_verdict(directory):
    """Unsatisfied, handled again and replied again: the export shows no verdict on the
    new reply, and importing it changes nothing."""
    check_and_import(
        [SHORT, short_row(1, "关于甲的提案", "李娜", reply="2020-04-01", verdict="不满意")]
    )
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.handling_round) == (ProposalStatus.HANDLING, 2)
    lead = proposal.assignments.get()
    reply = services.assignment_submit_reply(
        assignment=lead,
        by=None,
        result_class=ResultClass.objects.get(code="B"),
        text="第二次答复",
        signer="局长",
        reply_date=datetime.date(2020, 6, 1),
    )
    services.reply_approve(reply=reply, by=None)
    assert Proposal.objects.get().status == ProposalStatus.REPLIED

    exported = write_export("ledger", "xlsx").read()
    rows = list(load_workbook(io.BytesIO(exported), read_only=True).worksheets[0].values)
    values = dict(zip(rows[0], rows[1], strict=True))
    assert (values["答复日期"], values["答复类别"], values["满意度"]) == ("2020-06-01", "B", None)
    run = imports.import_upload(kind="ledger", upload=upload(rows), by=None)
    run = imports.import_start(run=run, apply=False, by=None)
    assert run.unchanged_rows == 1
    run = imports.import_start(run=run, apply=True, by=None)
    assert Proposal.objects.get().status == ProposalStatus.REPLIED
    assert Proposal.objects.get().feedback.count() == 1


def test_a_title_row_above_the_headers_and_the_formal_session_name(directory):
    formal = ["政协第十三届委员会第三次会议", *short_row(1, "关于甲的提案", "李娜")[1:]]
    rows = [["2020年政协提案台账"], SHORT, formal]
    run = check_and_import(rows)
    assert run.new_rows == 1
    assert run.rows.get().line == 3


def test_dates_out_of_order_are_refused_for_a_new_proposal_only(directory):
    row = short_row(1, "关于甲的提案", "李娜", reply="2020-01-20")  # replied before assigned
    run = imports.import_upload(kind="ledger", upload=upload([SHORT, row]), by=None)
    run = imports.import_start(run=run, apply=False, by=None)
    assert "答复日期：2020-01-20 早于交办日期（2020-02-01）" in run.rows.get().message

    # A proposal the office accepted today but dated its assignment back keeps its dates;
    # its export imports as unchanged.
    check_and_import([SHORT, short_row(2, "关于乙的提案", "李娜", reply="2020-04-01")])
    Proposal.objects.update(reviewed_at=timezone.now())
    rows = list(
        load_workbook(io.BytesIO(write_export("ledger", "xlsx").read()), read_only=True)
        .worksheets[0]
        .values
    )
    again = imports.import_upload(kind="ledger", upload=upload(rows), by=None)
    assert imports.import_start(run=again, apply=False, by=None).unchanged_rows == 1
