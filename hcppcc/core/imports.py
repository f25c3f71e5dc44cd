"""What every spreadsheet import shares: reading a row into a record, and running a whole
file as one transaction that a dry run rolls back.

An importer says which columns it knows (``columns``), how a row becomes a record
(``read``), how to tell two rows of one record apart (``key``) and how to write a record
(``save``, which returns new, update or unchanged). ``run`` does the rest: header
matching, one savepoint per row so a bad row's partial writes go with it, the row's
outcome, progress, and the rollback of the whole when it is a dry run or any row failed.
A check is therefore the import itself, undone: what it predicts is what the import does.
"""

import csv
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hcppcc.core import sheets
from hcppcc.core.workflow.errors import WorkflowError


class RowOutcome(models.TextChoices):
    """What importing a row did (or, in a check, would do)."""

    NEW = "new", gettext_lazy("New")
    UPDATE = "update", gettext_lazy("Update")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    ERROR = "error", gettext_lazy("Error")


class RowError(Exception):
    """A row that cannot be imported; ``messages`` are shown next to its row number."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]


class HeaderError(sheets.SheetError):
    """The header row lacks a required column or has columns the import does not know."""

    def __init__(self, match: sheets.HeaderMatch):
        self.match = match
        parts = []
        if match.missing:
            parts.append(
                _("Required columns are missing: %(names)s.")
                % {"names": "、".join(f"「{c.header}」" for c in match.missing)}
            )
        if match.duplicated:
            parts.append(
                _("These columns appear twice: %(names)s.")
                % {"names": "、".join(f"「{name}」" for name in match.duplicated)}
            )
        if match.unknown:
            parts.append(
                _("These columns are not recognised; say what each holds: %(names)s.")
                % {"names": "、".join(f"「{name}」" for name in match.unknown)}
            )
        super().__init__(" ".join(parts))


@dataclass(frozen=True)
class RowResult:
    line: int
    outcome: str
    key: str = ""
    message: str = ""


@dataclass
class Tally:
    rows: int = 0
    new: int = 0
    update: int = 0
    unchanged: int = 0
    error: int = 0

    def count(self, outcome: str) -> None:
        self.rows += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


def error_messages(error: Exception) -> list[str]:
    """The messages of an error a row raised, as a clerk should read them."""
    if isinstance(error, RowError):
        return error.messages
    if isinstance(error, IntegrityError):
        # Another clerk wrote the same record meanwhile; the database refused the copy.
        return [_("This row clashes with a record saved meanwhile; check the file again.")]
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        return list(error.messages)
    return [str(error)]


class Importer:
    """One kind of list. Subclasses set ``columns`` and write ``read``, ``key``, ``save``."""

    columns: ClassVar[Sequence[sheets.Column]] = ()

    def __init__(self, *, run=None, by=None):
        # The ImportRun the rows are written for, and the clerk running it (None: the
        # system, as in ``manage.py import_ledger``).
        self.run = run
        self.by = by

    def read(self, cells: dict[str, Any]) -> Any:
        """Turn a row's cells (column key -> raw value) into a record, or raise RowError."""
        raise NotImplementedError

    def key(self, record) -> tuple:
        """What identifies the record in the directory; two rows with one key clash."""
        raise NotImplementedError

    def label(self, record) -> str:
        """The record as the results page names it."""
        return " ".join(str(part) for part in self.key(record) if part)

    def save(self, record) -> str:
        """Write the record; return a RowOutcome value. Runs inside a savepoint."""
        raise NotImplementedError

    # --- running a file ---------------------------------------------------------------

    def run_rows(
        self,
        rows: Iterator[tuple[int, list]],
        *,
        mapping: dict[str, str] | None,
        apply: bool,
        results: Callable[[RowResult], None],
        progress: Callable[[int], None] = lambda done: None,
    ) -> Tally:
        """Import ``rows`` (the header row first). With ``apply`` false, or when any row
        fails, everything written is rolled back. Returns how many rows came out how."""
        _headers, match = sheets.find_header(rows, self.columns, mapping)
        if not match.complete or match.unknown:
            raise HeaderError(match)
        tally = Tally()
        seen: dict[tuple, int] = {}
        with transaction.atomic():
            for line, values in rows:
                cells = {
                    key: values[position] if position < len(values) else None
                    for key, position in match.positions.items()
                }
                result = self._one_row(line, cells, seen)
                tally.count(result.outcome)
                results(result)
                progress(tally.rows)
            if not apply or tally.error:
                transaction.set_rollback(True)
        return tally

    def _one_row(self, line: int, cells: dict, seen: dict[tuple, int]) -> RowResult:
        # Until the row is read, it is named by its first cells as written.
        label = " ".join(sheets.text(cells.get(c.key)) for c in self.columns[:3]).strip()
        try:
            record = self.read(cells)
            key = self.key(record)
            label = self.label(record)
            if key in seen:
                raise RowError(
                    _("The same record as row %(line)s (%(label)s).")
                    % {"line": seen[key], "label": label}
                )
            seen[key] = line
            with transaction.atomic():
                outcome = self.save(record)
        except (
            RowError,
            ValidationError,
            WorkflowError,
            ObjectDoesNotExist,
            IntegrityError,
        ) as error:
            return RowResult(line, RowOutcome.ERROR, label, "；".join(error_messages(error)))
        return RowResult(line, outcome, label)


class CellReader:
    """Reads the cells of one row, collecting every cell's error before giving up, so a
    row with a bad date and an unknown unit reports both at once."""

    def __init__(self, columns: Iterable[sheets.Column], cells: dict[str, Any]):
        self.headers = {column.key: column.header for column in columns}
        self.cells = cells
        self.errors: list[str] = []

    def get(self, key: str, parse: Callable[[Any], Any] = sheets.text, *, required=False):
        raw = self.cells.get(key)
        try:
            value = parse(raw)
        except sheets.CellError as error:
            self.errors.append(f"{self.headers[key]}：{error}")
            return None
        if required and value in (None, "", [], ()):
            self.errors.append(_("%(column)s is required.") % {"column": self.headers[key]})
        return value

    def error(self, key: str, message: str) -> None:
        self.errors.append(f"{self.headers[key]}：{message}")

    def done(self) -> None:
        if self.errors:
            raise RowError(*self.errors)


class Spool:
    """Row results kept on disk until the transaction is over: a dry run's rollback must
    not take them with it, and a file of 50,000 rows should not keep them in memory."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._file)

    def __call__(self, result: RowResult) -> None:
        self._writer.writerow([result.line, result.outcome, result.key, result.message])

    def __iter__(self) -> Iterator[RowResult]:
        self._file.seek(0)
        for line, outcome, key, message in csv.reader(self._file):
            yield RowResult(int(line), outcome, key, message)

    def close(self) -> None:
        self._file.close()


# --- reading cells into records -------------------------------------------------------


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """A stored choice as the office's sheets write it: its Chinese label."""
    if not value:
        return ""
    with translation.override("zh-hans"):
        return str(choices(value).label)


def choice_parser(choices: type[models.TextChoices], what: str):
    """Read a choice written as its Chinese or English label or its stored value."""
    known = {}
    for value, label in choices.choices:
        known[sheets.normalize_header(value)] = value
        known[sheets.normalize_header(label)] = value
        known[sheets.normalize_header(choice_label(choices, value))] = value

    def parse(raw) -> str:
        written = sheets.text(raw)
        if not written:
            return ""
        value = known.get(sheets.normalize_header(written))
        if value is None:
            raise sheets.unknown_name(
                what, written, [choice_label(choices, v) for v in choices.values]
            )
        return value

    return parse


def names_index(model) -> dict[str, object]:
    """Active and inactive records of a named model by name, and by short name where one
    short name belongs to one record only."""
    by_name = {}
    shorts = defaultdict(list)
    for record in model.objects.all():
        by_name[record.name] = record
        if getattr(record, "short_name", ""):
            shorts[record.short_name].append(record)
    for short, records in shorts.items():
        if len(records) == 1:
            by_name.setdefault(short, records[0])
    return by_name


def named_parser(index: dict[str, object], what: str):
    def parse(raw):
        written = sheets.text(raw)
        if not written:
            return None
        if written not in index:
            raise sheets.unknown_name(what, written, index)
        return index[written]

    return parse
