"""Who reads the directory: everyone who holds a role. Units pick the unit that should take
a proposal instead, members their co-signers, the office everyone (hcppcc/core/scopes.py)."""

from hcppcc.core.scopes import Scope
from hcppcc.directory.choices import Role
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
    User,
)
from hcppcc.directory.workflow import MANAGE_ACCOUNTS

EVERYONE = frozenset(Role)

SESSIONS = Scope(Session, everything=EVERYONE)
COMMITTEES = Scope(Committee, everything=EVERYONE)
SECTORS = Scope(Sector, everything=EVERYONE)
ORGANIZATIONS = Scope(Organization, everything=EVERYONE)
MEMBERS = Scope(Member, everything=EVERYONE)
UNITS = Scope(HandlingUnit, everything=EVERYONE)
# Accounts are the office's to keep; each person reads their own on their profile page.
ACCOUNTS = Scope(User, everything=MANAGE_ACCOUNTS.roles.holders)
