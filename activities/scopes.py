"""Who reads the committee's work: the office, committee staff, leaders and auditors (the
role table in DESIGN.md); handling units and members do not (hcppcc/core/scopes.py)."""

from activities.models import Activity, Bulletin, OpinionReport, Participation
from hcppcc.core.scopes import Scope
from hcppcc.directory.choices import Role

READERS = frozenset({Role.PROPOSAL_OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.AUDITOR})

ACTIVITIES = Scope(Activity, everything=READERS)
PARTICIPATIONS = Scope(Participation, everything=READERS)
OPINION_REPORTS = Scope(OpinionReport, everything=READERS)
BULLETINS = Scope(Bulletin, everything=READERS)
