"""The directory: who is who in the committee's work.

Every model here is reference data that proposals and activities point at. Records are
deactivated rather than deleted (``is_active``), and each has a natural key so that seed
files and spreadsheets can refer to it by name.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hcppcc.core import pinyin
from hcppcc.directory.choices import (
    LEADER_POSITIONS,
    HandlingUnitKind,
    MemberPosition,
    OrganizationKind,
    Role,
)
from hcppcc.directory.numerals import chinese_numeral


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NamedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def get_by_natural_key(self, name: str):
        return self.get(name=name)


class NamedManager(models.Manager.from_queryset(NamedQuerySet)):
    pass


class Named(TimeStamped):
    """Reference data identified by a unique name, shown in a configurable order."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = NamedManager()

    class Meta:
        abstract = True
        ordering = ("sort_order", "name")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class SessionQuerySet(models.QuerySet):
    def get_by_natural_key(self, term: int, number: int):
        return self.get(term=term, number=number)

    def current(self):
        """The session new proposals belong to, or None when none is marked current."""
        return self.filter(is_current=True).first()


class Session(TimeStamped):
    """A plenary session (届次会议), e.g. 十三届三次会议. Case numbers restart per session."""

    # Written in Chinese numerals in the label, which go up to 99.
    term = models.PositiveSmallIntegerField(
        _("term"),
        help_text=_("届, e.g. 13"),
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    number = models.PositiveSmallIntegerField(
        _("session number"),
        help_text=_("次, e.g. 3"),
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    label = models.CharField(
        _("label"),
        max_length=50,
        blank=True,
        help_text=_("Left blank, it is written from the numbers, e.g. 十三届三次会议."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2999)]
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("New proposals go to the current session. Only one can be current."),
    )

    objects = models.Manager.from_queryset(SessionQuerySet)()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ("-term", "-number")
        constraints = [
            models.UniqueConstraint(fields=("term", "number"), name="session_unique_number"),
            models.UniqueConstraint(
                fields=("is_current",),
                condition=Q(is_current=True),
                name="session_single_current",
                violation_error_message=_("Another session is already current."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="session_closes_after_opening",
                violation_error_message=_("A session cannot close before it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.term}-{self.number}"

    def natural_key(self) -> tuple[int, int]:
        return (self.term, self.number)

    def clean(self) -> None:
        if not self.label and self.term and self.number:
            self.label = f"{chinese_numeral(self.term)}届{chinese_numeral(self.number)}次会议"


class Committee(Named):
    """A special committee (专门委员会) or working group of the CPPCC."""

    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(Named.Meta):
        verbose_name = _("committee")
        verbose_name_plural = _("committees")


class Sector(Named):
    """A sector (界别): the constituency a member sits for."""

    class Meta(Named.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Organization(Named):
    """A participating organization (参加单位): a party, the federation, a people's group.

    Organizations submit collective proposals and opinion reports in their own name.
    """

    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganizationKind.choices)

    class Meta(Named.Meta):
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")


class MemberQuerySet(models.QuerySet):
    def get_by_natural_key(self, name: str, sector: str | None = None):
        if sector:
            return self.get(name=name, sector__name=sector)
        try:
            return self.get(name=name, sector__isnull=True)
        except self.model.DoesNotExist:
            # Seeds name the leaders alone; the office may have given them a sector since.
            return self.get(name=name)

    def active(self):
        return self.filter(is_active=True)

    def leaders(self):
        """Members of the chair meeting (主席会议成员): chair, vice chairs, secretary general."""
        return self.filter(position__in=LEADER_POSITIONS)

    def for_list(self):
        """Everything a member list shows, in a fixed number of queries."""
        return self.select_related("sector", "organization", "user").prefetch_related("committees")


class Member(TimeStamped):
    """A CPPCC member (委员). Identified by name within a sector, as the rosters do."""

    name = models.CharField(_("name"), max_length=50)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("party or organization"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    committees = models.ManyToManyField(
        Committee, verbose_name=_("committees"), related_name="members", blank=True
    )
    position = models.CharField(
        _("position"), max_length=30, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # What the pickers match besides the name ("lwh" finds 李文华); kept by ``save``.
    initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, editable=False)
    user = models.OneToOneField(
        "directory.User",
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        related_name="member",
        null=True,
        blank=True,
    )

    objects = models.Manager.from_queryset(MemberQuerySet)()

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("name", "sector"),
                name="member_unique_in_sector",
                violation_error_message=_("A member of this name exists in this sector."),
            ),
            # NULLs are distinct in a unique index, so members without a sector need their own.
            models.UniqueConstraint(
                fields=("name",),
                condition=Q(sector__isnull=True),
                name="member_unique_without_sector",
                violation_error_message=_("A member of this name without a sector exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.initials = pinyin.initials(self.name)
        if (fields := kwargs.get("update_fields")) is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "initials"}
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, str | None]:
        return (self.name, self.sector.name if self.sector_id else None)

    natural_key.dependencies = ["directory.sector"]

    @property
    def is_leader(self) -> bool:
        return self.position in LEADER_POSITIONS


class HandlingUnit(Named):
    """A handling unit (承办单位): the body a proposal is assigned to for an answer."""

    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=HandlingUnitKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    # What the pickers match besides the names ("cgj" finds 城管局); kept by ``save``.
    initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, editable=False)

    # Field-level audit history of every save: who, when, before → after.
    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")

    def save(self, *args, **kwargs):
        self.initials = pinyin.initials(self.name, self.short_name)
        fields = kwargs.get("update_fields")
        if fields is not None and {"name", "short_name"} & set(fields):
            kwargs["update_fields"] = {*fields, "initials"}
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role groups.

    A handling-unit user belongs to exactly one unit and sees only that unit's work.
    A member user is linked from ``Member.user``.
    """

    handling_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("Required for, and only for, users in the handling unit role."),
    )
    # Set when the office creates the account or issues a set-password link; until the
    # person sets a password of their own, every page sends them to change it
    # (middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The history leaves the password's hash out; this says when it was last set.
    password_changed_at = models.DateTimeField(
        _("password set at"), null=True, blank=True, editable=False
    )
    # The version a form was opened on (hcppcc/core/stale.py), as for the directory's records.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Every change of an account — roles included — with who made it. The password (a hash)
    # and the time of the last sign-in are left out: a sign-in is not a change.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        # A sign-in writes only last_login, which the history leaves out: no empty version
        # for each sign-in.
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request object and cached on it."""
        try:
            return self._roles
        except AttributeError:
            names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._roles = frozenset(Role(name) for name in names if name in Role.values)
            return self._roles

    def role_labels(self) -> list[str]:
        """The labels of the user's roles, read from ``groups.all()`` so that a list
        prefetching the groups reads no more."""
        labels = dict(Role.choices)
        return sorted(str(labels[g.name]) for g in self.groups.all() if g.name in labels)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def may_sign_in(self) -> bool:
        """Deny by default: only users with a role (or superusers) get past the login page."""
        return self.is_active and (self.is_superuser or bool(self.roles))
