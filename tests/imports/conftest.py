"""The directory an office has before it imports: the seeded reference data (sessions,
units, categories, result classes, reasons, sectors, committees, parties), members in
sectors (two of them called 张伟), and helpers that write workbooks in code."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hcppcc.directory.models import Member, Sector
from seeds.loader import load_seeds, seed_files

MEMBERS = [
    ("张伟", "经济界"),
    ("张伟", "教育界"),
    ("李娜", "经济界"),
    ("王芳", "教育界"),
    ("刘洋", "医药卫生界"),
    ("陈静", "医药卫生界"),
    ("杨磊", "经济界"),
    ("赵敏", "教育界"),
]


@pytest.fixture
def directory(db):
    load_seeds([path for path in seed_files() if path.name < "60"])
    for name, sector in MEMBERS:
        Member.objects.create(name=name, sector=Sector.objects.get_or_create(name=sector)[0])


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def upload(rows, name="台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows))
