"""Supporting material handed in with a proposal: a survey report, photographs, data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hcppcc.core.files import RandomName, validate_document
from hcppcc.core.workflow.fields import actor_field
from hcppcc.directory.models import TimeStamped
from proposals.models.lifecycle import Proposal


class ProposalAttachment(TimeStamped):
    """A file that supports a proposal (附件). Stored under a random name, served only to
    those who may read the proposal; its name as handed in is kept to show."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"), upload_to=RandomName("proposals"), validators=[validate_document]
    )
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = actor_field(verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name
