"""Named reads for the directory."""

from django.db.models import Count

from hcppcc.directory.choices import HandlingUnitKind, Role
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
    User,
)

# Roles that read the whole directory (the role table in DESIGN.md).
DIRECTORY_READERS = (Role.PROPOSAL_OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.AUDITOR)


def directory_counts() -> dict[str, int]:
    """How many active records each directory table holds, in one query per table."""
    return {
        "sessions": Session.objects.count(),
        "committees": Committee.objects.active().count(),
        "sectors": Sector.objects.active().count(),
        "organizations": Organization.objects.active().count(),
        "members": Member.objects.active().count(),
        "leaders": Member.objects.active().leaders().count(),
        "handling_units": HandlingUnit.objects.active().count(),
    }


def home_overview(user: User) -> dict:
    """The home page's context for ``user``: their links, and the directory if they read it."""
    member = Member.objects.select_related("sector", "organization").filter(user=user).first()
    context = {
        "current_session": Session.objects.current(),
        "member": member,
        "handling_unit": user.handling_unit if user.handling_unit_id else None,
        "counts": None,
        "unit_kinds": None,
    }
    if user.is_superuser or user.has_role(*DIRECTORY_READERS):
        context["counts"] = directory_counts()
        labels = dict(HandlingUnitKind.choices)
        context["unit_kinds"] = [
            (labels.get(row["kind"], row["kind"]), row["total"])
            for row in HandlingUnit.objects.active()
            .values("kind")
            .annotate(total=Count("pk"))
            .order_by("kind")
        ]
    return context
