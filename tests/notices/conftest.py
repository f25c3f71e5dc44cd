from tests.proposals.conftest import proposer, reference, session, walk  # noqa: F401
