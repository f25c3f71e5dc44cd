"""Role groups, their permissions, and the rule that a unit user has exactly one unit."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from hcppcc.directory.choices import Role
from hcppcc.directory.models import Member
from hcppcc.directory.services import user_set_roles
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_group(role):
    assert Group.objects.filter(name=role.value).exists()


def test_the_data_migration_creates_exactly_the_role_groups():
    migration = importlib.import_module("hcppcc.directory.migrations.0002_create_role_groups")
    assert set(migration.ROLE_GROUPS) == set(Role.values)


def permissions_of(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_groups_hold_exactly_the_declared_permissions():
    assert "directory.change_member" in permissions_of(Role.PROPOSAL_OFFICE)
    assert "directory.change_member" in permissions_of(Role.COMMITTEE_STAFF)
    assert "directory.change_handlingunit" not in permissions_of(Role.COMMITTEE_STAFF)
    assert {p for p in permissions_of(Role.AUDITOR) if p.startswith("directory.")} == {
        f"directory.view_{model}"
        for model in ("session", "committee", "sector", "organization", "member", "handlingunit")
    }
    assert permissions_of(Role.HANDLING_UNIT) == set()
    assert permissions_of(Role.MEMBER) == set()
    # Nothing is deleted but a participant or an instruction entered by mistake.
    deletable = {p for role in Role for p in permissions_of(role) if ".delete_" in p}
    assert deletable == {"activities.delete_participation", "activities.delete_instruction"}


def test_a_permission_granted_by_hand_is_taken_back_on_migrate():
    from django.apps import apps
    from django.contrib.auth.models import Permission

    from hcppcc.directory.roles import sync_role_permissions

    auditors = Group.objects.get(name=Role.AUDITOR)
    auditors.permissions.add(Permission.objects.get(codename="change_member"))
    sync_role_permissions(apps.get_app_config("directory"))
    assert "directory.change_member" not in permissions_of(Role.AUDITOR)


def test_a_unit_user_must_have_a_unit():
    user = UserFactory()
    with pytest.raises(ValidationError, match="承办单位用户必须属于一个承办单位"):
        user_set_roles(user=user, roles=[Role.HANDLING_UNIT])
    assert not user.groups.exists()


def test_only_unit_users_have_a_unit():
    user = UserFactory()
    with pytest.raises(ValidationError, match="只有承办单位角色的用户"):
        user_set_roles(user=user, roles=[Role.AUDITOR], handling_unit=HandlingUnitFactory())
    assert not user.groups.exists()


def test_a_member_user_needs_a_member_record_that_is_not_taken():
    taken = MemberFactory(user=UserFactory(username="first"))
    user = UserFactory()
    with pytest.raises(ValidationError, match="委员用户必须关联一条委员记录"):
        user_set_roles(user=user, roles=[Role.MEMBER])
    with pytest.raises(ValidationError, match="已关联其他用户"):
        user_set_roles(user=user, roles=[Role.MEMBER], member=taken)
    assert not user.groups.exists()


def test_setting_roles_replaces_the_previous_ones(unit_a):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.HANDLING_UNIT], handling_unit=unit_a)
    user_set_roles(user=user, roles=[Role.AUDITOR])
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {"auditor"}
    assert user.handling_unit is None


def test_the_leader_persona_is_linked_to_a_chair_meeting_member(leader):
    assert Member.objects.get(user=leader).is_leader


def test_admin_user_form_refuses_a_unit_user_without_a_unit(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    target = UserFactory(username="clerk")
    client.force_login(admin)
    response = client.post(
        reverse("admin:directory_user_change", args=[target.pk]),
        {
            "username": "clerk",
            "groups": [Group.objects.get(name=Role.HANDLING_UNIT).pk],
            "handling_unit": "",
            "is_active": "on",
            "date_joined_0": "2020-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "承办单位用户必须属于一个承办单位" in response.content.decode()
    assert not target.groups.exists()


def test_office_clerks_cannot_delete_directory_records(client, office):
    member = MemberFactory()
    client.force_login(office)
    response = client.get(reverse("admin:directory_member_delete", args=[member.pk]))
    assert response.status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_auditor_reads_but_cannot_change_in_the_admin(client, auditor):
    member = MemberFactory()
    client.force_login(auditor)
    assert client.get(reverse("admin:directory_member_changelist")).status_code == 200
    response = client.post(
        reverse("admin:directory_member_change", args=[member.pk]), {"name": "改名"}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.name != "改名"


@pytest.mark.parametrize("persona_name", ["auditor", "leader", "committee_staff"])
def test_read_only_roles_cannot_deactivate_records(client, request, persona_name):
    unit = HandlingUnitFactory()
    client.force_login(request.getfixturevalue(persona_name))
    response = client.post(
        reverse("admin:directory_handlingunit_changelist"),
        {"action": "deactivate", "_selected_action": [unit.pk]},
    )
    assert response.status_code in (200, 403)
    unit.refresh_from_db()
    assert unit.is_active


def test_the_office_deactivates_instead_of_deleting(client, office):
    unit = HandlingUnitFactory()
    client.force_login(office)
    client.post(
        reverse("admin:directory_handlingunit_changelist"),
        {"action": "deactivate", "_selected_action": [unit.pk]},
    )
    unit.refresh_from_db()
    assert not unit.is_active


def test_committee_staff_cannot_link_a_member_record_to_a_user(client, committee_staff):
    member = MemberFactory()
    someone = UserFactory(username="someone")
    client.force_login(committee_staff)
    client.post(
        reverse("admin:directory_member_change", args=[member.pk]),
        {
            **opened(member),
            "name": member.name,
            "position": "member",
            "phone": "13800000000",
            "user": someone.pk,
            "is_active": "on",
        },
    )
    member.refresh_from_db()
    assert member.phone == "13800000000"  # the form was saved ...
    assert member.user is None  # ... without the link


def test_roles_decide_admin_access(unit_a):
    user = user_set_roles(user=UserFactory(), roles=[Role.AUDITOR])
    assert user.is_staff
    user = user_set_roles(user=user, roles=[Role.HANDLING_UNIT], handling_unit=unit_a)
    assert not user.is_staff


def test_moving_a_member_user_to_another_member_record_drops_the_old_link():
    first, second = MemberFactory(), MemberFactory()
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.MEMBER], member=first)
    user_set_roles(user=user, roles=[Role.MEMBER], member=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.user, second.user) == (None, user)
    user_set_roles(user=user, roles=[Role.AUDITOR])
    second.refresh_from_db()
    assert second.user is None
