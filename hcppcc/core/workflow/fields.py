"""Model fields the workflow's records share."""

from django.conf import settings
from django.db import models


def actor_field(**options) -> models.ForeignKey:
    """Who took a step: a user account, never deleted from under its records (PROTECT);
    empty when the system itself recorded it (seeds, imports)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        **options,
    )
