"""The three lists written in the shape their imports read, so that export -> import
changes nothing, and the blank template of each: headers, one example row and a sheet
of notes on what each column may hold."""

import tempfile

from hcppcc.core import sheets
from hcppcc.directory.imports import MemberImporter, UnitImporter
from hcppcc.directory.models import HandlingUnit, Member
from proposals.choices import ImportKind
from proposals.imports.ledger_rows import COLUMNS as LEDGER_COLUMNS
from proposals.imports.ledger_rows import (
    LEDGER_STATES,
    Directory,
    describe,
    for_ledger,
    ledger_cells,
)
from proposals.models import Proposal

FILE_TITLES = {
    ImportKind.LEDGER: "提案台账",
    ImportKind.MEMBERS: "委员名册",
    ImportKind.UNITS: "承办单位",
}
COLUMNS = {
    ImportKind.LEDGER: LEDGER_COLUMNS,
    ImportKind.MEMBERS: MemberImporter.columns,
    ImportKind.UNITS: UnitImporter.columns,
}


def export_rows(kind: str):
    """Every record of the list, as rows of cells; read from the database in chunks."""
    if kind == ImportKind.LEDGER:
        return ledger_export_rows(
            Proposal.objects.order_by(
                "session__term", "session__number", "case_number", "registration_number", "pk"
            )
        )
    if kind == ImportKind.MEMBERS:
        members = Member.objects.for_list().order_by("name", "pk")
        return MemberImporter.export_rows(members.iterator(chunk_size=500))
    units = HandlingUnit.objects.order_by("sort_order", "name")
    return UnitImporter.export_rows(units.iterator(chunk_size=500))


def ledger_export_rows(proposals):
    """Ledger rows of ``proposals`` (a queryset), read a chunk at a time."""
    directory = Directory()
    for proposal in for_ledger(proposals.filter(status__in=LEDGER_STATES)).iterator(chunk_size=500):
        yield ledger_cells(describe(proposal, directory))


def write_export(kind: str, fmt: str):
    """The list as a file (.xlsx or .csv), in a temporary file opened at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's response closes it
    if fmt == sheets.CSV:
        sheets.write_csv(handle, COLUMNS[kind], export_rows(kind))
    else:
        sheets.write_workbook(handle, COLUMNS[kind], export_rows(kind), title=FILE_TITLES[kind])
    handle.seek(0)
    return handle


def write_template(kind: str):
    """The blank template of a list, with its example row and notes."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's response closes it
    columns = COLUMNS[kind]
    example = [column.example for column in columns]
    sheets.write_workbook(handle, columns, [example], title=FILE_TITLES[kind], notes=True)
    handle.seek(0)
    return handle
