"""The proposal fixtures (``walk`` and what it needs) serve the API tests too."""

from tests.proposals.conftest import proposer, reference, session, unit_c, walk  # noqa: F401
