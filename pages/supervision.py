"""The office's and the leaders' pages for key proposals and look-back reviews: the chair
meeting's decisions on nominations, and look-back campaigns opened and followed. The steps
themselves (decide, plan, record, report, findings) are the workflow's, taken through the
one step view."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.core.workflow.forms import show_on_form
from hcppcc.directory.models import Session
from pages.access import opens_for
from pages.lists import Column, FilteredList
from proposals import scopes, services, workflow
from proposals.filtersets import KeyNominationFilterSet, LookBackCampaignFilterSet
from proposals.models import LookBackCampaign, ResultClass


class KeyNominationList(FilteredList):
    """Nominations of key proposals, waiting ones first: the office records the chair
    meeting's decision on each (重点提案遴选)."""

    scope = scopes.KEY_NOMINATIONS
    title = gettext_lazy("Key proposal nominations")
    filterset_class = KeyNominationFilterSet
    filter_fields = ("decision", "nominated_by", "session")
    columns = (
        Column(gettext_lazy("proposal")),
        Column(gettext_lazy("nominated by")),
        Column(gettext_lazy("nominated on"), "nominated_on"),
        Column(gettext_lazy("reason")),
        Column(gettext_lazy("decision")),
    )
    row_template = "pages/rows/keynomination.html"
    api_list = "keynomination-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("proposal", "proposal__session", "organization", "committee")
            # The waiting ones (no decision date yet) first, on every database.
            .order_by(F("decided_on").asc(nulls_first=True), "-nominated_on", "-id")
        )

    def extra_context(self, request) -> dict:
        may_decide = workflow.DECIDE_KEY.roles.allow_some(request.user)
        return {"row_step": workflow.DECIDE_KEY if may_decide else None}


class LookBackCampaignList(FilteredList):
    """Look-back campaigns (回头看活动), each with its items to review."""

    scope = scopes.LOOKBACK_CAMPAIGNS
    title = gettext_lazy("Look-back campaigns")
    filterset_class = LookBackCampaignFilterSet
    filter_fields = ("year", "session")
    columns = (
        Column(gettext_lazy("name")),
        Column(gettext_lazy("year"), "year"),
        Column(gettext_lazy("session reviewed")),
        Column(gettext_lazy("result classes reviewed")),
        Column(gettext_lazy("period"), "starts_on"),
    )
    row_template = "pages/rows/lookbackcampaign.html"
    api_list = "lookbackcampaign-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("session")
            .prefetch_related("result_classes")
            .order_by("-year", "-starts_on", "-id")
        )

    def extra_context(self, request) -> dict:
        if not workflow.OPEN_LOOK_BACK.roles.allow_some(request.user):
            return {}
        return {"page_links": [(_("Open a look-back campaign"), reverse("pages:lookback-new"))]}


class LookBackCampaignForm(forms.ModelForm):
    result_classes = forms.ModelMultipleChoiceField(
        queryset=ResultClass.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("result classes reviewed"),
        help_text=gettext_lazy("Every approved reply of the session in these classes is reviewed."),
    )

    class Meta:
        model = LookBackCampaign
        fields = ("name", "year", "session", "result_classes", "starts_on", "ends_on", "committee")
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = Session.objects.current()
        self.fields["session"].initial = current
        self.fields["year"].initial = timezone.localdate().year
        self.fields["result_classes"].initial = ResultClass.objects.filter(code__in=("B", "C"))


@opens_for(workflow.OPEN_LOOK_BACK.roles.allow_some)
def lookback_new(request):
    """Open a look-back campaign: one review item for each reply of the classes chosen."""
    posted = request.method == "POST"
    form = LookBackCampaignForm(request.POST if posted else None)
    if posted and form.is_valid():
        campaign = form.save(commit=False)
        try:
            campaign = services.lookback_campaign_create(
                campaign=campaign,
                by=request.user,
                result_classes=form.cleaned_data["result_classes"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            show_on_form(form, campaign, error)
        else:
            items = campaign.items.count()
            messages.success(
                request,
                _("The campaign is open, with %(count)d replies to review.") % {"count": items},
            )
            return redirect(f"{reverse('pages:lookback')}?campaign={campaign.pk}")
    return render(
        request,
        "pages/form.html",
        {"form": form, "title": _("Open a look-back campaign"), "back": reverse("pages:campaigns")},
        status=400 if posted else 200,
    )
