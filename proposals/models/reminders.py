"""What ``send_reminders`` has sent, so that it sends each reminder once a day."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.models import HandlingUnit


class ReminderLog(models.Model):
    """One reminder email: to a unit's contact, or (no unit) the office's summary."""

    date = models.DateField(_("date"))
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recipients = models.CharField(_("recipients"), max_length=500)
    items = models.PositiveIntegerField(_("items"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ("-date", "unit")
        constraints = [
            # The unique key of a day's reminders; reruns of the command find it and stop.
            models.UniqueConstraint(fields=("date", "unit"), name="reminder_once_a_day"),
            models.UniqueConstraint(
                fields=("date",), condition=Q(unit__isnull=True), name="summary_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.unit or _('office summary')}"
