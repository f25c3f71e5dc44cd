"""The import and export pages: only the office opens them; templates and exports
download as real workbooks; an upload is checked (a dry run) before it is imported;
unrecognised columns are placed by the clerk; refusals are messages, never 500s; the run
list and the rows table read a fixed number of queries."""

import csv
import io
import time
from collections import Counter
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from hcppcc.core import sheets
from hcppcc.core.imports import RowOutcome
from hcppcc.directory.choices import Role
from hcppcc.directory.models import HandlingUnit
from hcppcc.directory.services import user_set_roles
from proposals.choices import ImportKind, ImportStatus
from proposals.models import ImportRowResult, ImportRun
from proposals.services.imports import IMPORTERS, import_upload
from tests.factories import HandlingUnitFactory, UserFactory
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

UNIT_HEADERS = ["单位名称", "简称", "单位类别", "联系人", "联系电话", "电子邮箱"]
UNITS = [
    UNIT_HEADERS,
    ["呼和浩特市教育局", "市教育局", "政府部门", "王某", "0471-1234567", "jyj@example.cn"],
    ["呼和浩特市财政局", "市财政局", "政府部门", "李某", "0471-7654321", ""],
]
NOT_OFFICE = ("committee_staff", "leader", "unit_a_user", "member_user", "auditor")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clerk(client, office):
    client.force_login(office)
    return client


def _upload(client, rows=UNITS, kind=ImportKind.UNITS, name="承办单位.xlsx"):
    return client.post(reverse("pages:imports"), {"kind": kind, "file": upload(rows, name)})


def _uploaded_run(client, rows=UNITS, **kwargs) -> ImportRun:
    response = _upload(client, rows, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("pages:import", args=[run.pk])
    return run


def _run_urls(run) -> dict[str, str]:
    return {
        name: reverse(f"pages:{name}", args=[run.pk])
        for name in ("import", "import-map", "import-check", "import-apply", "import-progress")
    }


def _every_url(run) -> list[str]:
    return [
        reverse("pages:imports"),
        reverse("pages:import-template", args=[ImportKind.UNITS]),
        reverse("pages:import-export", args=[ImportKind.UNITS]) + "?format=csv",
        *_run_urls(run).values(),
    ]


# --- who opens the pages --------------------------------------------------------------------


def test_the_office_opens_the_import_page(clerk):
    response = clerk.get(reverse("pages:imports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="upload-form"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    for kind in ImportKind.values:
        assert reverse("pages:import-template", args=[kind]) in page


@pytest.mark.parametrize("name", NOT_OFFICE)
def test_other_roles_are_refused_the_import_page(name, request, client):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("pages:imports")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, office):
    run = import_upload(kind=ImportKind.UNITS, upload=upload(UNITS, "a.xlsx"), by=office)
    for url in _every_url(run):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_unit_user_is_refused_every_import_url(client, office, unit_a_user):
    run = import_upload(kind=ImportKind.UNITS, upload=upload(UNITS, "a.xlsx"), by=office)
    client.force_login(unit_a_user)
    for url in _every_url(run):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    refused = client.post(
        reverse("pages:imports"), {"kind": ImportKind.UNITS, "file": upload(UNITS, "b.xlsx")}
    )
    assert refused.status_code == 403
    assert ImportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.UPLOADED
    assert not HandlingUnit.objects.filter(name="呼和浩特市教育局").exists()


def test_the_menu_offers_imports_to_the_office_only(client, office, auditor):
    url = reverse("pages:imports")
    client.force_login(office)
    assert url in [
        link for _label, link in client.get(reverse("pages:account")).context["nav_more"]
    ]
    client.force_login(auditor)
    assert url not in [
        link for _label, link in client.get(reverse("pages:account")).context["nav_more"]
    ]


# --- downloads ------------------------------------------------------------------------------


def _attachment_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    return disposition


@pytest.mark.parametrize("kind", ImportKind.values)
def test_a_template_is_a_workbook_whose_first_row_is_the_headers(clerk, kind):
    response = clerk.get(reverse("pages:import-template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == sheets.XLSX_CONTENT_TYPE
    assert "attachment" in _attachment_name(response)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    first = next(book.worksheets[0].iter_rows(values_only=True))
    assert list(first) == [column.header for column in IMPORTERS[kind].columns]


def test_the_units_export_downloads_as_xlsx_and_csv(clerk):
    HandlingUnitFactory(name="呼和浩特市交通运输局", short_name="市交通运输局")
    url = reverse("pages:import-export", args=[ImportKind.UNITS])

    xlsx = clerk.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert quote("承办单位.xlsx") in _attachment_name(xlsx)
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == UNIT_HEADERS
    assert rows[1][:3] == ["呼和浩特市交通运输局", "市交通运输局", "政府部门"]

    exported = clerk.get(url, {"format": "csv"})
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert quote("承办单位.csv") in _attachment_name(exported)
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == UNIT_HEADERS
    assert rows[1][0] == "呼和浩特市交通运输局"


def test_an_export_without_a_format_is_a_workbook_and_odd_ones_are_refused(clerk):
    url = reverse("pages:import-export", args=[ImportKind.MEMBERS])
    response = clerk.get(url)
    assert response.status_code == 200
    assert quote("委员名册.xlsx") in _attachment_name(response)
    assert clerk.get(url, {"format": "pdf"}).status_code == 400
    assert clerk.get(reverse("pages:import-export", args=["nothing"])).status_code == 404
    assert clerk.get(reverse("pages:import-template", args=["nothing"])).status_code == 404


# --- uploading ------------------------------------------------------------------------------


def test_an_upload_leads_to_its_run_page(clerk, office):
    run = _uploaded_run(clerk)
    assert run.kind == ImportKind.UNITS
    assert run.created_by == office
    assert run.file_name == "承办单位.xlsx"
    assert run.total_rows == 2
    page = clerk.get(reverse("pages:import", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "承办单位.xlsx" in html
    assert reverse("pages:import-check", args=[run.pk]) in html
    assert reverse("pages:import-apply", args=[run.pk]) not in html  # not checked yet
    assert 'id="mapping-form"' not in html  # every header is known
    assert not HandlingUnit.objects.filter(name="呼和浩特市教育局").exists()


@pytest.mark.parametrize(
    ("name", "content"), [("提案.pdf", b"%PDF-1.4"), ("提案.xlsx", b"this is no workbook")]
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(clerk, media, name, content):
    with pytest.raises(sheets.SheetError) as reading:
        next(sheets.read_rows(io.BytesIO(content), name))
    response = clerk.post(
        reverse("pages:imports"),
        {"kind": ImportKind.UNITS, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400  # the pages answer bad input with 400 and the form
    assert response.context["form"].errors["file"] == [str(reading.value)]
    assert escape(str(reading.value)) in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_upload_without_a_kind_or_a_file_shows_the_form_again(clerk):
    response = clerk.post(reverse("pages:imports"), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "file"}
    assert not ImportRun.objects.exists()


# --- placing columns ------------------------------------------------------------------------


def test_an_unknown_header_is_placed_by_the_clerk(clerk):
    rows = [
        ["部门全称", "简称", "单位类别", "备注"],
        ["呼和浩特市教育局", "市教育局", "政府部门", "无"],
    ]
    run = _uploaded_run(clerk, rows)
    page = clerk.get(reverse("pages:import", args=[run.pk]))
    html = page.content.decode()
    form = page.context["mapping_form"]
    assert sorted(form.headers_by_field.values()) == ["备注", "部门全称"]
    assert 'id="missing-columns"' in html
    assert '<li class="text-danger fw-semibold">单位名称</li>' in html
    assert reverse("pages:import-check", args=[run.pk]) not in html  # columns first

    fields = {header: name for name, header in form.headers_by_field.items()}
    response = clerk.post(
        reverse("pages:import-map", args=[run.pk]),
        {fields["部门全称"]: "name", fields["备注"]: sheets.IGNORE},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.mapping == {"部门全称": "name", "备注": sheets.IGNORE}
    page = clerk.get(reverse("pages:import", args=[run.pk]))
    html = page.content.decode()
    assert page.context["match"].complete
    assert not page.context["match"].unknown
    assert 'id="missing-columns"' not in html
    assert 'id="mapping-form"' not in html
    assert reverse("pages:import-check", args=[run.pk]) in html

    clerk.post(reverse("pages:import-check", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.new_rows, run.error_rows) == (ImportStatus.CHECKED, 1, 0)


def test_a_mapping_needs_a_choice_for_each_header_and_no_column_twice(clerk):
    rows = [["部门全称", "单位名称"], ["呼和浩特市教育局", "呼和浩特市教育局"]]
    run = _uploaded_run(clerk, rows)
    form = clerk.get(reverse("pages:import", args=[run.pk])).context["mapping_form"]
    (field,) = form.headers_by_field
    url = reverse("pages:import-map", args=[run.pk])

    blank = clerk.post(url, {field: ""})
    assert blank.status_code == 400
    assert blank.context["mapping_form"].errors[field]
    twice = clerk.post(url, {field: "name"})  # 单位名称 already holds the name
    assert twice.status_code == 400
    assert "单位名称" in str(twice.context["mapping_form"].errors[field])
    run.refresh_from_db()
    assert run.mapping == {}


# --- checking and importing -----------------------------------------------------------------


def test_check_then_import_creates_the_units(clerk):
    run = _uploaded_run(clerk)
    checked = clerk.post(reverse("pages:import-check", args=[run.pk]), follow=True)
    assert checked.status_code == 200
    run.refresh_from_db()
    assert (run.status, run.new_rows, run.error_rows) == (ImportStatus.CHECKED, 2, 0)
    assert not HandlingUnit.objects.filter(name__startswith="呼和浩特市").exists()  # a dry run
    html = checked.content.decode()
    assert [row.line for row in checked.context["page"].object_list] == [2, 3]
    assert checked.context["may_import"]
    confirmation = _(
        "Importing writes %(new)s new and %(updated)s updated records in one go "
        "(%(unchanged)s rows are unchanged). It cannot be undone from this page."
    ) % {"new": 2, "updated": 0, "unchanged": 0}
    assert escape(confirmation) in html

    imported = clerk.post(reverse("pages:import-apply", args=[run.pk]), follow=True)
    assert imported.status_code == 200
    run.refresh_from_db()
    assert run.status == ImportStatus.IMPORTED
    assert run.imported_at is not None
    education = HandlingUnit.objects.get(name="呼和浩特市教育局")
    assert (education.short_name, education.kind, education.contact_email) == (
        "市教育局",
        "government_department",
        "jyj@example.cn",
    )
    assert HandlingUnit.objects.filter(name="呼和浩特市财政局").exists()
    html = imported.content.decode()
    assert reverse("pages:import-apply", args=[run.pk]) not in html  # done: no buttons
    assert reverse("pages:import-check", args=[run.pk]) not in html


def test_import_before_a_check_is_refused_and_writes_nothing(clerk):
    run = _uploaded_run(clerk)
    response = clerk.post(reverse("pages:import-apply", args=[run.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:import", args=[run.pk])
    page = clerk.get(response["Location"])
    refusal = _("Check the file first; it can be imported once no row has an error.")
    assert refusal in [str(message) for message in page.context["messages"]]
    assert escape(refusal) in page.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.UPLOADED
    assert not run.rows.exists()
    assert not HandlingUnit.objects.filter(name__startswith="呼和浩特市").exists()


def test_a_file_with_errors_shows_them_and_cannot_be_imported(clerk):
    rows = [*UNITS, ["呼和浩特市新单位", "", "", "", "", ""]]  # a new unit needs its kind
    run = _uploaded_run(clerk, rows)
    clerk.post(reverse("pages:import-check", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.new_rows, run.error_rows) == (ImportStatus.CHECKED, 2, 1)

    page = clerk.get(reverse("pages:import", args=[run.pk]), {"outcome": RowOutcome.ERROR})
    assert [(row.line, row.outcome) for row in page.context["page"].object_list] == [(4, "error")]
    html = page.content.decode()
    assert '<tr class="table-danger">' in html
    assert "单位类别" in html  # the row's message names the column
    tabs = {value: count for value, _label, count in page.context["tabs"]}
    assert tabs == {"": 3, "new": 2, "update": 0, "unchanged": 0, "error": 1}
    assert reverse("pages:import-apply", args=[run.pk]) not in html

    refused = clerk.post(reverse("pages:import-apply", args=[run.pk]), follow=True)
    assert refused.status_code == 200
    assert list(refused.context["messages"])
    assert not HandlingUnit.objects.filter(name__startswith="呼和浩特市").exists()
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED


def test_an_imported_run_refuses_another_step(clerk):
    run = _uploaded_run(clerk)
    clerk.post(reverse("pages:import-check", args=[run.pk]))
    clerk.post(reverse("pages:import-apply", args=[run.pk]))
    for step in ("import-check", "import-apply"):
        response = clerk.post(reverse(f"pages:{step}", args=[run.pk]), follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), step
    assert HandlingUnit.objects.filter(name__startswith="呼和浩特市").count() == 2


def test_the_step_urls_take_posts_only(clerk):
    run = _uploaded_run(clerk)
    for name in ("import-map", "import-check", "import-apply"):
        assert clerk.get(reverse(f"pages:{name}", args=[run.pk])).status_code == 405, name
    assert clerk.get(reverse("pages:import", args=[run.pk + 1])).status_code == 404


# --- progress -------------------------------------------------------------------------------


def test_the_progress_endpoint_reports_rows_done(clerk):
    run = _uploaded_run(clerk)
    url = reverse("pages:import-progress", args=[run.pk])
    cache.delete(run.progress_key)
    assert clerk.get(url).json() == {
        "status": "uploaded",
        "busy": False,
        "done": 0,
        "total": 2,
    }
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.CHECKING)
    cache.set(run.progress_key, 1)
    cache.set(f"{run.progress_key}:at", time.time())  # the worker's last word: just now
    assert clerk.get(url).json() == {"status": "checking", "busy": True, "done": 1, "total": 2}

    page = clerk.get(reverse("pages:import", args=[run.pk])).content.decode()
    assert f'data-url="{url}"' in page
    assert 'role="progressbar"' in page
    assert "<noscript>" in page
    assert 'style="width: 50%"' in page
    assert reverse("pages:import-check", args=[run.pk]) not in page  # busy: no buttons
    cache.delete(run.progress_key)


def test_a_large_file_is_checked_in_the_background_while_the_page_follows_it(
    clerk, settings, django_capture_on_commit_callbacks
):
    settings.HCPPCC_IMPORT_INLINE_ROWS = 1  # the two units are "many"
    run = _uploaded_run(clerk)
    with django_capture_on_commit_callbacks() as queued:
        response = clerk.post(reverse("pages:import-check", args=[run.pk]), follow=True)
    assert len(queued) == 1  # the task, sent once the status is saved
    assert response.context["busy"]
    assert 'role="progressbar"' in response.content.decode()
    progress = reverse("pages:import-progress", args=[run.pk])
    assert clerk.get(progress).json()["busy"] is True

    queued[0]()  # the worker runs the task (eagerly here: no broker)
    assert clerk.get(progress).json() == {
        "status": "checked",
        "busy": False,
        "done": 2,
        "total": 2,
    }
    page = clerk.get(reverse("pages:import", args=[run.pk]))
    assert not page.context["busy"]
    assert page.context["may_import"]
    assert not HandlingUnit.objects.filter(name__startswith="呼和浩特市").exists()


# --- query counts ---------------------------------------------------------------------------


def _runs(count: int) -> None:
    for number in range(count):
        by = user_set_roles(
            user=UserFactory(username=f"clerk{number}"), roles=[Role.PROPOSAL_OFFICE]
        )
        import_upload(kind=ImportKind.UNITS, upload=upload(UNITS, f"{number}.xlsx"), by=by)


# session, user, the user's roles (read once for the page and the menu), count, page of runs
RUN_LIST_QUERIES = 5


@pytest.mark.parametrize("runs", [1, 25])
def test_the_run_list_reads_a_fixed_number_of_queries(clerk, runs, django_assert_num_queries):
    _runs(runs)
    url = reverse("pages:imports")
    clerk.get(url)  # the session's first writes
    with django_assert_num_queries(RUN_LIST_QUERIES):
        response = clerk.get(url)
    assert len(response.context["page"].object_list) == min(runs, 20)


def _rows(run, count: int) -> None:
    """``count`` row outcomes of a check, every fourth one an error (the first among them),
    and the run's tally."""
    outcomes = [RowOutcome.NEW, RowOutcome.UPDATE, RowOutcome.ERROR, RowOutcome.UNCHANGED]
    rows = [
        ImportRowResult(
            run=run,
            line=line,
            outcome=outcomes[line % 4],
            key=f"单位{line}",
            message="单位类别：未知" if outcomes[line % 4] == RowOutcome.ERROR else "",
        )
        for line in range(2, count + 2)
    ]
    ImportRowResult.objects.bulk_create(rows)
    tally = Counter(row.outcome for row in rows)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.CHECKED,
        checked_at=timezone.now(),
        total_rows=count,
        new_rows=tally[RowOutcome.NEW],
        updated_rows=tally[RowOutcome.UPDATE],
        unchanged_rows=tally[RowOutcome.UNCHANGED],
        error_rows=tally[RowOutcome.ERROR],
    )


# session, user, the user's roles, the run, the count, the page of rows
ROWS_QUERIES = 6


@pytest.mark.parametrize("rows", [1, 150])
@pytest.mark.parametrize("outcome", ["", RowOutcome.ERROR])
def test_the_rows_table_reads_a_fixed_number_of_queries(
    clerk, office, rows, outcome, django_assert_num_queries
):
    run = import_upload(kind=ImportKind.UNITS, upload=upload(UNITS), by=office)
    _rows(run, rows)
    run.refresh_from_db()
    url = reverse("pages:import", args=[run.pk])
    query = {"outcome": outcome} if outcome else {}
    clerk.get(url, query)
    with django_assert_num_queries(ROWS_QUERIES):
        response = clerk.get(url, query)
    shown = response.context["page"].object_list
    matching = rows if not outcome else response.context["run"].error_rows
    assert matching
    assert len(shown) == min(100, matching)
    assert [row.line for row in shown] == sorted(row.line for row in shown)
    assert all(row.outcome == outcome for row in shown) if outcome else True


def test_the_rows_table_pages_by_a_hundred(clerk, office):
    run = import_upload(kind=ImportKind.UNITS, upload=upload(UNITS), by=office)
    _rows(run, 150)
    url = reverse("pages:import", args=[run.pk])
    second = clerk.get(url, {"page": 2}).context["page"]
    assert [row.line for row in second.object_list] == list(range(102, 152))
    assert clerk.get(url, {"outcome": "nonsense"}).status_code == 200
