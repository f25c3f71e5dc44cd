"""Uploaded documents: allow-listed types by content, a size limit, random stored names."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.choices import ProposalStatus
from proposals.models import Reply
from tests.forms import opened

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _reply(client, walk, upload):
    assigned = walk.to(ProposalStatus.ASSIGNED)
    lead = walk.lead(assigned)
    from proposals import services

    services.assignment_acknowledge(assignment=lead, by=walk.office)
    url = reverse("pages:step", args=["assignment", lead.pk, "submit-reply"])
    return client.post(
        url,
        {
            **opened(lead),
            "result_class": walk.ref["A"].pk,
            "text": "已办理。",
            "signer": "王局长",
            "reply_date": "2020-07-01",
            "file": upload,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("答复函.pdf", PDF, "pdf"),
        ("答复函.docx", _docx(), "docx"),
        # The stored name says what the file is, not what its name claimed.
        ("答复函.png", PDF, "pdf"),
        ("答复函", _docx(), "docx"),
    ],
)
def test_a_letter_is_stored_under_a_random_name(
    client, unit_a_user, walk, settings, tmp_path, name, content, suffix
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(unit_a_user)
    response = _reply(client, walk, SimpleUploadedFile(name, content))
    assert response.status_code == 302
    stored = Reply.objects.get().file.name
    assert stored.startswith("replies/")
    assert stored.endswith(f".{suffix}")
    assert "答复函" not in stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("答复函.pdf", b"MZ\x90\x00 a program with a .pdf name"),
        ("表格.xlsx", b"PK\x03\x04 not really a zip"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_other_files_are_refused_in_chinese_and_nothing_is_saved(
    client, unit_a_user, walk, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(unit_a_user)
    response = _reply(client, walk, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "只接受" in response.content.decode()
    assert not Reply.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_files_over_the_limit_are_refused(client, unit_a_user, walk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HCPPCC_MAX_UPLOAD_MB = 1
    client.force_login(unit_a_user)
    big = PDF + b"0" * (1024 * 1024)
    response = _reply(client, walk, SimpleUploadedFile("大文件.pdf", big))
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    assert not Reply.objects.exists()
