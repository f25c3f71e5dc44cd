"""The members roster and the units list, the templates, the exports' query counts, and
``manage.py import_ledger``."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hcppcc.core.imports import RowOutcome
from hcppcc.directory.models import HandlingUnit, Member
from proposals.choices import ImportKind, ImportStatus
from proposals.imports import exports
from proposals.imports.exports import ledger_export_rows
from proposals.imports.ledger_rows import for_ledger
from proposals.models import ImportRun, Proposal
from proposals.services import imports
from tests.imports.conftest import upload, workbook_bytes


def run_file(rows, kind, apply=True):
    run = imports.import_upload(kind=kind, upload=upload(rows), by=None)
    run = imports.import_start(run=run, apply=False, by=None)
    if apply and run.status == ImportStatus.CHECKED and not run.error_rows:
        run = imports.import_start(run=run, apply=True, by=None)
    return run


def sheet_rows(handle):
    sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_units_are_created_updated_and_left_alone(directory):
    rows = [
        ["单位名称", "简称", "类别", "联系人", "电话"],
        ["呼和浩特市财政局", "市财政局", "政府部门", "王某", "0471-1234567"],
        ["呼和浩特市教育局", "", "", "李某", ""],
        ["呼和浩特市发展和改革委员会", "", "", "", ""],
    ]
    run = run_file(rows, ImportKind.UNITS)
    assert (run.new_rows, run.updated_rows, run.unchanged_rows) == (1, 1, 1)
    unit = HandlingUnit.objects.get(name="呼和浩特市财政局")
    assert (unit.short_name, unit.kind, unit.contact_person, unit.contact_phone) == (
        "市财政局",
        "government_department",
        "王某",
        "0471-1234567",
    )
    assert HandlingUnit.objects.get(name="呼和浩特市教育局").contact_person == "李某"
    assert HandlingUnit.objects.get(name="呼和浩特市教育局").short_name == "市教育局"


def test_a_new_unit_needs_its_kind_and_a_bad_kind_is_named(directory):
    rows = [["单位名称", "单位类别"], ["呼和浩特市财政局", ""], ["呼和浩特市审计局", "政府机关"]]
    run = run_file(rows, ImportKind.UNITS)
    found = dict(run.rows.filter(outcome=RowOutcome.ERROR).values_list("line", "message"))
    assert sorted(found) == [2, 3]
    assert "「政府机关」" in found[3]
    assert "政府部门" in found[3]
    assert not HandlingUnit.objects.filter(name__in=["呼和浩特市财政局", "呼和浩特市审计局"])


def test_members_are_matched_by_name_and_sector(directory):
    rows = [
        ["姓名", "界别", "党派", "专委会", "职务"],
        ["张伟", "经济界", "民盟", "经济委员会、提案委员会", "常委"],
        ["张伟", "农业界", "", "", ""],
        ["孙丽", "教育界", "中国民主促进会呼和浩特市委员会", "", "委员"],
    ]
    run = run_file(rows, ImportKind.MEMBERS)
    assert (run.new_rows, run.updated_rows, run.error_rows) == (2, 1, 0), list(
        run.rows.values_list("message", flat=True)
    )
    economic = Member.objects.get(name="张伟", sector__name="经济界")
    assert economic.organization.short_name == "民盟"
    assert economic.position == "standing_member"
    assert {c.name for c in economic.committees.all()} == {"经济委员会", "提案委员会"}
    assert Member.objects.filter(name="张伟").count() == 3

    again = run_file(rows, ImportKind.MEMBERS)
    assert again.unchanged_rows == 3


def test_roster_and_units_export_then_import_changes_nothing(directory):
    run_file(
        [["姓名", "界别", "专委会", "职务"], ["张伟", "经济界", "经济委员会", "常委"]],
        ImportKind.MEMBERS,
    )
    for kind, count in (
        (ImportKind.MEMBERS, Member.objects.count()),
        (ImportKind.UNITS, HandlingUnit.objects.count()),
    ):
        rows = sheet_rows(exports.write_export(kind, "xlsx"))
        assert len(rows) == count + 1
        run = run_file(rows, kind)
        assert (run.unchanged_rows, run.error_rows) == (count, 0), kind


def test_each_template_has_the_headers_an_example_and_notes(directory):
    for kind in ImportKind.values:
        book = load_workbook(io.BytesIO(exports.write_template(kind).read()))
        headers = [cell.value for cell in book.worksheets[0][1]]
        assert headers == [column.header for column in exports.COLUMNS[kind]]
        assert book.worksheets[0].max_row == 2
        notes = [row[0].value for row in book.worksheets[1].iter_rows(min_row=2)]
        assert notes == headers


def test_the_ledger_export_reads_a_fixed_number_of_queries(directory, django_assert_num_queries):
    rows = [
        [
            *("届次", "案号", "案由", "提案人", "联名人", "类别", "提交时间", "立案情况"),
            *("主办单位", "会办单位", "交办日期", "答复日期", "答复类别", "满意度"),
        ],
    ]
    for i in range(1, 7):
        rows.append(
            [
                *("十三届三次会议", str(i), f"关于{i}的提案", "李娜", "王芳", "经济建设"),
                *("2020-01-10", "立案", "呼和浩特市教育局", "呼和浩特市自然资源局"),
                *("2020-02-01", "2020-04-01", "A", "满意"),
            ]
        )
    run_file(rows, ImportKind.LEDGER)
    # Nine for the directory's names (sessions, members, sectors, committees, parties,
    # units, categories, reasons, result classes), five for the proposals and their
    # co-signers, assignments, replies and feedback.
    with django_assert_num_queries(14):
        assert len(list(ledger_export_rows(Proposal.objects.all()))) == 6
    with django_assert_num_queries(5):
        assert len(list(for_ledger(Proposal.objects.filter(case_number__lte=2)))) == 2


def test_the_import_list_reads_one_query(directory, django_assert_num_queries):
    for _ in range(3):
        imports.import_upload(kind="units", upload=upload([["单位名称"], ["甲"]]), by=None)
    with django_assert_num_queries(1):
        assert [run.created_by for run in ImportRun.objects.for_list()] == [None] * 3


def test_the_command_checks_then_imports(directory, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook_bytes([["单位名称", "单位类别"], ["呼和浩特市财政局", "政府部门"]]))
    out = io.StringIO()
    call_command("import_ledger", str(path), "--list", "units", "--dry-run", stdout=out)
    assert "1 new" in out.getvalue()
    assert not HandlingUnit.objects.filter(name="呼和浩特市财政局").exists()

    call_command("import_ledger", str(path), "--list", "units", stdout=out)
    assert HandlingUnit.objects.filter(name="呼和浩特市财政局").exists()


def test_the_command_refuses_a_file_with_errors_and_names_them(directory, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(
        workbook_bytes(
            [
                ["届次", "案由", "提案人", "提交时间", "备注"],
                ["十三届三次会议", "关于甲的提案", "李娜", "2020-02-30", "x"],
            ]
        )
    )
    with pytest.raises(CommandError, match="备注"):
        call_command("import_ledger", str(path), stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_ledger", str(path), "--map", "备注=-", stdout=out)
    assert "2020-02-30" in out.getvalue()
    assert not Proposal.objects.exists()


def test_text_that_looks_like_a_formula_or_is_full_width_survives_the_round_trip(directory):
    title = "=1+1 关于（试点）社区，养老的提案"
    rows = [
        ["届次", "案由", "提案人", "提交时间"],
        ["十三届三次会议", title, "李娜", "2020-01-10"],
        ["十三届三次会议", "-关于@的提案", "王芳", "2020-01-10"],
    ]
    text = "\n".join(",".join(row) for row in rows).encode()
    run = imports.import_upload(kind="ledger", upload=SimpleUploadedFile("台账.csv", text), by=None)
    run = imports.import_start(run=run, apply=False, by=None)
    imports.import_start(run=run, apply=True, by=None)
    assert set(Proposal.objects.values_list("title", flat=True)) == {title, "-关于@的提案"}

    xlsx = exports.write_export(ImportKind.LEDGER, "xlsx").read()
    assert title in [row[2] for row in sheet_rows(io.BytesIO(xlsx))]
    csv_text = exports.write_export(ImportKind.LEDGER, "csv").read().decode("utf-8-sig")
    assert "'=1+1" in csv_text
    assert "'-关于@的提案" in csv_text
    for name, data in (("导出.xlsx", xlsx), ("导出.csv", csv_text.encode("utf-8"))):
        run = imports.import_upload(kind="ledger", upload=SimpleUploadedFile(name, data), by=None)
        run = imports.import_start(run=run, apply=False, by=None)
        assert (run.unchanged_rows, run.error_rows) == (2, 0), name
