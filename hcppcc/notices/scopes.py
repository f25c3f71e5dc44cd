"""Who reads which notices: each person their own, whatever their role."""

from django.db.models import Q

from hcppcc.core.scopes import Scope
from hcppcc.directory.choices import Role
from hcppcc.notices.models import Notice


def _own(user) -> Q:
    return Q(recipient=user)


NOTICES = Scope(Notice, own=dict.fromkeys(Role.values, _own))
