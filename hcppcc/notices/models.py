"""A notice is one message to one person, written in the transaction of the step it tells
of; each channel's delivery of it is a row of its own, at most one per notice and channel,
so that a delivery retried (a worker restarted, a task run twice) sends nothing twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def inbox(self) -> "NoticeQuerySet":
        """A person's inbox order: unread first, newest first."""
        return self.order_by(models.F("read_at").asc(nulls_first=True), "-created_at", "-pk")

    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # What happened, for filters and templates: "assigned", "reply_approved", …
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # Where it is dealt with, on the staff pages.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=("recipient", "read_at"), name="notice_inbox")]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A notice sent (or not) on one channel. The row is written before the sending and
    marked after it; a row already sent is never sent again."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=("notice", "channel"), name="delivery_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_channel_display()}"
