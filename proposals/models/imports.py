"""Spreadsheet imports (导入): the uploaded file, each check and import of it, and the
outcome of every row, so the office can read what an import did long after it ran."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hcppcc.core.imports import RowOutcome
from proposals.choices import ImportKind, ImportStatus


def import_upload_to(instance, filename: str) -> str:
    """A random name per upload; only the .xlsx or .csv suffix is kept."""
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".csv") else ".bin"
    return f"imports/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class ImportRunQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("created_by", "imported_by").order_by("-created_at", "-pk")


class ImportRun(models.Model):
    """One uploaded spreadsheet and what became of it: checked (a dry run that writes
    nothing), then imported in one transaction, or refused with its rows' errors."""

    kind = models.CharField(_("list"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_to)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mapping = models.JSONField(
        _("column mapping"),
        default=dict,
        blank=True,
        help_text=_("Headers the import did not recognise, and the column each stands for."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_rows = models.PositiveIntegerField(_("new"), default=0)
    updated_rows = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return _("Import #%(pk)s %(name)s") % {"pk": self.pk, "name": self.file_name}

    @property
    def progress_key(self) -> str:
        return f"hcppcc:import:{self.pk}:progress"


class ImportRowResult(models.Model):
    """What the last check or import of a run did with one row of its file."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    key = models.CharField(_("record"), max_length=300, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ("run", "line")
        indexes = [models.Index(fields=("run", "outcome", "line"), name="import_row_outcome")]
        constraints = [
            models.UniqueConstraint(fields=("run", "line"), name="import_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.get_outcome_display()}"
