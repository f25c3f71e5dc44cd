"""The account pages: the office creates accounts (alone or in bulk, with a printable sheet
of links), sets roles, deactivates; a new user sets a password from the link, or changes
an initial one before anything else; "forgot password" e-mails a working link; each person
keeps their own e-mail address; nobody but the office opens the office's pages."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hcppcc.directory import accounts
from hcppcc.directory.choices import Role
from hcppcc.directory.models import Member, User
from tests.factories import HandlingUnitFactory, MemberFactory, UserFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db
NOT_OFFICE = ("committee_staff", "leader", "unit_a_user", "unit_b_user", "member_user", "auditor")
PASSWORD = "a-long-new-password"


@pytest.fixture
def clerk(client, office):
    client.force_login(office)
    return client


def _path(link: str) -> str:
    return link.removeprefix("http://testserver")


def _sign_in(client, username: str, password: str) -> bool:
    """Sign in through the sign-in page (django-axes wants a real request)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _set_password(client, link: str, password: str = PASSWORD):
    """Open a set-password link and choose ``password``, as the person would."""
    response = client.get(_path(link), follow=True)
    assert response.context["validlink"], "the link should work"
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_office_creates_a_unit_account_and_gets_its_link(
    clerk, django_capture_on_commit_callbacks
):
    unit = HandlingUnitFactory(short_name="教育局", contact_person="王敏", contact_email="j@x.cn")
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(reverse("pages:account-new"), {"kind": "unit", "unit": unit.pk})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    user = User.objects.get(handling_unit=unit)
    assert (user.username, user.roles, user.must_change_password) == (
        "dw-jyj",
        {Role.HANDLING_UNIT},
        True,
    )
    (issued,) = response.context["issued"]
    assert issued.link in response.content.decode()
    assert mail.outbox[0].to == ["j@x.cn"]
    assert issued.link in mail.outbox[0].body


def test_the_office_creates_a_member_account(clerk):
    member = MemberFactory(name="李文华")
    response = clerk.post(
        reverse("pages:account-new"), {"kind": "member", "member": member.pk, "email": "l@x.cn"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.user.username == "liwenhua"
    assert member.user.roles == {Role.MEMBER}
    assert member.user.email == "l@x.cn"
    assert member.user.must_change_password
    assert member.user.get_full_name() == "李文华"


def test_a_unit_account_takes_the_name_typed_for_its_contact(clerk):
    unit = HandlingUnitFactory(short_name="财政局", contact_person="王敏")
    data = {"kind": "unit", "unit": unit.pk, "name": "赵丽"}  # the contact has changed
    assert clerk.post(reverse("pages:account-new"), data).status_code == 200
    assert User.objects.get(handling_unit=unit).get_full_name() == "赵丽"


def test_a_staff_account_needs_a_username_a_name_and_roles(clerk):
    response = clerk.post(reverse("pages:account-new"), {"kind": "staff"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"username", "name", "roles"}
    assert "请填写此项" in response.content.decode()
    response = clerk.post(
        reverse("pages:account-new"),
        {"kind": "staff", "username": "zhangsan", "name": "张三", "roles": ["committee_staff"]},
    )
    assert response.status_code == 200
    assert User.objects.get(username="zhangsan").roles == {Role.COMMITTEE_STAFF}


def test_a_username_in_use_is_an_error_on_the_form(clerk, auditor):
    response = clerk.post(
        reverse("pages:account-new"),
        {"kind": "staff", "username": "auditor", "name": "张三", "roles": ["auditor"]},
    )
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_the_set_password_link_works_once_and_asks_no_more_change(client, office):
    user = accounts.account_create(by=office, username="zhangsan", roles=[Role.AUDITOR])
    issued = accounts.account_issue_link(user=user, by=office, base_url="http://testserver/")
    response = _set_password(client, issued.link)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert _sign_in(client, "zhangsan", PASSWORD)
    assert client.get(reverse("pages:figures")).status_code == 200  # no detour
    assert not User.objects.get(pk=user.pk).must_change_password
    # Spent: the same link opens no form again.
    client.logout()
    assert not client.get(_path(issued.link), follow=True).context["validlink"]


def test_a_new_user_changes_an_initial_password_before_anything_else(client, office):
    accounts.account_create(
        by=office, username="zhangsan", roles=[Role.AUDITOR], password="initial-password-42"
    )
    assert _sign_in(client, "zhangsan", "initial-password-42")
    for page in (
        "home",
        "pages:figures",
        "pages:proposals",
        "pages:account",
        "admin:password_change",
    ):
        response = client.get(reverse(page))
        assert response.status_code == 302, page
        assert response["Location"] == reverse("password_change")
    # The API answers for itself: a refusal, not a page to change the password on.
    assert client.get("/api/v1/proposals/").status_code == 403
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "initial-password-42",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    # Still signed in (the session follows the new password), and free to go on.
    assert client.get(reverse("pages:figures")).status_code == 200
    assert not User.objects.get(username="zhangsan").must_change_password


def test_forgot_password_emails_a_working_link(client, member_user):
    User.objects.filter(pk=member_user.pk).update(email="member@example.cn")
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login
    assert "忘记密码" in login
    response = client.post(reverse("password_reset"), {"email": "MEMBER@example.cn"})
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["member@example.cn"]
    link = re.search(r"https?://\S+", message.body).group(0)
    assert _set_password(client, link).status_code == 302
    assert _sign_in(client, "member", PASSWORD)


def test_forgot_password_sends_nothing_for_an_unknown_address(client, member_user):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302  # the same answer: no telling which addresses exist
    assert mail.outbox == []


def test_a_deactivated_user_cannot_sign_in(client, clerk, auditor):
    clerk.post(reverse("pages:account-active", args=[auditor.pk]), {"active": "0"})
    assert not User.objects.get(pk=auditor.pk).is_active
    clerk.logout()
    response = client.post(
        reverse("login"), {"username": "auditor", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert not response.wsgi_request.user.is_authenticated


def test_a_deactivated_users_open_session_ends(client, office, auditor):
    client.force_login(auditor)
    accounts.account_set_active(user=auditor, by=office, active=False)
    assert client.get(reverse("pages:figures"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_every_other_role_gets_403_on_the_office_pages(persona, request, client, auditor):
    client.force_login(request.getfixturevalue(persona))
    for name in ("accounts", "account-new", "accounts-bulk-units", "accounts-bulk-members"):
        assert client.get(reverse(f"pages:{name}")).status_code == 403, name
    for name in ("account-new", "accounts-bulk-units", "accounts-bulk-members"):
        assert client.post(reverse(f"pages:{name}")).status_code == 403, name
    for name in ("account-detail", "account-active", "account-link"):
        assert client.post(reverse(f"pages:{name}", args=[auditor.pk])).status_code == 403, name
    assert client.get(reverse("pages:account-detail", args=[auditor.pk])).status_code == 403
    assert User.objects.get(pk=auditor.pk).is_active


def test_the_account_page_sets_roles_and_its_history_says_who(clerk, office, unit_a):
    user = accounts.account_create(by=None, username="zhangsan", roles=[Role.AUDITOR])
    url = reverse("pages:account-detail", args=[user.pk])
    response = clerk.post(
        url,
        opened(user, name="张三", email="", roles=["handling_unit"], unit=unit_a.pk),
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.HANDLING_UNIT}
    assert user.handling_unit == unit_a
    page = clerk.get(url)
    latest = page.context["history"][0]
    assert latest.user == office
    assert ("角色", "审计人员", "承办单位") in [(c.field, c.old, c.new) for c in latest.changes]
    assert "审计人员 → 承办单位" in page.content.decode()


def test_a_role_without_its_record_is_refused_on_the_form(clerk):
    user = accounts.account_create(by=None, username="zhangsan", roles=[Role.AUDITOR])
    response = clerk.post(
        reverse("pages:account-detail", args=[user.pk]),
        opened(user, name="", email="", roles=["member"]),
    )
    assert response.status_code == 400
    assert "member" in response.context["form"].errors
    assert User.objects.get(pk=user.pk).roles == {Role.AUDITOR}


def test_an_account_form_opened_before_anothers_save_is_refused(clerk, office):
    user = accounts.account_create(by=None, username="zhangsan", roles=[Role.AUDITOR])
    stale = opened(user, name="张三", email="", roles=["auditor"])
    accounts.account_set_email(user=user, by=office, email="new@example.cn")
    response = clerk.post(reverse("pages:account-detail", args=[user.pk]), stale)
    assert response.status_code == 400
    assert "new@example.cn" in response.content.decode()  # what the other clerk changed
    assert User.objects.get(pk=user.pk).get_full_name() == ""


def test_the_office_prints_or_emails_a_new_link(clerk, django_capture_on_commit_callbacks):
    unit = HandlingUnitFactory(name="呼和浩特市教育局", contact_email="j@example.cn")
    contact = accounts.unit_account_create(unit=unit, by=None)
    staff = accounts.account_create(
        by=None, username="zhangsan", roles=[Role.AUDITOR], email="z@example.cn"
    )
    for user, shown in ((contact, True), (staff, False)):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = clerk.post(reverse("pages:account-link", args=[user.pk]))
        (issued,) = response.context["issued"]
        assert issued.link in mail.outbox[0].body
        # A staff account's link goes to its holder alone.
        assert (issued.link in response.content.decode()) is shown
    assert clerk.get(reverse("pages:account-link", args=[user.pk])).status_code == 405


def test_a_staff_account_in_use_offers_the_office_no_link(clerk, auditor):
    page = clerk.get(reverse("pages:account-detail", args=[auditor.pk]))
    content = page.content.decode()
    assert 'id="issue-link"' not in content
    assert 'id="reset-refused"' in content
    response = clerk.post(reverse("pages:account-link", args=[auditor.pk]), follow=True)
    assert "忘记密码" in response.content.decode()
    assert not User.objects.get(pk=auditor.pk).must_change_password


def test_bulk_pages_preview_create_then_print_each_link(clerk, django_capture_on_commit_callbacks):
    HandlingUnitFactory(name="呼和浩特市教育局", short_name="教育局", contact_email="j@x.cn")
    HandlingUnitFactory(name="呼和浩特市财政局", short_name="财政局")
    url = reverse("pages:accounts-bulk-units")
    preview = clerk.get(url)
    assert sorted(plan.username for plan in preview.context["planned"]) == ["dw-czj", "dw-jyj"]
    assert User.objects.filter(handling_unit__isnull=False).count() == 0  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        sheet = clerk.post(url)
    page = sheet.content.decode()
    assert len(sheet.context["issued"]) == 2
    for one in sheet.context["issued"]:
        assert one.user.username in page
        assert one.link in page
    assert [m.to for m in mail.outbox] == [["j@x.cn"]]
    assert clerk.get(url).context["planned"] == []
    assert clerk.post(url).context["issued"] == []


def test_a_refused_bulk_run_creates_nothing_and_says_why(clerk):
    from hcppcc.directory.models import HandlingUnit

    HandlingUnitFactory(name="市教育局")
    bad = HandlingUnitFactory(name="市财政局")
    HandlingUnit.objects.filter(pk=bad.pk).update(contact_email="not an address")
    response = clerk.post(reverse("pages:accounts-bulk-units"), follow=True)
    assert "市财政局" in response.content.decode()
    assert not User.objects.filter(handling_unit__isnull=False).exists()


def test_the_members_bulk_page_lists_members_without_an_account(clerk, member_user):
    MemberFactory(name="张伟")
    planned = clerk.get(reverse("pages:accounts-bulk-members")).context["planned"]
    assert [plan.record.name for plan in planned] == ["张伟"]


def test_the_list_filters_by_role_and_searches_names(clerk, unit_a_user, member_user):
    url = reverse("pages:accounts")
    rows = clerk.get(url, {"role": "handling_unit"}).context["page"].object_list
    assert [u.username for u in rows] == ["unit_a"]
    rows = clerk.get(url, {"q": "委员甲"}).context["page"].object_list  # by the member's name
    assert [u.username for u in rows] == ["member"]
    rows = clerk.get(url, {"is_active": "false"}).context["page"].object_list
    assert list(rows) == []


def test_the_account_list_reads_a_fixed_number_of_queries(clerk, unit_a, django_assert_num_queries):
    """The same count with one account (the clerk's) as with 25 of every kind."""
    url = reverse("pages:accounts")
    clerk.get(url)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as one_row:
        assert len(clerk.get(url).context["page"].object_list) == 1
    for number in range(8):
        UserFactory()  # no role yet
        accounts.account_create(
            by=None, username=f"unit{number}", roles=[Role.HANDLING_UNIT], handling_unit=unit_a
        )
        accounts.member_account_create(member=MemberFactory(), by=None)
    with django_assert_num_queries(len(one_row)):
        assert len(clerk.get(url).context["page"].object_list) == 25


def test_a_person_keeps_their_own_email_on_their_profile(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("pages:account"))
    assert "委员甲" in page.content.decode()
    assert reverse("password_change") in page.content.decode()
    response = client.post(reverse("pages:account"), {"email": "me@example.cn"})
    assert response.status_code == 400  # without the current password
    assert User.objects.get(pk=member_user.pk).email == ""
    password = "correct-horse-battery-staple"
    response = client.post(
        reverse("pages:account"), {"email": "me@example.cn", "password": password}
    )
    assert response["Location"] == reverse("pages:account")
    assert User.objects.get(pk=member_user.pk).email == "me@example.cn"
    history = accounts.account_history(member_user)[0]
    assert history.user == member_user
    response = client.post(reverse("pages:account"), {"email": "not an address"})
    assert response.status_code == 400


def test_the_menu_offers_account_management_to_the_office_only(client, office, auditor):
    url = reverse("pages:accounts")
    client.force_login(office)
    links = client.get(reverse("pages:account")).context["nav_more"]
    assert url in [link for _label, link in links]
    client.force_login(auditor)
    links = client.get(reverse("pages:account")).context["nav_more"]
    assert url not in [link for _label, link in links]


def test_a_member_record_stays_linked_to_one_account(clerk, member_user):
    member = Member.objects.get(user=member_user)
    response = clerk.post(reverse("pages:account-new"), {"kind": "member", "member": member.pk})
    assert response.status_code == 400
    assert Member.objects.get(pk=member.pk).user == member_user
