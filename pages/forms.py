"""Forms of the staff pages that are not workflow steps (those live in proposals/forms.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hcppcc.core import stale
from hcppcc.core.files import DocumentsField
from hcppcc.core.records import StaleRecord
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.core.workflow.forms import show_on_form
from hcppcc.directory.models import Member, Session
from hcppcc.directory.pickers import member_field, unit_field
from proposals import services, workflow
from proposals.choices import CoSignerStatus, ProposerKind
from proposals.deadlines import deadlines
from proposals.models import EXPLANATION_MAX_LENGTH, Proposal
from proposals.services.drafting import CONTENT_FIELDS


class Text(forms.Textarea):
    """A textarea whose line breaks arrive as one character each, as the page counts
    them: browsers send two (CR LF), which would use up a length limit twice as fast."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ProposalDraftForm(forms.ModelForm):
    """A proposal as the office types it in from the paper form, or as a member drafts it:
    individual, joint (with the members invited to co-sign) or collective (a party's, a
    committee's, a sector group's); the units it suggests; the material handed in with it.
    The service writes it; the form only reads what was typed in."""

    cosigners = member_field(
        required=False,
        multiple=True,
        label=_("co-signers (联名人)"),
        help_text=_(
            "Each is asked to confirm on their own page once the proposal is submitted, "
            "within %(days)d days."
        ),
    )
    suggested_units = unit_field(
        required=False, multiple=True, label=_("units the proposer suggests")
    )
    # Most proposers agree to publication: the box says the exception, which needs a reason.
    withhold_publication = forms.BooleanField(
        required=False, label=_("The proposer does not agree to publication")
    )
    attachments = DocumentsField(
        required=False,
        label=_("attachments"),
        help_text=_("Survey reports, data, photographs: PDF, Word, Excel, JPEG or PNG."),
    )

    # As the paper form reads: who proposes, what, to whom, then the rest.
    ORDER = (
        "session",
        "proposer_kind",
        "lead_member",
        "organization",
        "committee",
        "sector",
        "cosigners",
        "title",
        "situation",
        "suggestions",
        "explanation",
        "suggested_units",
        "period",
        "withhold_publication",
        "no_publish_reason",
        "attachments",
    )

    class Meta:
        model = Proposal
        fields = (
            "session",
            "proposer_kind",
            "lead_member",
            "organization",
            "committee",
            "sector",
            "title",
            "situation",
            "suggestions",
            "explanation",
            "period",
            "no_publish_reason",
        )
        widgets = {
            "situation": Text(attrs={"rows": 6}),
            "suggestions": Text(attrs={"rows": 6}),
            "explanation": Text(
                attrs={
                    "rows": 3,
                    "data-counter": EXPLANATION_MAX_LENGTH,
                    "data-counter-text": _("%(used)s of at most %(limit)s characters"),
                }
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.order_fields(self.ORDER)
        self.fields["cosigners"].help_text = self.fields["cosigners"].help_text % {
            "days": deadlines().cosign_days
        }
        self.fields["session"].initial = Session.objects.current()
        self.initial["withhold_publication"] = not self.instance.consent_to_publish
        # Left unsaid, a proposal came in during the plenary (the model's default).
        self.fields["period"].required = False
        self.fields["lead_member"] = member_field(
            required=False, label=Proposal._meta.get_field("lead_member").verbose_name
        )
        if self.instance.pk:
            # Those still asked or who agreed; a refusal stays on record, unshown here.
            self.initial["cosigners"] = list(
                self.instance.cosigners.filter(
                    status__in=(CoSignerStatus.INVITED, CoSignerStatus.CONFIRMED)
                ).values_list("member_id", flat=True)
            )
            self.initial["suggested_units"] = list(
                self.instance.suggested_units.values_list("pk", flat=True)
            )
        # What the draft holds now, to write only what the clerk changed (``changes``).
        self.saved = {
            name: _comparable(self.initial.get(name))
            for name in CONTENT_FIELDS
            if name in self.fields
        }
        self.for_anyone = workflow.OFFICE.allow_some(user)
        if not self.for_anyone:
            # A member drafts in their own name, individually or jointly: not asked who.
            self.instance.lead_member = Member.objects.filter(user=user).first()
            self.fields["proposer_kind"].choices = [
                (value, label)
                for value, label in ProposerKind.choices
                if value != ProposerKind.COLLECTIVE
            ]
            for name in ("lead_member", "organization", "committee", "sector"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("proposer_kind")
        cosigners = cleaned.get("cosigners") or []
        lead = cleaned.get("lead_member") if self.for_anyone else self.instance.lead_member
        if kind == ProposerKind.COLLECTIVE:
            named = [n for n in ("organization", "committee", "sector") if cleaned.get(n)]
            if len(named) != 1:
                self.add_error(
                    "organization",
                    _("Name one proposer: a party or organization, a committee or a sector."),
                )
            # Hidden for this kind on the form: what they held no longer counts.
            cleaned["lead_member"], cleaned["cosigners"] = None, []
        else:
            if self.for_anyone and not lead:
                self.add_error("lead_member", _("Name the lead proposer."))
            for name in ("organization", "committee", "sector"):
                cleaned[name] = None
            if kind == ProposerKind.INDIVIDUAL:
                cleaned["cosigners"] = cosigners = []
            if lead and lead in cosigners:
                self.add_error("cosigners", _("The lead proposer cannot also co-sign."))
        if not cleaned.get("period"):
            cleaned["period"] = Proposal._meta.get_field("period").default
        if cleaned.get("withhold_publication"):
            if not cleaned.get("no_publish_reason"):
                self.add_error(
                    "no_publish_reason", _("Say why the proposal should not be published.")
                )
        else:
            cleaned["no_publish_reason"] = ""
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        self.instance.consent_to_publish = not self.cleaned_data.get("withhold_publication")

    def save_changes(self, *, by, opened: str) -> Proposal | None:
        """Write an edited draft through ``proposal_update``: the changed fields, the
        co-signers and the new attachments — unless someone else saved it since version
        ``opened``: then None, with who changed what on the form, and nothing written."""
        problems = stale.conflict(self.instance, opened)
        if problems:
            self.add_error(None, problems)
            return None
        changes = self.changes()
        if "withhold_publication" in self.changed_data:
            changes["consent_to_publish"] = not self.cleaned_data["withhold_publication"]
        wanted = list(self.cleaned_data["cosigners"])
        unchanged = _comparable(wanted) == _comparable(self.initial.get("cosigners"))
        cosigners = None if unchanged else wanted
        return self._through_service(
            services.proposal_update,
            proposal=self.instance,
            by=by,
            changes=changes,
            cosigners=cosigners,
            attachments=self.cleaned_data["attachments"],
            unchanged_since=self.instance.updated_at,
            opened=opened,
        )

    def changes(self) -> dict:
        """The content fields whose cleaned value differs from the draft's: those typed
        in, and those the kind of proposer cleared (a collective proposal's lead)."""
        return {
            name: self.cleaned_data[name]
            for name, saved in self.saved.items()
            if name in self.cleaned_data and _comparable(self.cleaned_data[name]) != saved
        }

    def save_through_service(self, *, by) -> Proposal | None:
        """Create the draft through ``proposal_create``; None, with the reason on the form,
        when the service refuses."""
        return self._through_service(
            services.proposal_create,
            proposal=self.instance,
            by=by,
            cosigners=list(self.cleaned_data["cosigners"]),
            suggested_units=list(self.cleaned_data["suggested_units"]),
            attachments=self.cleaned_data["attachments"],
        )

    def _through_service(self, service, *, opened: str | None = None, **arguments):
        try:
            return service(**arguments)
        except StaleRecord:  # saved in the moment between the check and the lock
            self.add_error(None, stale.conflict(Proposal.objects.get(pk=self.instance.pk), opened))
        except WorkflowError as error:
            self.add_error(None, error.message)
        except ValidationError as error:
            show_on_form(self, self.instance, error)
        return None


def _comparable(value):
    """A form value as the draft's: a record as its key, several as a set of keys."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return frozenset(_comparable(one) for one in value)
    if value == "":
        return None
    return value
