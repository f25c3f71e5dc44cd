"""Who reads which records: one declaration per model, read by the staff pages, the admin
and the API alike, so that a record outside a user's scope is a 404 (or absent from a
list) at every door.

A ``Scope`` names the roles that read every record of its model and, for the others, the
query that picks out the records related to them (a unit's own assignments, a member's own
proposals). A page opens to the roles that read something of what it lists.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

# user -> the records of the model that this role lets the user read.
Picks = Callable[..., Q]


def _signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


@dataclass(frozen=True, eq=False)
class Scope:
    """The records of ``model`` each role reads: all of them for the roles in
    ``everything``; for a role in ``own``, those its query picks out for the user."""

    model: type[Model]
    everything: frozenset[str] = frozenset()
    own: Mapping[str, Picks] = field(default_factory=dict)

    @property
    def readers(self) -> frozenset[str]:
        """The roles that read something of this model."""
        return frozenset(self.everything) | frozenset(self.own)

    def reads_everything(self, user) -> bool:
        return _signed_in(user) and (user.is_superuser or user.has_role(*self.everything))

    def reads_some(self, user) -> bool:
        return _signed_in(user) and (user.is_superuser or user.has_role(*self.readers))

    def picks(self, user) -> Q | None:
        """The filter of what ``user`` reads: None for everything, an always-false Q for
        nothing."""
        if self.reads_everything(user):
            return None
        scope = Q(pk__in=[])
        if _signed_in(user):
            for role, picks in self.own.items():
                if user.has_role(role):
                    scope |= picks(user)
        return scope

    def visible_to(self, user, queryset: QuerySet | None = None) -> QuerySet:
        """``queryset`` (the model's default manager's, when not given) as ``user`` may
        read it."""
        records = self.model._default_manager.all() if queryset is None else queryset
        if not _signed_in(user):
            return records.none()
        picks = self.picks(user)
        return records if picks is None else records.filter(picks)

    def below(self, model: type[Model], path: str) -> "Scope":
        """The scope of ``model``'s records that hang off this scope's (``path``: the field
        that leads from one to the other): read by whoever reads their parent."""
        parent = self

        def through(role: str) -> Picks:
            def picks(user) -> Q:
                visible = parent.model._default_manager.filter(parent.own[role](user))
                return Q(**{f"{path}__in": visible.values("pk")})

            return picks

        return Scope(model, parent.everything, {role: through(role) for role in parent.own})
