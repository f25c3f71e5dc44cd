"""Committee staff record an activity in Chromium, without the admin: the committee's
members fill the participants list, one is unticked, another marked on leave, a proposal it
produced is picked by typing; then the office types in a ballot of its evaluation round."""

import pytest

from activities.models import Activity, ActivityKind
from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import EvaluationRound, EvaluationVote
from tests.e2e.steps import PASSWORD, with_password
from tests.factories import CommitteeFactory, MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_committee_staff_record_an_activity_with_participants(screen, committee_staff, walk):
    with_password(committee_staff)
    ActivityKind.objects.create(name="专题调研")
    committee = CommitteeFactory(name="经济委员会")
    for name in ("王一", "王二", "王三"):
        MemberFactory(name=name).committees.add(committee)
    produced = walk.to(ProposalStatus.SUBMITTED)

    tab = screen()
    tab.sign_in("committee", PASSWORD)
    tab.go("/activities/")
    tab.page.locator("#create").click()
    page = tab.page
    page.select_option("#id_kind", label="专题调研")
    page.fill("#id_title", "关于民营经济发展的专题调研")
    page.fill("#id_starts_on", "2020-06-01")
    page.fill("#id_places", "新城区")
    page.select_option("#id_fill_committee", label="经济委员会")
    page.click("#fill-committee")
    page.wait_for_selector("#participant-rows input[name=participant]")
    assert page.locator("#ticked-count").inner_text() == "3"
    # Untick all, tick all again, then untick 王二 and mark 王三 on leave.
    page.click("[data-tick=none]")
    assert page.locator("#ticked-count").inner_text() == "0"
    page.click("#check-all")
    assert page.locator("#ticked-count").inner_text() == "3"
    page.get_by_label("王二").uncheck()
    row = page.locator("#participant-rows tr", has_text="王三")
    row.locator("select").select_option("leave")
    assert page.input_value("#id_title") == "关于民营经济发展的专题调研"  # kept by the fill
    tab.pick("#id_produced_proposals", produced.title[:6], produced.title)
    tab.shot("activity-form")
    page.click("#save")
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 0, page.inner_text("main")
    tab.shot("activity-page")

    activity = Activity.objects.get()
    assert dict(activity.participations.values_list("member__name", "attendance")) == {
        "王一": "present",
        "王三": "leave",
    }
    assert list(activity.produced_proposals.all()) == [produced]
    assert "王三" in page.inner_text("#participants")


def test_the_office_types_in_a_ballot(screen, office, walk):
    with_password(office)
    evaluation = services.evaluation_round_save(
        evaluation_round=EvaluationRound(),
        by=office,
        changes={"year": 2020, "name": "2020年度民主评议", "held_on": "2020-12-10"},
        units=[walk.unit_a, walk.unit_b],
    )
    voter = MemberFactory(name="钱多多")
    tab = screen()
    tab.sign_in("office", PASSWORD)
    tab.go(f"/evaluations/{evaluation.pk}/")
    tab.page.locator("#record-ballots").click()
    tab.pick("#id_member", "qdd", "钱多多")
    tab.page.select_option(f"#id_unit-{walk.unit_a.pk}", "satisfied")
    tab.page.select_option(f"#id_unit-{walk.unit_b.pk}", "unsatisfied")
    tab.shot("ballot-form")
    tab.page.click("#ballot-form button[type=submit]")
    tab.page.wait_for_load_state()
    assert tab.page.locator("#form-errors").count() == 0, tab.page.inner_text("main")
    assert EvaluationVote.objects.filter(member=voter).count() == 2
