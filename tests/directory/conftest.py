"""The proposal fixtures serve the backup and admin tests."""

from tests.api.conftest import a_bit_of_everything  # noqa: F401
from tests.proposals.conftest import proposer, reference, session, unit_c, walk  # noqa: F401
