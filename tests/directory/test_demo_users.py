"""``create_demo_users``: one account per role, linked to seeded records, idempotent."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from hcppcc.directory.choices import Role
from hcppcc.directory.models import Member, User
from seeds.loader import load_seeds

pytestmark = pytest.mark.django_db
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    load_seeds()


def test_one_user_per_role_linked_to_seeded_records(seeded):
    call_command("create_demo_users", password=PASSWORD)
    roles = {user.username: user.roles for user in User.objects.all()}
    assert roles == {
        "office": {Role.PROPOSAL_OFFICE},
        "committee": {Role.COMMITTEE_STAFF},
        "leader": {Role.LEADER},
        "unit": {Role.HANDLING_UNIT},
        "member": {Role.MEMBER},
        "auditor": {Role.AUDITOR},
    }
    assert User.objects.get(username="unit").handling_unit.name == "呼和浩特市城市管理综合执法局"
    assert Member.objects.get(user__username="member").name == "李文华"
    assert Member.objects.get(user__username="leader").name == "孙建华"
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username="office", password=PASSWORD
        )
        is not None
    )


def test_running_twice_creates_nothing_new(seeded, capsys):
    call_command("create_demo_users", password=PASSWORD)
    before = list(User.objects.order_by("pk").values_list("pk", "username", "handling_unit"))
    call_command("create_demo_users", password=PASSWORD)
    assert (
        list(User.objects.order_by("pk").values_list("pk", "username", "handling_unit")) == before
    )
    assert "updated office" in capsys.readouterr().out


def test_without_a_password_a_random_one_is_printed(seeded, capsys):
    call_command("create_demo_users")
    password = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert len(password) >= 12
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username="auditor", password=password
        )
        is not None
    )


def test_a_weak_password_is_refused(seeded):
    with pytest.raises(CommandError, match=r"too short|太短"):
        call_command("create_demo_users", password="abc")
    assert not User.objects.exists()


def test_refused_in_production(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("create_demo_users", password=PASSWORD)
    assert not User.objects.exists()


def test_needs_the_seeds(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_seeds"):
        call_command("create_demo_users", password=PASSWORD)
