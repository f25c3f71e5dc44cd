"""Forms of the staff pages that are not workflow steps (those live in proposals/forms.py)."""

from django import forms
from django.core.exceptions import ValidationError

from hcppcc.core import stale
from hcppcc.core.records import StaleRecord
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.directory.choices import Role
from hcppcc.directory.models import Member, Session
from hcppcc.directory.pickers import member_field
from proposals import services
from proposals.choices import ProposerKind
from proposals.models import Proposal


class ProposalDraftForm(forms.ModelForm):
    """A proposal as the office types it in from the paper form, or as a member drafts it."""

    class Meta:
        model = Proposal
        fields = (
            "session",
            "title",
            "proposer_kind",
            "lead_member",
            "organization",
            "committee",
            "sector",
            "situation",
            "suggestions",
            "explanation",
        )
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 5}),
            "suggestions": forms.Textarea(attrs={"rows": 5}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["session"].initial = Session.objects.current()
        self.fields["lead_member"] = member_field(
            required=False, label=Proposal._meta.get_field("lead_member").verbose_name
        )
        office = user.is_superuser or user.has_role(Role.PROPOSAL_OFFICE)
        if not office:
            # A member drafts in their own name only, individually or jointly.
            own = Member.objects.filter(user=user)
            self.fields["lead_member"].queryset = own
            self.fields["lead_member"].initial = own.first()
            self.fields["proposer_kind"].choices = [
                (value, label)
                for value, label in ProposerKind.choices
                if value != ProposerKind.COLLECTIVE
            ]
            for name in ("organization", "committee", "sector"):
                del self.fields[name]

    def save_changes(self, *, by, opened: str) -> Proposal | None:
        """Write an edited draft's changed fields through ``proposal_update``, unless the
        draft was saved by someone else since version ``opened``: then None, with who
        changed what on the form, and nothing written."""
        problems = stale.conflict(self.instance, opened)
        if problems:
            self.add_error(None, problems)
            return None
        changes = {name: self.cleaned_data[name] for name in self.changed_data}
        try:
            return services.proposal_update(
                proposal=self.instance,
                by=by,
                changes=changes,
                unchanged_since=self.instance.updated_at,
            )
        except StaleRecord:  # saved in the moment between the check and the lock
            self.add_error(None, stale.conflict(Proposal.objects.get(pk=self.instance.pk), opened))
        except WorkflowError as error:
            self.add_error(None, error.message)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return None

    def save_through_service(self, *, by) -> Proposal | None:
        """Create the draft through ``proposal_create``; None, with the reason on the form,
        when the service refuses."""
        try:
            return services.proposal_create(proposal=self.instance, by=by)
        except WorkflowError as error:
            self.add_error(None, error.message)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return None
