"""CSV and XLSX exports of API lists: the same filters, every matching row, streamed.

``?format=csv`` streams rows as they are read, so memory stays flat however long the list.
``?format=xlsx`` writes a write-only workbook (rows are not kept in memory) to a temporary
file and streams that.
"""

import csv
import itertools
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from hcppcc.core import sheets

EXPORT_FORMATS = ("csv", "xlsx")
# Rows read from the database at a time; prefetches run per chunk.
CHUNK = 500


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer."""

    def write(self, value):
        return value


def _cell(value) -> str:
    if isinstance(value, list):
        return "、".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key} {_cell(item)}" for key, item in value.items())
    return "" if value is None else str(value)


class ExportMixin:
    """For list endpoints: ``?format=csv`` or ``?format=xlsx`` exports the filtered list."""

    def list(self, request, *args, **kwargs):
        export = request.query_params.get("format")
        if export not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        # Run the query once before the response starts: bad input (an id too large for
        # the database, say) is a 400 here, not a broken download after a 200.
        queryset.exists()
        serializer_class = self.get_serializer_class()
        fields = list(serializer_class().fields)
        context = self.get_serializer_context()

        def rows():
            yield fields
            records = queryset.iterator(chunk_size=CHUNK)
            # One serializer per chunk, not per row: binding its fields is the dear part.
            while chunk := list(itertools.islice(records, CHUNK)):
                for data in serializer_class(chunk, many=True, context=context).data:
                    yield [_cell(data[name]) for name in fields]

        name = f"{self.basename}.{export}"
        if export == "csv":
            writer = csv.writer(_Echo())
            # The byte-order mark lets Excel open UTF-8 Chinese text correctly.
            stream = (writer.writerow(sheets.csv_row(row)) for row in rows())
            response = StreamingHttpResponse(
                _with_bom(stream), content_type="text/csv; charset=utf-8"
            )
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(self.basename)
            for row in rows():
                sheet.append(sheets.xlsx_row(sheet, row))
            handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
            workbook.save(handle)
            handle.seek(0)
            response = FileResponse(
                handle,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _with_bom(stream):
    yield "\ufeff"
    yield from stream
