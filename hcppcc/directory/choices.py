"""Choices for the directory app. Values are stored; labels are shown (zh-hans by default)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles. Each is a Django group of the same name (see migration 0002)."""

    PROPOSAL_OFFICE = "proposal_office", _("Proposal office")
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    LEADER = "leader", _("Leader")
    HANDLING_UNIT = "handling_unit", _("Handling unit")
    MEMBER = "member", _("Member")
    AUDITOR = "auditor", _("Auditor")


# Roles whose users work in the admin (is_staff) as well as on the staff pages.
ADMIN_ROLES = frozenset({Role.PROPOSAL_OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.AUDITOR})


class OrganizationKind(models.TextChoices):
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party")
    FEDERATION_OF_INDUSTRY_AND_COMMERCE = (
        "federation_of_industry_and_commerce",
        _("Federation of industry and commerce"),
    )
    PEOPLES_ORGANIZATION = "peoples_organization", _("People's organization")
    OTHER = "other", _("Other")


class MemberPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY_GENERAL = "secretary_general", _("Secretary general")
    STANDING_MEMBER = "standing_member", _("Standing committee member")
    MEMBER = "member", _("Member")


# The chair meeting (主席会议): the members who lead supervision of key proposals.
LEADER_POSITIONS = (
    MemberPosition.CHAIR,
    MemberPosition.VICE_CHAIR,
    MemberPosition.SECRETARY_GENERAL,
)


class HandlingUnitKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    COURT_PROCURATORATE = "court_procuratorate", _("Court or procuratorate")
    PARTY_ORGAN = "party_organ", _("Party organ")
    PEOPLES_ORGANIZATION = "peoples_organization", _("People's organization")
    DISTRICT_GOVERNMENT = "district_government", _("District or banner government")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class AccountKind(models.TextChoices):
    """Whom the office gives an account: a unit's contact, a member, or a staff clerk."""

    UNIT = "unit", _("Handling unit contact")
    MEMBER = "member", _("Member")
    STAFF = "staff", _("Staff")


# The roles a staff account may hold (units' and members' accounts have their own kind).
STAFF_ROLES = (Role.PROPOSAL_OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.AUDITOR)
