"""The import and export pages (导入与导出), for the proposal office: download a list or its
blank template, upload a filled-in file, say what its unrecognised columns hold, check it
(a dry run that writes nothing) and import it. Every run and the outcome of each of its
rows stay on record. Each step is one service of ``proposals.services.imports``; a step
the service refuses comes back as a message, never a 500."""

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hcppcc.core import sheets
from hcppcc.core.imports import RowOutcome
from hcppcc.core.paging import EstimatingPaginator
from hcppcc.core.workflow.errors import WorkflowError
from pages.access import opens_for
from proposals import workflow
from proposals.choices import IMPORT_BUSY_STATES, ImportKind, ImportStatus
from proposals.imports.exports import FILE_TITLES, write_export, write_template
from proposals.models import ImportRowResult, ImportRun
from proposals.services.imports import (
    IMPORTERS,
    import_headers,
    import_set_mapping,
    import_stalled,
    import_start,
    import_upload,
    outcome_counts,
)

# Imports write the directory and the ledger wholesale: the office's work alone.
# The office imports and exports the lists (the import step's roles).
OFFICE = workflow.IMPORT.roles.allow_some
RUNS_PER_PAGE = 20
ROWS_PER_PAGE = 100
# A run in these states may have its header row matched again (a check or an import has
# matched it already in the others).
MAPPING_STATES = (ImportStatus.UPLOADED, ImportStatus.FAILED)
FORMATS = {
    sheets.XLSX: sheets.XLSX_CONTENT_TYPE,
    sheets.CSV: "text/csv; charset=utf-8",
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=BLANK_CHOICE_DASH + ImportKind.choices
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file, its first row the column headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class MappingForm(forms.Form):
    """One choice per header the import did not place: the column it holds, or ignore it.

    Fields are named by the header's position in the file's header row, which does not
    change for a run, so a posted form is matched to the same headers again."""

    def __init__(self, *args, run: ImportRun, headers: list, match: sheets.HeaderMatch, **kw):
        super().__init__(*args, **kw)
        self.match = match
        columns = IMPORTERS[run.kind].columns
        self.headers_by_field: dict[str, str] = {}
        choices = [("", _("— choose —"))]
        for column in columns:
            label = column.header
            if column.required:
                label = _("%(header)s (required)") % {"header": column.header}
            choices.append((column.key, label))
        choices.append((sheets.IGNORE, _("ignore this column")))
        self.header_of = {column.key: column.header for column in columns}

        asked = {
            sheets.normalize_header(name)
            for name in (*match.unknown, *match.duplicated, *run.mapping)
        }
        chosen = {sheets.normalize_header(name): key for name, key in run.mapping.items()}
        placed = {position: key for key, position in match.positions.items()}
        self.taken: dict[str, str] = {}  # column key -> the header already holding it
        for position, header in enumerate(headers):
            text = str(header).strip() if header is not None else ""
            name = sheets.normalize_header(text)
            if not name:
                continue
            field_name = f"column_{position}"
            if name in asked and text not in self.headers_by_field.values():
                asked.discard(name)  # one choice per header text: the mapping is by text
                self.headers_by_field[field_name] = text
                self.fields[field_name] = forms.ChoiceField(
                    label=text, choices=choices, initial=chosen.get(name, "")
                )
            elif position in placed:
                self.taken[placed[position]] = text

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for field_name, header in self.headers_by_field.items():
            key = cleaned.get(field_name)
            if not key or key == sheets.IGNORE:
                continue
            other = self.taken.get(key) or seen.get(key)
            if other:
                self.add_error(
                    field_name,
                    _("The column 「%(column)s」 is already in 「%(other)s」.")
                    % {"column": self.header_of[key], "other": other},
                )
            seen[key] = header
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[name] for name, header in self.headers_by_field.items()}


def _messages_of(error: Exception) -> str:
    if isinstance(error, WorkflowError):
        return error.message
    return " ".join(error.messages)


# --- the import and export page -------------------------------------------------------------


@opens_for(OFFICE)
def imports(request):
    """Downloads for each list, the upload form, and the runs so far, newest first."""
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            run = import_upload(
                kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)  # its fields are the form's: kind, file
        else:
            messages.success(request, _("The file is uploaded. Check it before importing it."))
            return redirect("pages:import", pk=run.pk)
    page = EstimatingPaginator(ImportRun.objects.for_list(), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    kinds = [(value, label, FILE_TITLES[value]) for value, label in ImportKind.choices]
    return render(
        request,
        "pages/imports/index.html",
        {"form": form, "kinds": kinds, "page": page, "busy_states": IMPORT_BUSY_STATES},
        status=400 if form.errors else 200,
    )


def _kind(kind: str) -> str:
    if kind not in ImportKind.values:
        raise Http404
    return kind


@opens_for(OFFICE)
def import_template(request, kind: str):
    """The blank template of a list: its headers, an example row, notes on each column."""
    kind = _kind(kind)
    return FileResponse(
        write_template(kind),
        as_attachment=True,
        filename=f"{FILE_TITLES[kind]}模板.xlsx",
        content_type=sheets.XLSX_CONTENT_TYPE,
    )


@opens_for(OFFICE)
def import_export(request, kind: str):
    """The whole list as .xlsx (the default) or .csv, in the shape its import reads."""
    kind = _kind(kind)
    fmt = request.GET.get("format", sheets.XLSX)
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Choose the format xlsx or csv."))
    return FileResponse(
        write_export(kind, fmt),
        as_attachment=True,
        filename=f"{FILE_TITLES[kind]}.{fmt}",
        content_type=FORMATS[fmt],
    )


# --- one run --------------------------------------------------------------------------------


def _run(pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)


def _headers(run: ImportRun):
    """The file's headers and their match, or the reason the file cannot be read."""
    try:
        headers, match = import_headers(run)
    except sheets.SheetError as error:
        return None, None, str(error)
    return headers, match, ""


@opens_for(OFFICE)
def import_run(request, pk: int):
    return _run_page(request, _run(pk))


def _run_page(request, run: ImportRun, mapping_form: MappingForm | None = None, status=200):
    # A run whose worker has gone quiet may be started again, and shows as such.
    stalled = import_stalled(run)
    busy = run.status in IMPORT_BUSY_STATES and not stalled
    # Only a run not yet checked (or whose check failed) has its header row read again, a
    # whole workbook's shared strings parsed for it; a checked run has passed the header
    # match. ``?columns=1`` asks for it anyway, to change a mapping after seeing a check.
    changing = request.GET.get("columns") == "1" and (
        run.status in MAPPING_STATES or run.status == ImportStatus.CHECKED
    )
    match, file_error = None, ""
    if mapping_form is not None:
        match = mapping_form.match
    elif run.status in MAPPING_STATES or changing:
        headers, match, file_error = _headers(run)
        if match is not None and (match.unknown or match.duplicated or changing):
            mapping_form = MappingForm(run=run, headers=headers, match=match)
    header_ready = match is not None and match.complete and not match.unknown
    may_check = not busy and run.status != ImportStatus.IMPORTED and not file_error
    if run.status in MAPPING_STATES:
        may_check = may_check and header_ready

    done = (cache.get(run.progress_key) or 0) if busy else 0
    counts = outcome_counts(run)
    outcome = request.GET.get("outcome", "")
    if outcome not in RowOutcome.values:
        outcome = ""
    rows = ImportRowResult.objects.filter(run=run).order_by("line")
    if outcome:
        rows = rows.filter(outcome=outcome)
    page = EstimatingPaginator(rows.only("line", "outcome", "key", "message"), ROWS_PER_PAGE)
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts[value]) for value, label in RowOutcome.choices
    ]
    return render(
        request,
        "pages/imports/run.html",
        {
            "run": run,
            "busy": busy,
            "stalled": stalled,
            "done": done,
            "percent": min(100, done * 100 // run.total_rows) if run.total_rows else 0,
            "file_error": file_error,
            "match": match,
            "mapping_form": mapping_form,
            "mapped": _mapped(run),
            "may_check": may_check,
            "may_import": run.status == ImportStatus.CHECKED and run.error_rows == 0,
            "tabs": tabs,
            "has_results": tabs[0][2] > 0
            or run.status in (ImportStatus.CHECKED, ImportStatus.IMPORTED),
            "outcome": outcome,
            "page": page.get_page(request.GET.get("page")),
        },
        status=status,
    )


def _mapped(run: ImportRun) -> list[tuple[str, str]]:
    """The clerk's mapping as (header in the file, the column it holds or "ignored")."""
    headers = {column.key: column.header for column in IMPORTERS[run.kind].columns}
    return [
        (header, headers.get(key) or _("ignored")) for header, key in sorted(run.mapping.items())
    ]


@opens_for(OFFICE)
@require_POST
def import_map(request, pk: int):
    """Record what the unrecognised headers hold; the file must be checked again after."""
    run = _run(pk)
    headers, match, file_error = _headers(run)
    if file_error:
        messages.error(request, file_error)
        return redirect("pages:import", pk=run.pk)
    form = MappingForm(request.POST, run=run, headers=headers, match=match)
    if not form.is_valid():
        return _run_page(request, run, mapping_form=form, status=400)
    try:
        import_set_mapping(run=run, mapping=form.mapping(), by=request.user)
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, _("The columns are saved. Check the file again."))
    return redirect("pages:import", pk=run.pk)


@opens_for(OFFICE)
@require_POST
def import_check(request, pk: int):
    return _start(request, _run(pk), apply=False)


@opens_for(OFFICE)
@require_POST
def import_apply(request, pk: int):
    return _start(request, _run(pk), apply=True)


def _start(request, run: ImportRun, *, apply: bool):
    """Check or import; small files are done when this returns, large ones run in the
    background while the run's page shows their progress."""
    try:
        run = import_start(run=run, apply=apply, by=request.user)
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _messages_of(error))
        return redirect("pages:import", pk=run.pk)
    figures = {
        "new": run.new_rows,
        "updated": run.updated_rows,
        "unchanged": run.unchanged_rows,
        "errors": run.error_rows,
    }
    if run.status in IMPORT_BUSY_STATES:
        messages.info(request, _("The work goes on in the background; this page shows it."))
    elif run.status == ImportStatus.FAILED:
        messages.error(request, run.message)
    elif run.status == ImportStatus.IMPORTED:
        messages.success(
            request,
            _("Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.") % figures,
        )
    elif run.error_rows:
        note = _("%(errors)d rows have errors; correct them in the file and upload it again.")
        if apply:
            note = _("Nothing was imported.") + " " + note
        messages.error(request, note % figures)
    else:
        messages.success(
            request,
            _(
                "Checked, nothing written: %(new)d new, %(updated)d updated, "
                "%(unchanged)d unchanged, no errors."
            )
            % figures,
        )
    return redirect("pages:import", pk=run.pk)


@opens_for(OFFICE)
def import_progress(request, pk: int):
    """How far a check or an import has got, for the run page's progress bar."""
    run = get_object_or_404(ImportRun.objects.only("pk", "status", "total_rows"), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "busy": run.status in IMPORT_BUSY_STATES,
            "done": cache.get(run.progress_key) or 0,
            "total": run.total_rows,
        }
    )
