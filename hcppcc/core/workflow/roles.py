"""Who may take a step: a table from each role to the records its holders may act on.

The same kind of table serves every app. A role's holders act on every record
(``any_record``: the office on proposals), or on those a relation picks out (a member on
their own proposals, a unit user on their own unit's assignments). Superusers may take any
step a person takes; an inactive or anonymous user none.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# (user, record) -> whether the user, holding the role, may act on the record.
Relation = Callable[[Any, Any], bool]


def any_record(user, record) -> bool:
    """The role's holders act on every record of the kind."""
    return True


@dataclass(frozen=True, eq=False)
class Roles:
    """Role → the relation a holder must have to the record. ``Roles({OFFICE: any_record})
    | Roles({MEMBER: is_lead})``: the office on any record, a member on their own."""

    relations: Mapping[str, Relation] = field(default_factory=dict)

    def __or__(self, other: "Roles") -> "Roles":
        """Both tables: a role in both relates its holders to a record either one allows."""
        relations = dict(self.relations)
        for role, relation in other.relations.items():
            relations[role] = _either(relations[role], relation) if role in relations else relation
        return Roles(relations)

    @property
    def holders(self) -> frozenset[str]:
        """The roles that take the step on some record."""
        return frozenset(self.relations)

    def allow(self, user, record) -> bool:
        """Whether ``user`` may act on ``record``: one of their roles relates them to it."""
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        return any(
            user.has_role(role) and relation(user, record)
            for role, relation in self.relations.items()
        )

    def allow_except(self, user, record, role: str) -> bool:
        """Whether ``user`` may act on ``record`` through a role other than ``role``: for
        the office, whether a step it may take is nonetheless someone else's (a unit's
        acknowledgement typed in from its paper letter: 代为登记)."""
        if not user.is_authenticated or not user.is_active:
            return False
        return any(
            held != role and user.has_role(held) and relation(user, record)
            for held, relation in self.relations.items()
        )

    def allow_some(self, user) -> bool:
        """Whether ``user``'s roles take the step on any record at all: whether to offer a
        "new" button, or to refuse a create before its input is read."""
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or user.has_role(*self.relations)


def _either(first: Relation, second: Relation) -> Relation:
    return lambda user, record: first(user, record) or second(user, record)


def anyone_with(*roles: str) -> Roles:
    """The holders of ``roles`` act on every record."""
    return Roles(dict.fromkeys(roles, any_record))
