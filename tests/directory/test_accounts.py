"""The account services: the office creates accounts for units, members and staff, alone
or in bulk (once per record, all or nothing), sets their roles, deactivates them and sends
links to set a password; every change is in the history with who made it."""

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from hcppcc.core.workflow.errors import IllegalTransition, NotAllowed
from hcppcc.directory import accounts
from hcppcc.directory.choices import AccountKind, Role
from hcppcc.directory.models import HandlingUnit, User
from hcppcc.directory.services import user_set_roles
from tests.factories import HandlingUnitFactory, MemberFactory, SectorFactory

pytestmark = pytest.mark.django_db
BASE = "https://hcppcc.example/"
PASSWORD = "correct-horse-battery-staple"  # the factories' users' password
NOT_OFFICE = ("committee_staff", "leader", "unit_a_user", "member_user", "auditor")


def test_a_unit_account_belongs_to_its_unit_and_must_set_a_password(office):
    unit = HandlingUnitFactory(
        name="呼和浩特市城市管理综合执法局",
        short_name="城管局",
        contact_person="王敏",
        contact_email="cgj@example.cn",
    )
    user = accounts.unit_account_create(unit=unit, by=office)
    assert user.username == "dw-cgj"
    assert user.roles == {Role.HANDLING_UNIT}
    assert user.handling_unit == unit
    assert (user.get_full_name(), user.email) == ("王敏", "cgj@example.cn")
    assert user.must_change_password
    assert not user.has_usable_password()
    assert not user.is_staff


def test_a_member_account_is_linked_from_the_member_record(office):
    member = MemberFactory(name="李文华")
    user = accounts.member_account_create(member=member, by=office)
    member.refresh_from_db()
    assert member.user == user
    assert user.username == "liwenhua"
    assert user.roles == {Role.MEMBER}
    assert user.must_change_password


def test_a_username_already_taken_gets_a_number(office):
    first = MemberFactory(name="李文华", sector=SectorFactory(name="民盟"))
    second = MemberFactory(name="李文华", sector=SectorFactory(name="民进"))
    names = [accounts.member_account_create(member=m, by=office).username for m in (first, second)]
    assert names == ["liwenhua", "liwenhua2"]


def test_a_staff_account_holds_the_roles_chosen(office):
    user = accounts.account_create(
        by=office, username="zhangsan", roles=[Role.COMMITTEE_STAFF, Role.AUDITOR], name="张三"
    )
    assert user.roles == {Role.COMMITTEE_STAFF, Role.AUDITOR}
    assert user.is_staff


def test_a_refused_account_leaves_nothing_behind(office):
    with pytest.raises(ValidationError) as refused:
        accounts.account_create(by=office, username="nounit", roles=[Role.HANDLING_UNIT])
    assert "handling_unit" in refused.value.message_dict
    assert not User.objects.filter(username="nounit").exists()


def test_an_initial_password_must_pass_the_password_rules(office):
    with pytest.raises(ValidationError) as refused:
        accounts.account_create(by=office, username="weak", roles=[Role.AUDITOR], password="123")
    assert "password" in refused.value.message_dict
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_only_the_office_manages_accounts(persona, request, unit_b):
    by = request.getfixturevalue(persona)
    other = accounts.account_create(by=None, username="someone", roles=[Role.AUDITOR])
    attempts = [
        lambda: accounts.unit_account_create(unit=unit_b, by=by),
        lambda: accounts.account_set_active(user=other, by=by, active=False),
        lambda: accounts.account_issue_link(user=other, by=by, base_url=BASE),
        lambda: accounts.accounts_create_in_bulk(kind=AccountKind.UNIT, by=by, base_url=BASE),
        lambda: accounts.account_set_email(user=other, by=by, email="x@example.cn"),
        lambda: user_set_roles(user=other, roles=[Role.PROPOSAL_OFFICE], by=by),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    other.refresh_from_db()
    assert other.is_active
    assert other.roles == {Role.AUDITOR}
    assert User.objects.filter(handling_unit=unit_b).count() == 0


def test_bulk_creation_gives_each_unit_without_an_account_one_and_never_two(
    office, unit_a_user, django_capture_on_commit_callbacks
):
    with_email = HandlingUnitFactory(name="市教育局", contact_email="jyj@example.cn")
    without_email = HandlingUnitFactory(name="市财政局")
    HandlingUnitFactory(name="已撤销单位", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        issued = accounts.accounts_create_in_bulk(kind=AccountKind.UNIT, by=office, base_url=BASE)
    assert {one.user.handling_unit for one in issued} == {with_email, without_email}
    assert all(one.link.startswith(BASE + "accounts/password/reset/") for one in issued)
    # The link goes by e-mail where the unit has an address, and only there.
    assert [m.to for m in mail.outbox] == [["jyj@example.cn"]]
    assert next(one.link for one in issued if one.emailed) in mail.outbox[0].body
    # Run again: every active unit has its account now.
    assert accounts.accounts_planned(AccountKind.UNIT) == []
    assert accounts.accounts_create_in_bulk(kind=AccountKind.UNIT, by=office, base_url=BASE) == []
    assert User.objects.filter(handling_unit=with_email).count() == 1


def test_bulk_creation_for_members_skips_those_with_an_account(office, member_user):
    MemberFactory(name="张伟")
    MemberFactory(name="王芳")
    issued = accounts.accounts_create_in_bulk(kind=AccountKind.MEMBER, by=office, base_url=BASE)
    assert sorted(one.user.username for one in issued) == ["wangfang", "zhangwei"]
    assert not accounts.accounts_planned(AccountKind.MEMBER)


def test_bulk_creation_is_all_or_nothing(office):
    HandlingUnitFactory(name="市教育局")
    bad = HandlingUnitFactory(name="市财政局")
    # An address that never went through validation (a raw update, an old import).
    HandlingUnit.objects.filter(pk=bad.pk).update(contact_email="not an address")
    before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        accounts.accounts_create_in_bulk(kind=AccountKind.UNIT, by=office, base_url=BASE)
    assert "市财政局" in refused.value.messages[0]
    assert User.objects.count() == before


def test_the_history_names_who_changed_the_roles(office, unit_a):
    user = accounts.account_create(by=office, username="zhangsan", roles=[Role.AUDITOR])
    user_set_roles(user=user, roles=[Role.HANDLING_UNIT], handling_unit=unit_a, by=office)
    latest = accounts.account_history(user)[0]
    assert latest.user == office
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    # One version for one change of roles, with the unit they needed.
    assert changes["角色"] == ("审计人员", "承办单位")
    assert changes["承办单位"] == (None, unit_a)


def test_a_sign_in_is_no_change_of_the_account(office):
    user = accounts.account_create(
        by=office, username="zhangsan", roles=[Role.AUDITOR], password="correct-horse-battery"
    )
    versions = user.history.count()
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="zhangsan", password="correct-horse-battery") == user
    from django.contrib.auth.models import update_last_login

    update_last_login(None, user)
    assert user.history.count() == versions


def test_deactivating_an_account_keeps_it_and_refuses_its_sign_in(office):
    user = accounts.account_create(
        by=office, username="zhangsan", roles=[Role.AUDITOR], password="correct-horse-battery"
    )
    accounts.account_set_active(user=user, by=office, active=False)
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="zhangsan", password="correct-horse-battery") is None
    with pytest.raises(ValidationError):
        accounts.account_issue_link(user=user, by=office, base_url=BASE)
    accounts.account_set_active(user=user, by=office, active=True)
    assert authenticate(request, username="zhangsan", password="correct-horse-battery") == user
    history = accounts.account_history(user)
    assert [c.new for c in history[0].changes] == [True]
    assert history[0].user == office


def test_the_office_cannot_lock_itself_out(office):
    with pytest.raises(ValidationError):
        accounts.account_set_active(user=office, by=office, active=False)
    with pytest.raises(ValidationError):
        accounts.account_update(user=office, by=office, name="", email="", roles=[Role.AUDITOR])
    assert User.objects.get(pk=office.pk).is_active
    assert Role.PROPOSAL_OFFICE in User.objects.get(pk=office.pk).roles


def test_setting_a_password_ends_the_forced_change(office):
    user = accounts.member_account_create(member=MemberFactory(), by=office)
    accounts.account_set_password(user=user, password="a-long-new-password")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.password_changed_at is not None
    assert user.check_password("a-long-new-password")
    # A new link from the office asks for a change again.
    accounts.account_issue_link(user=user, by=office, base_url=BASE)
    user.refresh_from_db()
    assert user.must_change_password


def test_a_person_changes_their_own_email_with_their_password_but_not_anothers(
    member_user, unit_a_user
):
    mine = {"user": member_user, "by": member_user, "password": PASSWORD}
    accounts.account_set_email(email="me@example.cn", **mine)
    assert User.objects.get(pk=member_user.pk).email == "me@example.cn"
    with pytest.raises(NotAllowed):
        accounts.account_set_email(user=unit_a_user, by=member_user, email="me@example.cn")
    with pytest.raises(ValidationError):
        accounts.account_set_email(email="not an address", **mine)
    with pytest.raises(ValidationError) as refused:
        accounts.account_set_email(**{**mine, "password": "a guess"}, email="new@example.cn")
    assert "password" in refused.value.message_dict
    assert User.objects.get(pk=member_user.pk).email == "me@example.cn"


def test_the_office_hands_out_no_access_to_a_staff_account_its_holder_uses(
    office, auditor, member_user, caplog
):
    # The auditor has set a password of their own: no link, no new address from the office.
    for attempt in (
        lambda: accounts.account_issue_link(user=auditor, by=office, base_url=BASE),
        lambda: accounts.account_set_email(user=auditor, by=office, email="x@example.cn"),
    ):
        with pytest.raises(IllegalTransition, match="忘记密码"):
            attempt()
    with pytest.raises(ValidationError) as refused:
        accounts.account_update(
            user=auditor, by=office, name="", email="x@example.cn", roles=[Role.AUDITOR]
        )
    assert "email" in refused.value.message_dict
    auditor.refresh_from_db()
    assert (auditor.email, auditor.must_change_password) == ("", False)
    # A member's account (a contact without e-mail asks the office) and a staff account
    # not yet taken up still get their links; each issue is in the security log.
    new = accounts.account_create(by=office, username="zhangsan", roles=[Role.LEADER])
    with caplog.at_level("INFO", logger="hcppcc.security"):
        for user in (member_user, new):
            assert accounts.account_issue_link(user=user, by=office, base_url=BASE).shown
    issued = [r.security for r in caplog.records if r.getMessage() == "password_link_issued"]
    assert [(one["username"], one["by"]) for one in issued] == [
        ("member", "office"),
        ("zhangsan", "office"),
    ]
    assert all("token" not in str(one) and "reset" not in str(one) for one in issued)


def test_a_staff_accounts_emailed_link_is_not_shown_to_the_office(office):
    user = accounts.account_create(
        by=office, username="zhangsan", roles=[Role.LEADER], email="zs@example.cn"
    )
    assert not accounts.account_issue_link(user=user, by=office, base_url=BASE).shown


def test_nobody_changes_their_own_roles(office, auditor):
    accounts.account_update(
        user=office, by=office, name="王主任", email="", roles=[Role.PROPOSAL_OFFICE]
    )
    with pytest.raises(ValidationError) as refused:
        accounts.account_update(
            user=office, by=office, name="", email="", roles=[Role.PROPOSAL_OFFICE, Role.LEADER]
        )
    assert "roles" in refused.value.message_dict
    assert office.roles == {Role.PROPOSAL_OFFICE}


@pytest.mark.parametrize("other", [Role.HANDLING_UNIT, Role.MEMBER])
def test_the_office_role_goes_with_neither_a_unit_nor_a_member(office, auditor, unit_a, other):
    links = (
        {"handling_unit": unit_a} if other == Role.HANDLING_UNIT else {"member": MemberFactory()}
    )
    with pytest.raises(ValidationError, match="提案委办公室角色"):
        user_set_roles(user=auditor, roles=[Role.PROPOSAL_OFFICE, other], by=office, **links)
    assert User.objects.get(pk=auditor.pk).roles == {Role.AUDITOR}


def test_the_office_does_not_keep_a_superusers_account(office, admin_user):
    for attempt in (
        lambda: accounts.account_issue_link(user=admin_user, by=office, base_url=BASE),
        lambda: accounts.account_set_email(user=admin_user, by=office, email="me@example.cn"),
        lambda: accounts.account_set_active(user=admin_user, by=office, active=False),
        lambda: user_set_roles(user=admin_user, roles=[Role.AUDITOR], by=office),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert not admin_user.must_change_password
    # A superuser may.
    accounts.account_issue_link(user=admin_user, by=admin_user, base_url=BASE)


def test_the_api_waits_for_a_password_of_ones_own(office):
    from rest_framework.test import APIClient

    user = accounts.account_create(
        by=office, username="zhangsan", roles=[Role.AUDITOR], password="initial-password-42"
    )
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/proposals/")
    assert response.status_code == 403
    assert "请先设置您自己的密码" in response.json()["detail"]
    accounts.account_set_password(user=user, password="a-long-new-password")
    assert client.get("/api/v1/proposals/").status_code == 200
