"""Forms of the committee's work (activities, opinion reports, bulletin issues) and of the
office's year-end records (awards, democratic evaluation) on the staff pages.

Each saves through its app's one service, shows the service's refusal on the form (nothing
is half-saved), and refuses an edit opened before someone else's save, with their changes.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import services as work
from activities.choices import ActivityStatus, Attendance
from activities.models import (
    Activity,
    ActivityKind,
    Bulletin,
    Instruction,
    OpinionReport,
    PartnerBody,
)
from hcppcc.core import stale
from hcppcc.core.records import StaleRecord
from hcppcc.core.workflow.errors import WorkflowError
from hcppcc.directory.models import Committee, HandlingUnit, Member, Organization, Sector
from hcppcc.directory.pickers import MembersChoiceField, member_field, unit_field
from proposals import services
from proposals.choices import EvaluationRating
from proposals.models import Award, EvaluationRound
from proposals.pickers import proposal_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_refusal(form: forms.Form, error: Exception) -> None:
    """A service's refusal on the form: field errors at their fields where the form has
    them, the rest at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    elif isinstance(error, WorkflowError):
        form.add_error(None, error.message)
    else:
        form.add_error(None, str(error))


def without_errors(form: forms.Form) -> forms.Form:
    """Show a bound form as typed, without validating it: the clerk filled the list of
    participants, and has not yet asked to save (so "required" would be noise)."""
    form._errors = ErrorDict()
    return form


def _active_or_chosen(queryset: models.QuerySet, chosen) -> models.QuerySet:
    """Active reference rows, and those the record already names though retired since."""
    return queryset.filter(Q(is_active=True) | Q(pk__in=chosen))


class ServiceForm(forms.ModelForm):
    """A plain record's form that writes through its service (``through``): a new record
    with every field, an edit with the fields the clerk changed."""

    def through(self, *, by, changes: dict, related: dict, unchanged_since):
        raise NotImplementedError

    def _chosen(self, name: str) -> list[int]:
        if self.instance._state.adding:
            return []
        return list(getattr(self.instance, name).values_list("pk", flat=True))

    def values(self) -> tuple[dict, dict]:
        """(field → value, many-to-many field → rows) to write. Values are the instance's,
        as the form filled it in (a cleared file is "", an upload a file to store)."""
        model_fields = {field.name for field in self.instance._meta.get_fields()}
        many = {field.name for field in self.instance._meta.many_to_many}
        adding = self.instance._state.adding
        names = [
            name
            for name in self.fields
            if name in model_fields and name in self.cleaned_data
            if adding or name in self.changed_data
        ]
        changes = {name: getattr(self.instance, name) for name in names if name not in many}
        related = {name: self.cleaned_data[name] for name in names if name in many}
        return changes, related

    def save_through(self, *, by, opened: str | None):
        """The saved record, or None with the reasons on the form."""
        record = self.instance
        adding = record._state.adding
        if not adding and (problems := stale.conflict(record, opened)):
            self.add_error(None, problems)
            return None
        changes, related = self.values()
        try:
            return self.through(
                by=by,
                changes=changes,
                related=related,
                unchanged_since=None if adding else record.updated_at,
            )
        except StaleRecord:  # saved in the moment between the check and the lock
            fresh = type(record)._default_manager.get(pk=record.pk)
            self.add_error(None, stale.conflict(fresh, opened))
        except (ValidationError, WorkflowError, PermissionDenied) as error:
            show_refusal(self, error)
        return None


# --- activities ----------------------------------------------------------------------------


class LeadersField(MembersChoiceField):
    widget = forms.CheckboxSelectMultiple


@dataclass
class ParticipantRow:
    member: Member
    checked: bool
    attendance: str


def _ids(values: list[str]) -> list[int]:
    """The member ids a form posted, in order, once each; anything else is dropped."""
    seen = []
    for value in values:
        if value.isdecimal() and len(value) < 19 and int(value) not in seen:
            seen.append(int(value))
    return seen


class ParticipantsTable(forms.Form):
    """An activity's participants as the clerk picks them: a committee's or a sector's
    active members, or one member typed in, fill the list (ticked); the clerk unticks
    those who did not take part and sets each one's attendance. Only ticked rows are
    saved. The rows travel in the form: ``listed`` (every row), ``participant`` (ticked),
    ``attendance-<member id>``."""

    fill_committee = forms.ModelChoiceField(
        queryset=Committee.objects.active(), required=False, label=_("a committee's members")
    )
    fill_sector = forms.ModelChoiceField(
        queryset=Sector.objects.active(), required=False, label=_("a sector's members")
    )

    FILL = {"fill-committee": "fill_committee", "fill-sector": "fill_sector", "add": "add_member"}

    def __init__(self, data=None, *, activity: Activity):
        super().__init__(data)
        self.fields["add_member"] = member_field(required=False, label=_("one member"))
        self.attendance_choices = Attendance.choices
        self.row_errors: list[str] = []
        if data is None:
            participations = (
                activity.participations.select_related("member__sector").order_by("pk")
                if activity.pk
                else []
            )
            self.rows = [ParticipantRow(p.member, True, p.attendance) for p in participations]
            return
        listed = _ids(data.getlist("listed"))
        ticked = set(_ids(data.getlist("participant")))
        members = Member.objects.select_related("sector").in_bulk(listed)
        self.rows = [
            ParticipantRow(
                members[pk], pk in ticked, data.get(f"attendance-{pk}", Attendance.PRESENT)
            )
            for pk in listed
            if pk in members
        ]

    def fill(self, action: str) -> None:
        """Add the members ``action`` asks for, ticked (and tick them if listed)."""
        if action not in self.FILL or not self.is_valid():
            return
        chosen = self.cleaned_data.get(self.FILL[action])
        if chosen is None:
            self.add_error(self.FILL[action], _("Choose one first."))
            return
        if action == "add":
            members = [chosen]
        else:
            members = chosen.members.active().select_related("sector").order_by("name", "pk")
        rows = {row.member.pk: row for row in self.rows}
        for member in members:
            if member.pk in rows:
                rows[member.pk].checked = True
            else:
                self.rows.append(ParticipantRow(member, True, Attendance.PRESENT))

    def fillers(self) -> list[tuple]:
        """(field, action, button label) of each way of filling the list, as shown."""
        return [
            (self["fill_committee"], "fill-committee", _("Fill")),
            (self["fill_sector"], "fill-sector", _("Fill")),
            (self["add_member"], "add", _("Add to the list")),
        ]

    @property
    def attendance(self) -> dict[Member, str]:
        return {row.member: row.attendance for row in self.rows if row.checked}

    @property
    def ticked(self) -> int:
        return sum(row.checked for row in self.rows)

    def rows_valid(self) -> bool:
        wrong = [row.member.name for row in self.rows if row.attendance not in Attendance.values]
        if wrong:
            self.row_errors = [
                _("Choose the attendance of: %(names)s.") % {"names": "、".join(wrong)}
            ]
        return not wrong


class ActivityForm(ServiceForm):
    """An activity as committee staff record it, with its participants (``participants``)
    saved in the same transaction."""

    class Meta:
        model = Activity
        fields = (
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "places",
            "status",
            "committees",
            "leaders",
            "partners",
            "organizations",
            "report_title",
            "report_text",
            "attachment",
            "produced_proposals",
            "supervised_proposals",
        )
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "committees": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "organizations": forms.CheckboxSelectMultiple,
            "report_text": forms.Textarea(attrs={"rows": 6}),
        }

    # Shown in groups on the page.
    BASICS = ("kind", "title", "starts_on", "ends_on", "places", "status")
    WHO = ("committees", "leaders", "partners", "organizations")
    OUTPUTS = ("report_title", "report_text", "attachment")
    LINKS = ("produced_proposals", "supervised_proposals")

    def __init__(self, *args, participants: ParticipantsTable, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = participants
        fields = self.fields
        if self.instance._state.adding:
            fields["status"].initial = ActivityStatus.DONE
            fields["status"].help_text = _("A planned activity is marked done later, by its step.")
        else:
            del fields["status"]  # changed only by its step (mark-done)
        fields["kind"].queryset = _active_or_chosen(
            ActivityKind.objects.all(), [self.instance.kind_id]
        )
        for name, model in (
            ("committees", Committee),
            ("partners", PartnerBody),
            ("organizations", Organization),
        ):
            fields[name].queryset = _active_or_chosen(model.objects.all(), self._chosen(name))
        fields["leaders"] = LeadersField(
            queryset=_active_or_chosen(
                Member.objects.leaders().select_related("sector"), self._chosen("leaders")
            ).order_by("name"),
            required=False,
            label=Activity._meta.get_field("leaders").verbose_name,
        )
        for name, key_only in (("produced_proposals", False), ("supervised_proposals", True)):
            fields[name] = proposal_field(
                multiple=True,
                key_only=key_only,
                required=False,
                label=Activity._meta.get_field(name).verbose_name,
            )

    def group(self, names):
        return [self[name] for name in names if name in self.fields]

    def basics(self):
        return self.group(self.BASICS)

    def who(self):
        return self.group(self.WHO)

    def outputs(self):
        return self.group(self.OUTPUTS)

    def links(self):
        return self.group(self.LINKS)

    def through(self, *, by, changes, related, unchanged_since):
        with transaction.atomic():
            activity = work.activity_save(
                activity=self.instance,
                by=by,
                changes=changes,
                related=related,
                unchanged_since=unchanged_since,
            )
            work.activity_set_participants(
                activity=activity, by=by, attendance=self.participants.attendance
            )
        return activity


# --- public-opinion reports and bulletin issues --------------------------------------------


class ReportForm(ServiceForm):
    class Meta:
        model = OpinionReport
        fields = ("title", "content", "received_on", "members", "organizations")
        widgets = {
            "received_on": DATE,
            "content": forms.Textarea(attrs={"rows": 8}),
            "organizations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["members"] = member_field(
            multiple=True,
            required=False,
            label=OpinionReport._meta.get_field("members").verbose_name,
            queryset=Member.objects.select_related("sector"),
        )
        self.fields["organizations"].queryset = _active_or_chosen(
            Organization.objects.all(), self._chosen("organizations")
        )

    def through(self, *, by, changes, related, unchanged_since):
        return work.report_save(
            report=self.instance,
            by=by,
            changes=changes,
            related=related,
            unchanged_since=unchanged_since,
        )


class InstructionForm(ServiceForm):
    class Meta:
        model = Instruction
        fields = ("leader", "level", "date", "text")
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 4})}

    def through(self, *, by, changes, related, unchanged_since):
        return work.instruction_save(instruction=self.instance, by=by, changes=changes)


class BulletinForm(ServiceForm):
    class Meta:
        model = Bulletin
        fields = ("series", "year", "number", "issued_on")
        widgets = {"issued_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            today = timezone.localdate()
            self.fields["year"].initial = today.year
            self.fields["issued_on"].initial = today

    def through(self, *, by, changes, related, unchanged_since):
        return work.bulletin_save(
            bulletin=self.instance, by=by, changes=changes, unchanged_since=unchanged_since
        )


# --- awards and democratic evaluation ------------------------------------------------------


class AwardForm(ServiceForm):
    class Meta:
        model = Award
        fields = ("year", "kind", "proposal", "unit", "decided_on", "note")
        widgets = {"decided_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"] = proposal_field(
            required=False,
            label=Award._meta.get_field("proposal").verbose_name,
            help_text=_("For an excellent proposal (优秀提案)."),
        )
        self.fields["unit"] = unit_field(
            required=False,
            queryset=_active_or_chosen(HandlingUnit.objects.all(), [self.instance.unit_id]),
            help_text=_("For an advanced handling unit (先进承办单位)."),
        )
        if self.instance._state.adding:
            self.fields["year"].initial = timezone.localdate().year - 1

    def through(self, *, by, changes, related, unchanged_since):
        return services.award_record(
            award=self.instance, by=by, changes=changes, unchanged_since=unchanged_since
        )


class EvaluationRoundForm(ServiceForm):
    class Meta:
        model = EvaluationRound
        fields = ("name", "year", "held_on", "units")
        widgets = {"held_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = unit_field(
            multiple=True,
            label=EvaluationRound._meta.get_field("units").verbose_name,
            queryset=_active_or_chosen(HandlingUnit.objects.all(), self._chosen("units")),
        )
        if self.instance._state.adding:
            self.fields["year"].initial = timezone.localdate().year

    def through(self, *, by, changes, related, unchanged_since):
        return services.evaluation_round_save(
            evaluation_round=self.instance,
            by=by,
            changes=changes,
            units=related.get("units"),
            unchanged_since=unchanged_since,
        )


class BallotForm(forms.Form):
    """One participant's paper ballot: a rating for each unit of the round (a unit left
    blank on the paper is left blank here)."""

    def __init__(self, *args, evaluation_round: EvaluationRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluation_round = evaluation_round
        self.fields["member"] = member_field(label=_("participant"))
        self.units = list(evaluation_round.units.order_by("sort_order", "name"))
        choices = [("", "—"), *EvaluationRating.choices]
        for unit in self.units:
            self.fields[f"unit-{unit.pk}"] = forms.ChoiceField(
                choices=choices, required=False, label=unit.name
            )

    def ratings(self) -> dict:
        return {
            unit: self.cleaned_data[f"unit-{unit.pk}"]
            for unit in self.units
            if self.cleaned_data.get(f"unit-{unit.pk}")
        }

    def save_through(self, *, by) -> list | None:
        try:
            return services.evaluation_votes_record(
                evaluation_round=self.evaluation_round,
                by=by,
                member=self.cleaned_data["member"],
                ratings=self.ratings(),
            )
        except (ValidationError, WorkflowError, PermissionDenied) as error:
            show_refusal(self, error)
        return None
