"""The committee's other work: activities, public-opinion reports, duty scoring."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.choices import (
    ActivityStatus,
    Attendance,
    DutyItem,
    InstructionLevel,
    ReportStatus,
    UpwardLevel,
)
from hcppcc.core.files import RandomName, validate_document
from hcppcc.core.workflow.fields import actor_field
from hcppcc.directory.models import Committee, Member, Named, Organization, TimeStamped
from proposals.models import Proposal


class ActivityKind(Named):
    """A kind of activity (视察, 调研, 联合调研, 知情明政吹风会 …). ``is_plenary`` marks the
    plenary sessions whose attendance the duty scorecard counts."""

    is_plenary = models.BooleanField(_("plenary session"), default=False)

    class Meta(Named.Meta):
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")


class PartnerBody(Named):
    """A body the committee works with (自治区政协, 旗县区政协 …)."""

    class Meta(Named.Meta):
        verbose_name = _("partner body")
        verbose_name_plural = _("partner bodies")


class ActivityQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("kind").prefetch_related("committees", "leaders")


class Activity(TimeStamped):
    """An inspection, investigation, consultation, briefing … (履职活动)."""

    kind = models.ForeignKey(
        ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("topic"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    places = models.CharField(_("places"), max_length=300, blank=True)
    committees = models.ManyToManyField(
        Committee, verbose_name=_("organising committees"), related_name="activities", blank=True
    )
    leaders = models.ManyToManyField(
        Member,
        verbose_name=_("leading leaders"),
        related_name="led_activities",
        blank=True,
        limit_choices_to=Q(position__in=("chair", "vice_chair", "secretary_general")),
    )
    partners = models.ManyToManyField(
        PartnerBody, verbose_name=_("partner bodies"), related_name="activities", blank=True
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("participating parties and groups"),
        related_name="activities",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DONE
    )
    report_title = models.CharField(_("report title"), max_length=200, blank=True)
    report_text = models.TextField(_("report"), blank=True)
    attachment = models.FileField(
        _("attachment"),
        upload_to=RandomName("activities"),
        blank=True,
        validators=[validate_document],
    )
    produced_proposals = models.ManyToManyField(
        Proposal,
        verbose_name=_("proposals it produced"),
        related_name="source_activities",
        blank=True,
    )
    supervised_proposals = models.ManyToManyField(
        Proposal,
        verbose_name=_("key proposals it supervised"),
        related_name="supervising_activities",
        blank=True,
        limit_choices_to={"is_key": True},
    )
    is_demo = models.BooleanField(
        _("demonstration record"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo; not a real record."),
    )

    objects = ActivityQuerySet.as_manager()

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ("-starts_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
        ]
        indexes = [
            # The yearly figures: activities of a year by kind.
            models.Index(fields=("starts_on", "kind"), name="activity_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} {self.title}"


class Participation(models.Model):
    """A member's attendance at an activity."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="participations"
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.PRESENT
    )

    # Who added, marked or took off each participant: the duty scorecards count them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=("activity", "member"), name="participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_attendance_display()}"


class Bulletin(TimeStamped):
    """An issue (期) of the public-opinion bulletin, e.g. 《呼和浩特市社情民意》2020年第12期."""

    series = models.CharField(_("series"), max_length=100, default="呼和浩特市社情民意")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2999)]
    )
    number = models.PositiveSmallIntegerField(_("issue"), validators=[MinValueValidator(1)])
    issued_on = models.DateField(_("issued on"))
    is_demo = models.BooleanField(_("demonstration record"), default=False, editable=False)

    class Meta:
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        ordering = ("-year", "-number")
        constraints = [
            models.UniqueConstraint(fields=("series", "year", "number"), name="bulletin_once"),
        ]

    def __str__(self) -> str:
        return f"《{self.series}》{self.year}年第{self.number}期"


class OpinionReport(TimeStamped):
    """A public-opinion report (社情民意信息) from members or organizations."""

    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    received_on = models.DateField(_("received on"))
    members = models.ManyToManyField(
        Member, verbose_name=_("submitting members"), related_name="opinion_reports", blank=True
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("submitting organizations"),
        related_name="opinion_reports",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name=_("bulletin issue"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
    )
    decided_by = actor_field(editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demonstration record"), default=False, editable=False)

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public-opinion report")
        verbose_name_plural = _("public-opinion reports")
        ordering = ("-received_on", "pk")
        indexes = [models.Index(fields=("received_on",), name="report_received_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(bulletin__isnull=True) | Q(status=ReportStatus.ADOPTED),
                name="report_in_bulletin_is_adopted",
                violation_error_message=_("Only an adopted report goes into a bulletin."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class UpwardReport(TimeStamped):
    """A report sent on to the regional or national CPPCC, and whether it was adopted."""

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="upward"
    )
    level = models.CharField(_("sent to"), max_length=10, choices=UpwardLevel.choices)
    reported_on = models.DateField(_("sent on"))
    adopted = models.BooleanField(_("adopted"), default=False)
    recorded_by = actor_field(editable=False)
    is_demo = models.BooleanField(_("demonstration record"), default=False, editable=False)

    class Meta:
        verbose_name = _("report sent upward")
        verbose_name_plural = _("reports sent upward")
        constraints = [
            models.UniqueConstraint(fields=("report", "level"), name="upward_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.reported_on}"


class Instruction(TimeStamped):
    """A leader's written instruction (批示) on a report."""

    report = models.ForeignKey(
        OpinionReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    leader = models.CharField(_("leader"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=InstructionLevel.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("instruction"), blank=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")

    def __str__(self) -> str:
        return f"{self.leader} {self.date}"


class DutyRule(TimeStamped):
    """Points for one item of the duty scorecard, with an optional yearly cap."""

    item = models.CharField(_("item"), max_length=30, choices=DutyItem.choices, unique=True)
    points = models.DecimalField(_("points each"), max_digits=5, decimal_places=1)
    cap = models.DecimalField(
        _("at most a year"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("The most this item adds, or takes away, in a year."),
    )

    class Meta:
        verbose_name = _("duty scoring rule")
        verbose_name_plural = _("duty scoring rules")
        ordering = ("item",)

    def __str__(self) -> str:
        return self.get_item_display()


class DutyGrade(TimeStamped):
    """A grade (优秀, 良好, 称职, 不称职) and the lowest total that earns it."""

    name = models.CharField(_("grade"), max_length=20, unique=True)
    min_points = models.DecimalField(_("from points"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("duty grade")
        verbose_name_plural = _("duty grades")
        ordering = ("-min_points",)

    def __str__(self) -> str:
        return self.name
