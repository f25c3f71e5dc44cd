"""Spreadsheets in and out: read an office's .xlsx or .csv a row at a time, match its
headers to the columns an import knows, read its cells, and write workbooks back.

Nothing here knows about proposals or members; ``proposals.imports`` builds on it.
Reading is streamed (openpyxl's read-only mode, csv line by line), so a file of tens of
thousands of rows is never held in memory at once.
"""

import csv
import datetime
import difflib
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.datetime import from_excel

XLSX = "xlsx"
CSV = "csv"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(Exception):
    """The file as a whole cannot be read (not a workbook, no header row, too large)."""


class CellError(ValueError):
    """One cell cannot be read; the message is shown to the clerk next to its row."""


# --- columns and headers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an import understands: its key in code, the header the office's templates
    use, the other headers the same column goes by, and a note on what it may hold."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""
    example: str = ""


def normalize_header(text) -> str:
    """Headers compare without spaces, punctuation, full-width forms or a trailing note in
    brackets: 「 案 由（必填）」 and 「案由」 are one header."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)
    return re.sub(r"[\s_\-—:：*＊/、.。·]", "", text)


@dataclass
class HeaderMatch:
    """Which column of the file holds which known column, and what could not be placed."""

    positions: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.duplicated


IGNORE = "-"


def match_headers(
    headers: Sequence, columns: Sequence[Column], mapping: dict[str, str] | None = None
) -> HeaderMatch:
    """Place each header of a file. ``mapping`` is what the clerk chose for headers the
    import did not recognise: header text -> column key, or ``IGNORE``."""
    by_name: dict[str, str] = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            by_name[normalize_header(name)] = column.key
    chosen = {normalize_header(header): key for header, key in (mapping or {}).items()}
    match = HeaderMatch()
    for position, header in enumerate(headers):
        name = normalize_header(header)
        if not name:
            continue
        key = chosen.get(name) or by_name.get(name)
        if key == IGNORE:
            continue
        if key is None:
            match.unknown.append(str(header).strip())
        elif key in match.positions:
            match.duplicated.append(str(header).strip())
        else:
            match.positions[key] = position
    match.missing = [c for c in columns if c.required and c.key not in match.positions]
    return match


# --- reading ---------------------------------------------------------------------------------


def file_kind(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in (XLSX, "xlsm"):
        return XLSX
    if suffix in (CSV, "txt"):
        return CSV
    raise SheetError(
        _("Only .xlsx and .csv files can be imported (this file is 「%(name)s」).") % {"name": name}
    )


def _not_a_workbook() -> str:
    return _(
        "This file is not an Excel workbook (.xlsx); save it from Excel as .xlsx and try again."
    )


def read_rows(handle, name: str) -> Iterator[tuple[int, list]]:
    """Yield ``(line, values)`` for every non-empty row of the file's first sheet, the
    header row included; ``line`` is the row number the clerk sees in Excel."""
    if file_kind(name) == XLSX:
        yield from _xlsx_rows(handle)
    else:
        yield from _csv_rows(handle)


# A damaged workbook fails in openpyxl in many ways (a bad zip, broken XML, a missing part,
# a malformed value); to the clerk each is the same: this file cannot be read.
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError)


def _xlsx_rows(handle) -> Iterator[tuple[int, list]]:
    handle.seek(0)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise SheetError(_not_a_workbook()) from error
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet states can be missing or wrong; read every row there is.
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(values)
            if any(_is_filled(value) for value in values):
                yield line, values
    except _UNREADABLE as error:
        raise SheetError(_not_a_workbook()) from error
    finally:
        workbook.close()


def _csv_rows(handle) -> Iterator[tuple[int, list]]:
    handle.seek(0)
    head = handle.read(4096)
    handle.seek(0)
    # Excel saves Chinese CSV as GBK unless told otherwise; try UTF-8 first.
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut in the middle of a character at the end of the sample is not an error.
        if error.start < len(head) - 3:
            encoding = "gb18030"
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    try:
        for line, values in enumerate(csv.reader(text), start=1):
            if any(_is_filled(value) for value in values):
                yield line, values
    except (UnicodeDecodeError, csv.Error) as error:
        raise SheetError(_("This CSV file cannot be read: %(error)s") % {"error": error}) from error
    finally:
        text.detach()


def count_rows(handle, name: str) -> int:
    """How many filled rows the file has below its first one, for the size limit and the
    progress bar. Every row is read (a sheet's stated size cannot be trusted), streamed."""
    count = sum(1 for _row in read_rows(handle, name))
    handle.seek(0)
    return max(count - 1, 0)


# An office's sheet often has a title row or two (2020年提案台账) above its headers.
HEADER_SEARCH_ROWS = 5


def find_header(
    rows: Iterator[tuple[int, list]], columns: Sequence[Column], mapping: dict | None = None
) -> tuple[list, HeaderMatch]:
    """Take the header row off ``rows``: the first of the first few rows in which any
    column is recognised, else the first row (whose headers all need placing)."""
    first = None
    for _line, values in itertools.islice(rows, HEADER_SEARCH_ROWS):
        match = match_headers(values, columns, mapping)
        if match.positions:
            return values, match
        first = first or (values, match)
    if first is None:
        raise SheetError(_("The file is empty."))
    return first


def _is_filled(value) -> bool:
    return value is not None and str(value).strip() != ""


# --- cells -----------------------------------------------------------------------------------


def text(value) -> str:
    """A cell as text, as written (full-width （，） stay full-width): numbers Excel stored
    as 3.0 read as 3, surrounding space dropped, and the quote that keeps a formula-like
    text from being run (see ``csv_row``) taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    written = str(value).strip()
    if written[:1] == "'" and written[1:2] in _FORMULA_STARTS:
        written = written[1:]
    return written


_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> datetime.date | None:
    """A date as offices write it: an Excel date, 2020-05-20, 2020/5/20, 2020.5.20 or
    2020年5月20日. Empty is None; anything else is a CellError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return from_excel(value).date()  # a date cell that lost its format
    raw = text(value)
    if not raw:
        return None
    match = _DATE_PATTERN.match(raw.split(" ")[0])
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(_("「%(value)s」 is not a date; write it as 2020-05-20.") % {"value": raw})


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "重点", "重点提案"}
_FALSE = {"否", "n", "no", "false", "0", "×", "不是", ""}


def parse_yes_no(value) -> bool:
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("「%(value)s」 should be 是 or 否.") % {"value": raw})


_SEPARATORS = re.compile(r"[、,，;；/\n]+")


def split_names(value) -> list[str]:
    """Names in one cell, separated by 、 , ， ; ； / or line breaks."""
    return [name.strip() for name in _SEPARATORS.split(text(value)) if name.strip()]


def join_names(names: Iterable[str]) -> str:
    return "、".join(names)


def did_you_mean(value: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """Known names close to ``value``: those containing it or contained in it first
    (「财政局」 for 「呼和浩特市财政局」), then those that read alike."""
    choices = list(choices)
    containing = [c for c in choices if value and (value in c or c in value)]
    containing.sort(key=lambda c: abs(len(c) - len(value)))
    alike = difflib.get_close_matches(value, choices, n=limit, cutoff=0.5)
    suggestions = list(dict.fromkeys([*containing, *alike]))
    return suggestions[:limit]


def unknown_name(what: str, value: str, choices: Iterable[str]) -> CellError:
    """The error for a name the directory does not hold, with the nearest names."""
    suggestions = did_you_mean(value, choices)
    message = _("Unknown %(what)s 「%(value)s」.") % {"what": what, "value": value}
    if suggestions:
        message += " " + _("Did you mean %(names)s?") % {
            "names": "、".join(f"「{name}」" for name in suggestions)
        }
    return CellError(message)


# --- writing ---------------------------------------------------------------------------------


# A cell starting with one of these is run as a formula by Excel (CSV) or stored as one
# by openpyxl (.xlsx); what a clerk or member typed must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(values) -> list:
    """For CSV: text that would start a formula gets a leading quote (``text`` drops it)."""
    return [
        "'" + value if isinstance(value, str) and value[:1] in _FORMULA_STARTS else value
        for value in values
    ]


def xlsx_row(sheet, values) -> list:
    """For .xlsx: text that looks like a formula is stored as text, as typed."""
    cells = []
    for value in values:
        if isinstance(value, str) and value[:1] == "=":
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            value = cell
        cells.append(value)
    return cells


def write_workbook(
    handle, columns: Sequence[Column], rows: Iterable[Sequence], *, title: str, notes: bool = False
) -> None:
    """Write ``rows`` under the columns' headers to ``handle`` as .xlsx, streamed.

    With ``notes``, a second sheet 「填写说明」 says what each column may hold (templates).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    if notes:
        guide = workbook.create_sheet(_("How to fill in"))
        guide.append([_("Column"), _("Required"), _("Allowed values"), _("Also recognised as")])
        for column in columns:
            guide.append(
                [
                    column.header,
                    _("yes") if column.required else "",
                    column.note,
                    "、".join(column.aliases),
                ]
            )
    workbook.save(handle)


def write_csv(handle, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    """The same as CSV in UTF-8 with a byte-order mark, which Excel opens correctly."""
    text_handle = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text_handle)
    writer.writerow([column.header for column in columns])
    writer.writerows(csv_row(row) for row in rows)
    text_handle.flush()
    text_handle.detach()
