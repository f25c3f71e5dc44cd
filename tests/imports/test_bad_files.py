"""Workbooks an office really sends: other header names in another order, CSV from Excel
in GBK, unknown columns to map; and bad ones — not a workbook, a required column missing,
an unknown unit, a duplicate case number, a wrong date, too large — which give the reason
(row by row where it is a row's) and write nothing."""

import io
import time
import zipfile

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hcppcc.core import sheets
from hcppcc.core.imports import RowOutcome
from proposals.choices import ImportStatus, ProposalStatus
from proposals.models import ImportRowResult, ImportRun, Proposal, Transition
from proposals.services import imports
from tests.imports.conftest import upload

HEADERS = ["届次", "案号", "案由", "提案人", "类别", "提交时间", "立案情况", "主办单位", "交办日期"]
GOOD = ["十三届三次会议", "第0001号", "关于甲的提案", "李娜", "经济建设", "2020-01-10", "立案"]
GOOD += ["呼和浩特市教育局", "2020-02-01"]


def check(rows, name="台账.xlsx", kind="ledger"):
    run = imports.import_upload(kind=kind, upload=upload(rows, name), by=None)
    return imports.import_start(run=run, apply=False, by=None)


def errors(run) -> dict[int, str]:
    return dict(run.rows.filter(outcome=RowOutcome.ERROR).values_list("line", "message"))


def nothing_written():
    return not Proposal.objects.exists() and not Transition.objects.exists()


def test_headers_are_matched_by_their_common_names_in_any_order(directory):
    rows = [
        ["提交日期", "第一提案人", " 案 由（必填）", "会议", "提案号", "提案类别", "是否立案"],
        ["2020/1/10", "李娜", "关于甲的提案", "十三届三次", "1", "经济建设", "立案"],
    ]
    run = check(rows)
    assert (run.status, run.new_rows, run.error_rows) == (ImportStatus.CHECKED, 1, 0)
    run = imports.import_start(run=run, apply=True, by=None)
    proposal = Proposal.objects.get()
    assert (proposal.case_number, proposal.title, proposal.status) == (
        1,
        "关于甲的提案",
        ProposalStatus.ACCEPTED,
    )
    assert proposal.lead_member.name == "李娜"


def test_an_unrecognised_column_is_mapped_by_the_clerk_or_ignored(directory):
    rows = [[*HEADERS, "备注", "承办部门"], [*GOOD, "无", "呼和浩特市自然资源局"]]
    run = check(rows)
    assert run.status == ImportStatus.FAILED
    assert "「备注」" in run.message
    assert "「承办部门」" in run.message
    _headers, match = imports.import_headers(run)
    assert match.unknown == ["备注", "承办部门"]

    run = imports.import_set_mapping(
        run=run, mapping={"备注": sheets.IGNORE, "承办部门": "joint_units"}, by=None
    )
    run = imports.import_start(run=run, apply=False, by=None)
    assert (run.status, run.new_rows) == (ImportStatus.CHECKED, 1)
    imports.import_start(run=run, apply=True, by=None)
    roles = dict(Proposal.objects.get().assignments.values_list("unit__name", "role"))
    assert roles == {"呼和浩特市教育局": "lead", "呼和浩特市自然资源局": "joint"}


def test_a_mapping_to_a_column_the_list_does_not_have_is_refused(directory):
    run = check([[*HEADERS, "备注"], [*GOOD, "无"]])
    with pytest.raises(ValidationError):
        imports.import_set_mapping(run=run, mapping={"备注": "no_such_column"}, by=None)


def test_csv_from_excel_in_gbk_and_in_utf8_both_read(directory):
    text = "\n".join(",".join(row) for row in [HEADERS, GOOD])
    for encoding in ("gb18030", "utf-8-sig"):
        run = imports.import_upload(
            kind="ledger",
            upload=SimpleUploadedFile("台账.csv", text.encode(encoding)),
            by=None,
        )
        run = imports.import_start(run=run, apply=False, by=None)
        assert (run.new_rows, run.error_rows) == (1, 0), encoding


def test_a_file_that_is_not_a_workbook_is_refused_at_upload(directory):
    fake = SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(ValidationError, match="xlsx"):
        imports.import_upload(kind="ledger", upload=fake, by=None)
    with pytest.raises(ValidationError, match="xlsx"):
        imports.import_upload(kind="ledger", upload=SimpleUploadedFile("台账.docx", b"x"), by=None)
    assert not ImportRun.objects.exists()


def test_a_missing_required_column_is_named(directory):
    without = HEADERS.index("案由")
    rows = [[*HEADERS[:without], *HEADERS[without + 1 :]], [*GOOD[:without], *GOOD[without + 1 :]]]
    run = check(rows)
    assert run.status == ImportStatus.FAILED
    assert "「案由」" in run.message
    assert nothing_written()
    with pytest.raises(imports.IllegalTransition):
        imports.import_start(run=run, apply=True, by=None)


def test_row_errors_name_the_row_and_the_reason_and_nothing_is_written(directory):
    rows = [
        HEADERS,
        GOOD,
        # Unknown unit, with the names it may have meant.
        [
            "十三届三次会议",
            "第0002号",
            "关于乙的提案",
            "李娜",
            "经济建设",
            "2020-01-10",
            "立案",
            "教育局",
            "2020-02-01",
        ],
        # The case number of row 2 again.
        [
            "十三届三次会议",
            "第0001号",
            "关于丙的提案",
            "王芳",
            "经济建设",
            "2020-01-10",
            "立案",
            "",
            "",
        ],
        # A date that is not one, and a month 13.
        [
            "十三届三次会议",
            "第0003号",
            "关于丁的提案",
            "王芳",
            "经济建设",
            "去年春天",
            "立案",
            "呼和浩特市教育局",
            "2020-13-01",
        ],
        # A member the directory does not know; two 张伟 need their sector.
        [
            "十三届三次会议",
            "第0004号",
            "关于戊的提案",
            "张卫",
            "经济建设",
            "2020-01-10",
            "立案",
            "",
            "",
        ],
        [
            "十三届三次会议",
            "第0005号",
            "关于己的提案",
            "张伟",
            "经济建设",
            "2020-01-10",
            "立案",
            "",
            "",
        ],
        # Accepted without a category; assigned without being accepted.
        ["十三届三次会议", "第0006号", "关于庚的提案", "李娜", "", "2020-01-10", "立案", "", ""],
        [
            "十三届三次会议",
            "",
            "关于辛的提案",
            "李娜",
            "",
            "2020-01-10",
            "待审查",
            "呼和浩特市教育局",
            "2020-02-01",
        ],
    ]
    run = check(rows)

    found = errors(run)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9]
    assert "「教育局」" in found[3]
    assert "「呼和浩特市教育局」" in found[3]
    assert "2" in found[4]
    assert "「去年春天」" in found[5]
    assert "「2020-13-01」" in found[5]
    assert "「张卫」" in found[6]
    assert "张伟（经济界）" in found[7]
    assert "类别" in found[8]
    assert "主办单位" in found[9]
    assert (run.new_rows, run.error_rows) == (1, 7)
    assert nothing_written()
    with pytest.raises(imports.IllegalTransition):
        imports.import_start(run=run, apply=True, by=None)
    assert nothing_written()


def test_too_large_a_file_is_refused_before_it_is_read(directory, settings):
    settings.HCPPCC_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationError, match="3"):
        imports.import_upload(kind="ledger", upload=upload([HEADERS, GOOD, GOOD, GOOD]), by=None)
    settings.HCPPCC_IMPORT_MAX_MB = 0
    with pytest.raises(ValidationError, match="MB"):
        imports.import_upload(kind="ledger", upload=upload([HEADERS, GOOD]), by=None)
    assert not ImportRun.objects.exists()


def test_a_large_file_runs_as_a_task_and_leaves_its_progress(
    directory, settings, django_capture_on_commit_callbacks
):
    settings.HCPPCC_IMPORT_INLINE_ROWS = 100
    rows = [HEADERS] + [
        ["十三届三次会议", "", f"关于第{i}项的提案", "李娜", "", "2020-01-10", "待审查", "", ""]
        for i in range(120)
    ]
    run = imports.import_upload(kind="ledger", upload=upload(rows), by=None)
    # The task is queued when the request's transaction commits; without a broker it
    # then runs at once, in this process.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = imports.import_start(run=run, apply=False, by=None)
    assert started.status == ImportStatus.CHECKING
    assert len(queued) == 1
    assert cache.get(run.progress_key) == 0
    queued[0]()
    run.refresh_from_db()
    assert (run.status, run.new_rows) == (ImportStatus.CHECKED, 120)
    assert cache.get(run.progress_key) == 120


def test_row_results_replace_those_of_the_previous_check(directory):
    run = check([HEADERS, GOOD])
    imports.import_set_mapping(run=run, mapping={}, by=None)
    run = imports.import_start(run=run, apply=False, by=None)
    assert ImportRowResult.objects.filter(run=run).count() == 1


def test_an_empty_sheet_is_refused(directory):
    with pytest.raises(ValidationError):
        imports.import_upload(kind="ledger", upload=upload([]), by=None)


def test_an_imported_file_cannot_be_imported_twice(directory):
    run = check([HEADERS, GOOD])
    run = imports.import_start(run=run, apply=True, by=None)
    assert run.status == ImportStatus.IMPORTED
    with pytest.raises(imports.IllegalTransition):
        imports.import_start(run=run, apply=True, by=None)
    assert Proposal.objects.count() == 1


def test_workbook_reader_skips_blank_rows_and_reports_excel_row_numbers():
    handle = io.BytesIO()
    book = Workbook()
    sheet = book.active
    sheet.append(["案由"])
    sheet.append([None])
    sheet.append(["关于甲的提案"])
    book.save(handle)
    assert list(sheets.read_rows(handle, "a.xlsx")) == [(1, ["案由"]), (3, ["关于甲的提案"])]


def test_a_workbook_that_does_not_state_its_size_is_counted_and_read_whole(directory, settings):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(HEADERS)
    for number in range(1, 4):
        sheet.append(["十三届三次会议", "", f"关于{number}的提案", "李娜", "", "2020-01-10"])
    handle = io.BytesIO()
    book.save(handle)
    run = imports.import_upload(
        kind="ledger", upload=SimpleUploadedFile("台账.xlsx", handle.getvalue()), by=None
    )
    assert run.total_rows == 3
    settings.HCPPCC_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationError):
        imports.import_upload(
            kind="ledger", upload=SimpleUploadedFile("台账.xlsx", handle.getvalue()), by=None
        )


def test_a_damaged_workbook_is_refused_as_unreadable(directory):
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as damaged:
        damaged.writestr("[Content_Types].xml", "<Types><broken")
        damaged.writestr("xl/workbook.xml", "<workbook")
    with pytest.raises(ValidationError, match="xlsx"):
        imports.import_upload(
            kind="ledger", upload=SimpleUploadedFile("台账.xlsx", handle.getvalue()), by=None
        )


def test_one_file_of_a_list_at_a_time_and_a_stalled_run_may_start_again(directory):
    first = imports.import_upload(kind="ledger", upload=upload([HEADERS, GOOD]), by=None)
    second = imports.import_upload(kind="ledger", upload=upload([HEADERS, GOOD]), by=None)
    ImportRun.objects.filter(pk=first.pk).update(status=ImportStatus.CHECKING)
    cache.set(f"{first.progress_key}:at", time.time())
    with pytest.raises(imports.IllegalTransition, match=f"#{first.pk}"):
        imports.import_start(run=second, apply=False, by=None)
    # The first run's worker died: no word from it for longer than the rules allow.
    cache.set(f"{first.progress_key}:at", time.time() - 16 * 60)
    assert imports.import_stalled(ImportRun.objects.get(pk=first.pk))
    assert imports.import_start(run=second, apply=False, by=None).status == ImportStatus.CHECKED
    assert imports.import_start(run=first, apply=False, by=None).status == ImportStatus.CHECKED
