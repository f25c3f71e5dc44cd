"""A type-ahead picker for proposals, as the directory's for members and units
(hcppcc/directory/pickers.py): the server searches the title and the case or registration
number, within the proposals the user may read, ten at a time. Activities link the
proposals they produced or supervised with it."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hcppcc.directory.pickers import Picker, PickOne, PickSeveral, picker_attrs
from proposals import scopes
from proposals.models import Proposal


def matching(queryset: QuerySet, typed: str) -> QuerySet:
    """Proposals whose title holds ``typed``, or whose case or registration number it is
    ("12" and "0012" find 第0012号)."""
    typed = typed.strip()
    if not typed:
        return queryset
    found = Q(title__icontains=typed)
    digits = typed.removeprefix("第").removesuffix("号")
    if digits.isdecimal() and len(digits) <= 9:
        found |= Q(case_number=int(digits)) | Q(registration_number=int(digits))
    return queryset.filter(found)


def proposal_label(proposal: Proposal) -> str:
    return f"{proposal}（{proposal.session}）"  # with its case number once it has one


class ProposalPicker(Picker):
    """``/pick/proposals/?q=…``: the proposals the user reads, newest session first;
    ``/pick/key-proposals/`` only key proposals (重点提案)."""

    key_only = False

    def get_queryset(self):
        proposals = scopes.PROPOSALS.visible_to(self.request.user).select_related("session")
        if self.key_only:
            proposals = proposals.filter(is_key=True)
        return matching(proposals, self.q).order_by(
            "-session__year", "-session__term", "-session__number", "case_number", "pk"
        )

    def get_result_label(self, proposal: Proposal) -> str:
        return proposal_label(proposal)


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, proposal: Proposal) -> str:
        return proposal_label(proposal)


class ProposalsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, proposal: Proposal) -> str:
        return proposal_label(proposal)


def proposal_field(
    *, multiple: bool = False, key_only: bool = False, required: bool = True, label=None, **options
) -> forms.Field:
    """A proposal (or several) picked by typing a title or a number; ``key_only``: among
    key proposals."""
    queryset = Proposal.objects.select_related("session")
    if key_only:
        queryset = queryset.filter(is_key=True)
    url = "proposals:pick-key-proposals" if key_only else "proposals:pick-proposals"
    attrs = picker_attrs(_("Type a title or a case number"))
    widget = PickSeveral(url=url, attrs=attrs) if multiple else PickOne(url=url, attrs=attrs)
    field = ProposalsChoiceField if multiple else ProposalChoiceField
    return field(
        queryset=queryset,
        required=required,
        label=label or _("proposal"),
        widget=widget,
        **options,
    )
