"""Uploaded documents (reply letters, reports, evidence): a size limit, an allow-list of
types recognised by their content rather than their name, and random stored names."""

import uuid
import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ALLOWED = {"pdf", "docx", "xlsx", "jpeg", "png"}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpeg": "jpg", "png": "png"}


def sniff(head: bytes, upload) -> str | None:
    """The document's type from its first bytes (and, for Office files, their parts)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and not any(n.endswith("vbaProject.bin") for n in names):
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def validate_document(upload) -> None:
    """Refuse files over the size limit and files that are not PDF, DOCX, XLSX, JPEG or PNG
    by their content (a renamed program stays a program); give an accepted one the
    extension of its type."""
    if isinstance(upload, FieldFile) and upload._committed:
        return  # a stored file was checked when it came in; only new uploads are checked
    limit = settings.HCPPCC_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": settings.HCPPCC_MAX_UPLOAD_MB}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind not in ALLOWED:
        raise ValidationError(_("Only PDF, Word (DOCX), Excel (XLSX), JPEG and PNG files."))
    # The name the storage sees ends in the type found, whatever the uploader called it.
    upload.name = f"{PurePath(upload.name).stem}.{EXTENSIONS[kind]}"


@deconstructible
class RandomName:
    """``upload_to`` that stores a file under a random name in a folder per year, keeping
    only the extension of its type: the uploader's file name never reaches the disk."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower().lstrip(".")
        suffix = suffix if suffix in EXTENSIONS.values() or suffix == "jpeg" else "bin"
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}.{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


class MultipleDocumentsInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several documents chosen at once (PDF, DOCX, XLSX, JPEG or PNG by content, each at
    most the upload limit); cleans to a list, empty when none was chosen."""

    default_validators = [validate_document]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleDocumentsInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []
