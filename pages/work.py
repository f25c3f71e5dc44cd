"""The committee's work and the office's year-end records on the staff pages: activities
with their participants, public-opinion reports and bulletin issues (committee staff);
awards and democratic evaluation (the office). Leaders and auditors read them.

Each page reads through its records' scope (a record outside it is a 404) and writes
through its app's service; a page that writes opens to the roles that hold the model's
permission (``record_save`` asks the same), the others get 403.
"""

from collections import Counter
from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import scopes as work
from activities.choices import Attendance
from activities.filtersets import BulletinFilterSet
from activities.models import Activity, Bulletin, Instruction, OpinionReport, Participation
from activities.services import report_editable
from hcppcc.core import stale
from hcppcc.core.audit import versions
from hcppcc.core.records import permission_for
from pages.access import opens_for
from pages.lists import Column, FilteredList
from pages.records import step_links
from pages.work_forms import (
    ActivityForm,
    AwardForm,
    BallotForm,
    BulletinForm,
    EvaluationRoundForm,
    InstructionForm,
    ParticipantsTable,
    ReportForm,
    without_errors,
)
from proposals import scopes
from proposals.choices import EvaluationRating
from proposals.filtersets import AwardFilterSet, EvaluationRoundFilterSet
from proposals.models import Award, EvaluationRound, EvaluationVote
from proposals.selectors import evaluation_results


def may(verb: str, model) -> Callable[..., bool]:
    """Whether the user's role writes ``model`` (``verb``: add or change): the model
    permission that ``record_save`` asks (each app's ``role_permissions``)."""
    permission = permission_for(model, verb)

    def test(user) -> bool:
        return user.is_authenticated and user.is_active and user.has_perm(permission)

    return test


def _record_form(request, form, *, template: str, context: dict, saved_url: Callable):
    """Show ``form``; on a post, save it through its service and go to ``saved_url(record)``."""
    posted = request.method == "POST"
    opened = request.POST.get(stale.FIELD) if posted else None
    if not form.instance._state.adding and not posted:
        opened = stale.version_of(form.instance)
    if posted and form.is_valid():
        record = form.save_through(by=request.user, opened=opened)
        if record is not None:
            messages.success(request, _("Saved."))
            return redirect(saved_url(record))
    return render(
        request,
        template,
        {"form": form, "opened_version": opened, **context},
        status=400 if posted else 200,
    )


def _history(record, label: str) -> list:
    return sorted(versions(record.history.all(), label), key=lambda v: v.at, reverse=True)


# --- activities ----------------------------------------------------------------------------


ACTIVITY_ADD = may("add", Activity)
ACTIVITY_CHANGE = may("change", Activity)


def _activity_form(request, activity: Activity):
    """The activity's form and its participants. The fill buttons (a committee's or a
    sector's members, one member) show the form again with the rows added; only "save"
    writes, the activity and its participants in one transaction."""
    posted = request.method == "POST"
    data = request.POST if posted else None
    participants = ParticipantsTable(data, activity=activity)
    form = ActivityForm(
        data, request.FILES if posted else None, instance=activity, participants=participants
    )
    action = request.POST.get("action", "save") if posted else ""
    context = {
        "participants": participants,
        "activity": activity if activity.pk else None,
        "media": form.media + participants.media,
    }
    if posted and action != "save":
        participants.fill(action)
        if request.FILES:
            messages.warning(request, _("Choose the attachment again before saving."))
        opened = request.POST.get(stale.FIELD)
        return render(
            request,
            "pages/work/activity_form.html",
            {"form": without_errors(form), "opened_version": opened, **context},
        )
    if posted and not participants.rows_valid():
        form.is_valid()
        return render(
            request,
            "pages/work/activity_form.html",
            {"form": form, "opened_version": request.POST.get(stale.FIELD), **context},
            status=400,
        )
    return _record_form(
        request,
        form,
        template="pages/work/activity_form.html",
        context=context,
        saved_url=lambda a: reverse("pages:activity", args=[a.pk]),
    )


@opens_for(ACTIVITY_ADD)
def activity_new(request):
    return _activity_form(request, Activity())


@opens_for(ACTIVITY_CHANGE)
def activity_edit(request, pk: int):
    return _activity_form(
        request, get_object_or_404(work.ACTIVITIES.visible_to(request.user), pk=pk)
    )


@opens_for(work.ACTIVITIES.reads_some)
def activity_detail(request, pk: int):
    """An activity: what, when, who took part (with attendance), its outputs, the
    proposals it produced or supervised, its steps and its change history."""
    user = request.user
    activity = get_object_or_404(
        work.ACTIVITIES.visible_to(user)
        .for_list()
        .prefetch_related("partners", "organizations", "leaders__sector"),
        pk=pk,
    )
    participations = list(
        work.PARTICIPATIONS.visible_to(user)
        .filter(activity=activity)
        .select_related("member__sector")
        .order_by("pk")
    )
    attendance = Counter(p.attendance for p in participations)
    proposals = scopes.PROPOSALS.visible_to(user).select_related("session").order_by("pk")
    changes = (
        Participation.history.filter(activity_id=activity.pk)
        .select_related("history_user", "member")
        .order_by("-history_date", "-history_id")[:100]
    )
    context = {
        "activity": activity,
        "participations": participations,
        "attendance": [(label, attendance[value]) for value, label in Attendance.choices],
        "produced": proposals.filter(source_activities=activity),
        "supervised": proposals.filter(supervising_activities=activity),
        "steps": step_links("activity", activity, user),
        "may_edit": ACTIVITY_CHANGE(user),
        "history": _history(activity, _("activity")),
        "participant_changes": changes,
    }
    return render(request, "pages/work/activity.html", context)


@opens_for(work.ACTIVITIES.reads_some)
def activity_attachment(request, pk: int):
    """An activity's report file, to whoever reads the activity (404 for anyone else)."""
    activity = get_object_or_404(
        work.ACTIVITIES.visible_to(request.user).exclude(attachment=""), pk=pk
    )
    name = activity.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(activity.attachment.open("rb"), as_attachment=True, filename=name)


# --- public-opinion reports ----------------------------------------------------------------


REPORT_ADD = may("add", OpinionReport)
REPORT_CHANGE = may("change", OpinionReport)


def _report_url(report: OpinionReport) -> str:
    return reverse("pages:report", args=[report.pk])


@opens_for(REPORT_ADD)
def report_new(request):
    form = ReportForm(request.POST or None, instance=OpinionReport())
    return _record_form(
        request, form, template="pages/work/report_form.html", context={}, saved_url=_report_url
    )


@opens_for(REPORT_CHANGE)
def report_edit(request, pk: int):
    """Correct a report until it is decided on (the service refuses afterwards; the page
    does not offer it)."""
    report = get_object_or_404(work.OPINION_REPORTS.visible_to(request.user), pk=pk)
    if not report_editable(report):
        messages.error(request, _("Only a report not yet decided on can be edited."))
        return redirect(_report_url(report))
    form = ReportForm(request.POST or None, instance=report)
    return _record_form(
        request,
        form,
        template="pages/work/report_form.html",
        context={"report": report},
        saved_url=_report_url,
    )


@opens_for(work.OPINION_REPORTS.reads_some)
def report_detail(request, pk: int):
    user = request.user
    report = get_object_or_404(
        work.OPINION_REPORTS.visible_to(user)
        .select_related("bulletin", "decided_by")
        .prefetch_related("members__sector", "organizations"),
        pk=pk,
    )
    context = {
        "report": report,
        "upward": report.upward.order_by("reported_on", "pk"),
        "instructions": report.instructions.order_by("date", "pk"),
        "steps": step_links("opinionreport", report, user),
        "may_edit": REPORT_CHANGE(user) and report_editable(report),
        "may_instruct": INSTRUCTION_ADD(user),
        "history": _history(report, _("public-opinion report")),
    }
    return render(request, "pages/work/report.html", context)


INSTRUCTION_ADD = may("add", Instruction)


@opens_for(INSTRUCTION_ADD)
def instruction_new(request, pk: int):
    """Record a leader's written instruction (批示) on a report."""
    report = get_object_or_404(work.OPINION_REPORTS.visible_to(request.user), pk=pk)
    form = InstructionForm(request.POST or None, instance=Instruction(report=report))
    return _record_form(
        request,
        form,
        template="pages/work/record_form.html",
        context={
            "title": _("Record an instruction"),
            "parent": (str(report), _report_url(report)),
            "back": _report_url(report),
        },
        saved_url=lambda _instruction: _report_url(report),
    )


# --- bulletin issues -----------------------------------------------------------------------


BULLETIN_ADD = may("add", Bulletin)
BULLETIN_CHANGE = may("change", Bulletin)


class BulletinList(FilteredList):
    scope = work.BULLETINS
    title = gettext_lazy("Bulletin issues")
    filterset_class = BulletinFilterSet
    filter_fields = ("year", "series")
    columns = (
        Column(gettext_lazy("bulletin issue"), "number"),
        Column(gettext_lazy("issued on"), "issued_on"),
        Column(gettext_lazy("reports")),
        Column(""),
    )
    row_template = "pages/rows/bulletin.html"
    api_list = "bulletin-list"

    def records(self, user):
        return (
            super()
            .records(user)
            .annotate(report_count=Count("reports"))
            .order_by("-year", "-number")
        )

    def extra_context(self, request) -> dict:
        return _create_link(request.user, BULLETIN_ADD, "pages:bulletin-new") | {
            "may_change": BULLETIN_CHANGE(request.user)
        }


def _create_link(user, opens, url_name: str) -> dict:
    if not opens(user):
        return {}
    return {"create_url": reverse(url_name), "create_label": _("New record")}


@opens_for(BULLETIN_ADD)
def bulletin_new(request):
    return _bulletin_form(request, Bulletin())


@opens_for(BULLETIN_CHANGE)
def bulletin_edit(request, pk: int):
    return _bulletin_form(
        request, get_object_or_404(work.BULLETINS.visible_to(request.user), pk=pk)
    )


def _bulletin_form(request, bulletin: Bulletin):
    back = reverse("pages:bulletins")
    return _record_form(
        request,
        BulletinForm(request.POST or None, instance=bulletin),
        template="pages/work/record_form.html",
        context={
            "title": _("Edit the bulletin issue") if bulletin.pk else _("New bulletin issue"),
            "parent": (_("Bulletin issues"), back),
            "back": back,
        },
        saved_url=lambda _bulletin: back,
    )


# --- awards --------------------------------------------------------------------------------


AWARD_ADD = may("add", Award)
AWARD_CHANGE = may("change", Award)


class AwardList(FilteredList):
    scope = scopes.AWARDS
    title = gettext_lazy("Awards")
    filterset_class = AwardFilterSet
    filter_fields = ("year", "kind")
    columns = (
        Column(gettext_lazy("year"), "year"),
        Column(gettext_lazy("kind")),
        Column(gettext_lazy("awarded to")),
        Column(gettext_lazy("decided on"), "decided_on"),
        Column(gettext_lazy("note")),
        Column(""),
    )
    row_template = "pages/rows/award.html"

    def records(self, user):
        return (
            super()
            .records(user)
            .select_related("proposal__session", "unit")
            .order_by("-year", "kind", "-id")
        )

    def extra_context(self, request) -> dict:
        return _create_link(request.user, AWARD_ADD, "pages:award-new") | {
            "may_change": AWARD_CHANGE(request.user)
        }


@opens_for(AWARD_ADD)
def award_new(request):
    return _award_form(request, Award())


@opens_for(AWARD_CHANGE)
def award_edit(request, pk: int):
    return _award_form(request, get_object_or_404(scopes.AWARDS.visible_to(request.user), pk=pk))


def _award_form(request, award: Award):
    back = reverse("pages:awards")
    return _record_form(
        request,
        AwardForm(request.POST or None, instance=award),
        template="pages/work/record_form.html",
        context={
            "title": _("Edit the award") if award.pk else _("Record an award"),
            "parent": (_("Awards"), back),
            "back": back,
        },
        saved_url=lambda _award: back,
    )


# --- democratic evaluation -----------------------------------------------------------------


ROUND_ADD = may("add", EvaluationRound)
ROUND_CHANGE = may("change", EvaluationRound)
BALLOT_ADD = may("add", EvaluationVote)


class EvaluationList(FilteredList):
    scope = scopes.EVALUATION_ROUNDS
    title = gettext_lazy("Democratic evaluation")
    filterset_class = EvaluationRoundFilterSet
    filter_fields = ("year", "q")
    columns = (
        Column(gettext_lazy("name")),
        Column(gettext_lazy("year"), "year"),
        Column(gettext_lazy("held on"), "held_on"),
        Column(gettext_lazy("units evaluated")),
        Column(gettext_lazy("ballots")),
    )
    row_template = "pages/rows/evaluation.html"

    def records(self, user):
        return (
            super()
            .records(user)
            .annotate(
                unit_count=Count("units", distinct=True),
                ballot_count=Count("votes__member", distinct=True),
            )
            .order_by("-year", "-held_on", "-id")
        )

    def extra_context(self, request) -> dict:
        return _create_link(request.user, ROUND_ADD, "pages:evaluation-new")


def _evaluation_url(evaluation_round: EvaluationRound) -> str:
    return reverse("pages:evaluation", args=[evaluation_round.pk])


@opens_for(ROUND_ADD)
def evaluation_new(request):
    return _evaluation_form(request, EvaluationRound())


@opens_for(ROUND_CHANGE)
def evaluation_edit(request, pk: int):
    evaluation_round = get_object_or_404(scopes.EVALUATION_ROUNDS.visible_to(request.user), pk=pk)
    return _evaluation_form(request, evaluation_round)


def _evaluation_form(request, evaluation_round: EvaluationRound):
    if evaluation_round.pk:
        parent = (str(evaluation_round), _evaluation_url(evaluation_round))
    else:
        parent = (_("Democratic evaluation"), reverse("pages:evaluations"))
    return _record_form(
        request,
        EvaluationRoundForm(request.POST or None, instance=evaluation_round),
        template="pages/work/record_form.html",
        context={
            "title": (
                _("Edit the evaluation round") if evaluation_round.pk else _("New evaluation round")
            ),
            "parent": parent,
            "back": parent[1],
        },
        saved_url=_evaluation_url,
    )


@opens_for(scopes.EVALUATION_ROUNDS.reads_some)
def evaluation_detail(request, pk: int):
    """A round: its units with each rating's votes and the satisfaction rate, computed
    from the ballots (``evaluation_results``)."""
    user = request.user
    evaluation_round = get_object_or_404(scopes.EVALUATION_ROUNDS.visible_to(user), pk=pk)
    results = [
        (result, [result.votes[rating] for rating in EvaluationRating])
        for result in evaluation_results(evaluation_round)
    ]
    ballots = (
        scopes.EVALUATION_VOTES.visible_to(user)
        .filter(round=evaluation_round)
        .values("member")
        .distinct()
        .count()
    )
    context = {
        "evaluation": evaluation_round,
        "results": results,
        "ratings": EvaluationRating.labels,
        "ballots": ballots,
        "may_edit": ROUND_CHANGE(user),
        "may_vote": BALLOT_ADD(user),
        "history": _history(evaluation_round, _("evaluation round")),
    }
    return render(request, "pages/work/evaluation.html", context)


@opens_for(BALLOT_ADD)
def evaluation_ballot(request, pk: int):
    """Type in the paper ballots one after another: each saved ballot comes back to an
    empty form for the next."""
    evaluation_round = get_object_or_404(scopes.EVALUATION_ROUNDS.visible_to(request.user), pk=pk)
    posted = request.method == "POST"
    form = BallotForm(request.POST if posted else None, evaluation_round=evaluation_round)
    if posted and form.is_valid():
        votes = form.save_through(by=request.user)
        if votes is not None:
            messages.success(
                request,
                _("%(member)s's ballot is recorded (%(count)d units).")
                % {"member": form.cleaned_data["member"].name, "count": len(votes)},
            )
            return redirect("pages:evaluation-ballot", pk=evaluation_round.pk)
    ballots = evaluation_round.votes.values("member").distinct().count()
    return render(
        request,
        "pages/work/ballot.html",
        {"form": form, "evaluation": evaluation_round, "ballots": ballots},
        status=400 if posted else 200,
    )
