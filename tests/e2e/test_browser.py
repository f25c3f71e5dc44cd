"""One proposal's life, clicked through the staff pages in Chromium: the office records,
accepts and assigns it; the unit sees only its own assignment and replies; the office
approves; the member records feedback; the dashboard shows it."""

import datetime

import pytest

from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Proposal
from tests.e2e.steps import PASSWORD, take, with_password

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "关于在老城区增设便民停车位的提案"


def test_a_proposal_from_paper_to_feedback_in_the_browser(
    screen, walk, office, unit_a_user, member_user, unit_c
):
    with_password(office, unit_a_user, member_user)
    # Another unit's work, which unit A must not see.
    elsewhere = walk.to(ProposalStatus.ACCEPTED)
    services.proposal_assign(
        proposal=elsewhere,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )

    desk = screen()
    desk.sign_in("office", PASSWORD)
    desk.shot("office-dashboard")
    desk.go("/proposals/")
    desk.page.get_by_role("link", name="录入提案").click()
    desk.page.select_option("#id_session", str(walk.session.pk))
    desk.page.fill("#id_title", TITLE)
    desk.page.select_option("#id_proposer_kind", "individual")
    desk.pick("#id_lead_member", "wyj", walk.proposer.name)  # 委员甲 by its initials
    desk.page.fill("#id_situation", "老城区停车位缺口大，占道停车影响通行。")
    desk.page.fill("#id_suggestions", "利用边角地增设停车位；错时开放机关单位停车场。")
    desk.page.fill("#id_explanation", "经实地走访三个街道后提出。")
    desk.shot("office-records-a-proposal")
    desk.page.click("#proposal-form button[type=submit]")
    desk.page.wait_for_selector("#status")
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.status == ProposalStatus.DRAFT

    take(desk, "代为登记：提交", "office-submits")  # from the paper form
    take(
        desk,
        "立案",
        "office-accepts",
        lambda page: page.select_option("#id_category", str(walk.ref["category"].pk)),
    )

    def lead_unit(page):
        desk.pick("#id_units-0-unit", walk.unit_a.name, walk.unit_a.name)
        page.select_option("#id_units-0-role", "lead")

    take(desk, "交办", "office-assigns", lead_unit)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED
    assert desk.page.inner_text("#status") == "已交办"

    unit = screen()
    unit.sign_in("unit_a", PASSWORD)
    unit.page.wait_for_selector("#results")
    rows = unit.page.locator("#results tbody tr")
    assert rows.count() == 1
    assert TITLE in rows.first.inner_text()
    assert elsewhere.title not in unit.page.inner_text("#results")
    unit.shot("unit-desk")
    rows.first.get_by_role("link").first.click()
    take(unit, "签收", "unit-acknowledges")

    def reply(page):
        page.select_option("#id_result_class", str(walk.ref["A"].pk))
        page.fill("#id_text", "已在老城区新增停车位三百个，并与十家单位签订错时开放协议。")
        page.fill("#id_signer", "王局长")
        page.fill("#id_reply_date", datetime.date.today().isoformat())

    take(unit, "提交答复", "unit-replies", reply)
    assert "答复待审核" in unit.page.inner_text("#status")

    desk.go(f"/proposals/{proposal.pk}/")
    take(desk, "审核通过答复", "office-approves-the-reply")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED

    member = screen()
    member.sign_in("member", PASSWORD)
    member.page.get_by_role("link", name=TITLE).click()
    take(member, "记录委员反馈", "member-gives-feedback")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED

    desk.go(f"/dashboard/?session={walk.session.pk}")
    desk.page.wait_for_selector("canvas[data-chart=status]")
    assert desk.page.inner_text("#total-proposals") == "2"
    desk.page.locator("details summary").nth(3).click()  # the satisfaction numbers
    satisfied = desk.page.locator("details").nth(3).locator("tr").first.inner_text()
    assert satisfied.split() == ["满意", "1"]
    desk.shot("office-dashboard-after")
