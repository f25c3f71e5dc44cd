"""Personas shared by every test: one signed-in client per role, and the anonymous one.

office (提案委办公室), committee staff, leader (linked to a chair-meeting member), the user
of handling unit A, the user of handling unit B, a member, an auditor.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from hcppcc.directory.choices import MemberPosition, Role
from hcppcc.directory.services import user_set_roles
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing every persona's password properly costs a third of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Run every test in the site's default language (zh-hans).

    Management commands switch translations off while they run; without this, a test
    that follows one would see English messages.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: import progress and lockouts are kept there
    under keys made of primary keys, which the next test's rows reuse."""
    cache.clear()
    yield
    cache.clear()


def _persona(username: str, role: Role, **links):
    user = UserFactory(username=username)
    return user_set_roles(user=user, roles=[role], **links)


@pytest.fixture
def unit_a(db):
    return HandlingUnitFactory(name="甲单位")


@pytest.fixture
def unit_b(db):
    return HandlingUnitFactory(name="乙单位")


@pytest.fixture
def office(db):
    return _persona("office", Role.PROPOSAL_OFFICE)


@pytest.fixture
def committee_staff(db):
    return _persona("committee", Role.COMMITTEE_STAFF)


@pytest.fixture
def leader(db):
    member = MemberFactory(name="领导甲", position=MemberPosition.VICE_CHAIR)
    return _persona("leader", Role.LEADER, member=member)


@pytest.fixture
def unit_a_user(unit_a):
    return _persona("unit_a", Role.HANDLING_UNIT, handling_unit=unit_a)


@pytest.fixture
def unit_b_user(unit_b):
    return _persona("unit_b", Role.HANDLING_UNIT, handling_unit=unit_b)


@pytest.fixture
def member_user(db):
    return _persona("member", Role.MEMBER, member=MemberFactory(name="委员甲"))


@pytest.fixture
def auditor(db):
    return _persona("auditor", Role.AUDITOR)


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")


PERSONAS = (
    "office",
    "committee_staff",
    "leader",
    "unit_a_user",
    "unit_b_user",
    "member_user",
    "auditor",
)


@pytest.fixture(params=PERSONAS)
def persona(request):
    """Each role's user in turn."""
    return request.getfixturevalue(request.param)
