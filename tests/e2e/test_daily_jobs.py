"""A day's work for every role, in Chromium, without opening the admin: a joint proposal
recorded from paper with two co-signers, who confirm on their own pages; accepted and
assigned with the type-ahead; the unit working its desk; a leader recording supervision;
a look-back campaign opened; accounts made in bulk; a new unit contact setting a password
from the link, and a new member made to change the initial one at first sign-in."""

import datetime
import re

import pytest

from hcppcc.directory.choices import Role
from hcppcc.directory.models import User
from hcppcc.directory.services import user_set_roles
from proposals import services
from proposals.choices import NominatedBy, ProposalStatus, SupervisionStatus
from proposals.models import LookBackCampaign, Proposal
from tests.e2e.steps import PASSWORD, take, with_password
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "关于推进老旧小区加装电梯的提案"


def _member_user(username: str, name: str):
    user = user_set_roles(
        user=UserFactory(username=username), roles=[Role.MEMBER], member=MemberFactory(name=name)
    )
    with_password(user)
    return user


def test_a_joint_proposal_from_paper_to_the_units_desk(screen, walk, office, unit_a_user):
    with_password(office, unit_a_user)
    first, second = _member_user("zhangyi", "张一"), _member_user("wangqiang", "王强")
    tabs = []

    desk = screen()
    tabs.append(desk)
    desk.sign_in("office", PASSWORD)
    desk.go("/proposals/new/")
    page = desk.page
    page.select_option("#id_session", str(walk.session.pk))
    page.select_option("#id_proposer_kind", "joint")
    desk.pick("#id_lead_member", walk.proposer.name, walk.proposer.name)
    desk.pick("#id_cosigners", "zy", "张一")  # by pinyin initials
    desk.pick("#id_cosigners", "王强", "王强")
    page.fill("#id_title", TITLE)
    page.fill("#id_situation", "全市六成老旧小区无电梯，老人下楼难。")
    page.fill("#id_suggestions", "一是简化审批；二是财政补贴；三是统筹后期维护。")
    page.fill("#id_explanation", "走访了五个小区。")
    assert "已写 8 字" in page.inner_text("#proposal-form")  # the live count
    desk.pick("#id_suggested_units", walk.unit_a.name, walk.unit_a.name)
    desk.shot("office-records-a-joint-proposal")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_load_state()
    proposal = Proposal.objects.get(title=TITLE)
    assert set(proposal.cosigners.values_list("member__name", flat=True)) == {"张一", "王强"}
    take(desk, "代为登记：提交", "office-submits-for-the-member")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_COSIGNERS

    for user in (first, second):
        tab = screen()
        tabs.append(tab)
        tab.sign_in(user.username, PASSWORD)
        tab.page.wait_for_selector("#invitations")  # the member lands on their invitations
        tab.shot(f"{user.username}-invitation")
        tab.page.locator("#invitations").get_by_role("link", name="答复联名邀请").click()
        tab.page.wait_for_selector("#step-form")
        tab.page.get_by_label("确认").check()
        tab.page.click("#step-form button[type=submit]")
        tab.page.wait_for_load_state()
        assert tab.page.locator("#form-errors").count() == 0, tab.page.inner_text("main")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED

    desk.go(f"/proposals/{proposal.pk}/")
    take(
        desk,
        "立案",
        "office-accepts",
        lambda page: page.select_option("#id_category", str(walk.ref["category"].pk)),
    )

    def assign(page):
        # The suggested unit is there already, to lead; a joint unit is added by typing.
        assert page.locator("#id_units-0-unit").input_value() == str(walk.unit_a.pk)
        desk.pick("#id_units-1-unit", "乙单位", walk.unit_b.name)
        page.select_option("#id_units-1-role", "joint")

    take(desk, "交办", "office-assigns-with-the-type-ahead", assign)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED

    unit = screen()
    tabs.append(unit)
    unit.sign_in("unit_a", PASSWORD)
    unit.page.wait_for_selector("#queues")
    assert unit.page.inner_text("#queue-to_acknowledge [data-count]") == "1"
    unit.shot("unit-desk")
    unit.page.locator("#results").get_by_role("link", name="签收").first.click()
    unit.page.wait_for_selector("#step-form")
    unit.page.click("#step-form button[type=submit]")
    unit.page.wait_for_load_state()

    def reply(page):
        page.select_option("#id_result_class", str(walk.ref["B"].pk))
        page.fill("#id_text", "已列入明年改造计划，先行试点三个小区。")
        page.fill("#id_signer", "李局长")
        page.fill("#id_reply_date", datetime.date.today().isoformat())

    take(unit, "提交答复", "unit-replies", reply)
    lead = proposal.assignments.get(unit=walk.unit_a)
    assert lead.replies.get().text.startswith("已列入")

    for tab in tabs:
        assert tab.admin_requests == []


def test_a_leader_records_the_supervision_of_a_key_proposal(screen, walk, office, leader):
    with_password(leader)
    proposal = walk.to(ProposalStatus.HANDLING)
    day = datetime.date.today()
    nomination = services.key_nominate(
        proposal=proposal, by=office, nominated_by=NominatedBy.OFFICE, nominated_on=day
    )
    services.key_decide(nomination=nomination, by=office, approve=True, decided_on=day)
    supervision = services.supervision_plan(proposal=proposal, by=office, leaders=[leader.member])

    tab = screen()
    tab.sign_in("leader", PASSWORD)
    tab.go("/key-proposals/")
    tab.page.get_by_role("link", name="我领衔督办的").click()
    tab.page.get_by_role("link", name=proposal.title).click()

    def event(page):
        page.fill("#id_date", day.isoformat())
        page.select_option("#id_method", "inspection")
        page.fill("#id_place", "新城区")

    take(tab, "记录督办活动", "leader-records-an-inspection", event)
    take(
        tab,
        "提交督办报告",
        "leader-files-the-report",
        lambda page: page.fill("#id_report", "经实地视察，承办单位已落实主要建议。"),
    )
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.REPORTED
    assert tab.admin_requests == []


def test_the_office_opens_a_look_back_campaign_and_gives_accounts_in_bulk(
    screen, walk, office, unit_c
):
    with_password(office)
    walk.to(ProposalStatus.CLOSED)  # a class A reply to look back on
    newcomer = MemberFactory(name="孙新")  # a member without an account
    desk = screen()
    desk.sign_in("office", PASSWORD)

    desk.go("/look-back/")
    desk.page.get_by_role("link", name="回头看活动").click()
    desk.page.get_by_role("link", name="开展回头看").click()
    desk.page.fill("#id_name", "2020年答复回头看")
    desk.page.get_by_label("A 已解决或采纳").check()
    desk.page.fill("#id_starts_on", "2020-10-01")
    desk.page.fill("#id_ends_on", "2020-11-30")
    desk.page.click("#record-form button[type=submit]")
    desk.page.wait_for_load_state()
    campaign = LookBackCampaign.objects.get()
    assert campaign.items.count() == 1
    desk.shot("office-opens-a-look-back-campaign")

    # Accounts for every unit and member that has none, with their links on a sheet.
    desk.go("/accounts/bulk/units/")
    desk.page.click("#create-accounts")
    desk.page.wait_for_selector("#sheet")
    desk.shot("unit-accounts-sheet")
    row = desk.page.locator("#sheet tr", has_text=unit_c.name)
    username = row.locator("code").inner_text()
    link = row.locator("td.link").inner_text().strip()
    desk.go("/accounts/bulk/members/")
    desk.page.click("#create-accounts")
    desk.page.wait_for_selector("#sheet")
    assert User.objects.get(member=newcomer).must_change_password
    assert desk.admin_requests == []

    # The unit's contact opens the link, sets a password and lands on the unit's desk.
    contact = screen()
    contact.page.goto(re.sub(r"^https?://[^/]+", contact.base_url, link))
    contact.page.fill("#id_new_password1", "a-New-password-for-dw-2026")
    contact.page.fill("#id_new_password2", "a-New-password-for-dw-2026")
    contact.page.locator("main button[type=submit]").click()
    contact.page.wait_for_load_state()
    contact.sign_in(username, "a-New-password-for-dw-2026")
    contact.page.wait_for_selector("#queues")
    contact.shot("new-unit-contact-on-their-desk")
    assert contact.admin_requests == []


def test_a_new_member_must_change_the_initial_password_at_first_sign_in(screen, walk, office):
    with_password(office)
    newcomer = MemberFactory(name="赵新")
    desk = screen()
    desk.sign_in("office", PASSWORD)
    desk.go("/accounts/new/")
    desk.page.locator("input[name=kind][value=member]").check()
    desk.pick("#id_member", "zx", "赵新")
    desk.page.fill("#id_username", "zhaoxin")
    desk.page.fill("#id_password", "an-initial-one-2026")
    desk.page.click("#account-form button[type=submit]")
    desk.page.wait_for_load_state()
    assert User.objects.get(username="zhaoxin").member == newcomer

    member = screen()
    member.sign_in("zhaoxin", "an-initial-one-2026")
    member.page.wait_for_selector("#id_new_password1")  # sent to change it first
    member.go("/proposals/")
    assert member.page.locator("#id_new_password1").count() == 1  # still there
    member.page.fill("#id_old_password", "an-initial-one-2026")
    member.page.fill("#id_new_password1", "my-own-password-2026")
    member.page.fill("#id_new_password2", "my-own-password-2026")
    member.page.locator("main button[type=submit]").click()
    member.page.wait_for_load_state()
    member.go("/proposals/")
    assert member.page.locator("#id_new_password1").count() == 0
    assert "我的提案" in member.page.inner_text("h1")
    assert desk.admin_requests == member.admin_requests == []
