"""The office's year-end records on the staff pages — awards (优秀提案, 先进承办单位) and
democratic evaluation (民主评议: a round, its units, ballots typed in from paper, results)
— through their services, and the proposals picker the forms use."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Award, EvaluationRound, EvaluationVote
from tests.factories import MemberFactory
from tests.forms import opened, pages_answering_wrongly
from tests.pages.test_pages import EVERYONE, OFFICE, OVERVIEW

pytestmark = pytest.mark.django_db
S = ProposalStatus
DAY = datetime.date(2021, 1, 5)


def _round(walk, *units, name="2020年度民主评议"):
    return services.evaluation_round_save(
        evaluation_round=EvaluationRound(),
        by=walk.office,
        changes={"year": 2020, "name": name, "held_on": DAY},
        units=units or [walk.unit_a, walk.unit_b],
    )


RECORD_PAGES = {
    "award-edit": {OFFICE},
    "evaluation": OVERVIEW,
    "evaluation-edit": {OFFICE},
    "evaluation-ballot": {OFFICE},
}


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_each_record_page_opens_for_its_roles_only(name, request, client, walk):
    award = services.award_record(
        award=Award(),
        by=walk.office,
        changes={"year": 2020, "kind": "advanced_unit", "unit": walk.unit_a, "decided_on": DAY},
    )
    evaluation = _round(walk)
    records = {
        "award-edit": award,
        "evaluation": evaluation,
        "evaluation-edit": evaluation,
        "evaluation-ballot": evaluation,
    }
    client.force_login(request.getfixturevalue(name))
    assert not pages_answering_wrongly(client, RECORD_PAGES, records, name)


# --- awards --------------------------------------------------------------------------------


def test_the_office_records_and_corrects_an_award_through_the_pages(client, office, walk):
    closed = walk.to(S.CLOSED)
    client.force_login(office)
    listed = client.get(reverse("pages:awards")).content.decode()
    assert reverse("pages:award-new") in listed
    response = client.post(
        reverse("pages:award-new"),
        {
            "year": 2020,
            "kind": "excellent_proposal",
            "proposal": closed.pk,
            "decided_on": "2021-01-05",
            "note": "十三届三次会议优秀提案",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    award = Award.objects.get()
    assert (award.proposal, award.unit, award.year) == (closed, None, 2020)
    assert award.history.get().history_user == office
    edit = reverse("pages:award-edit", args=[award.pk])
    assert edit in client.get(reverse("pages:awards")).content.decode()
    corrected = client.post(
        edit,
        opened(
            award,
            year=2020,
            kind="excellent_proposal",
            proposal=closed.pk,
            decided_on="2021-01-06",
            note="更正日期",
        ),
    )
    assert corrected.status_code == 302
    award.refresh_from_db()
    assert (award.decided_on, award.note) == (datetime.date(2021, 1, 6), "更正日期")
    assert award.history.latest("history_date").history_user == office


@pytest.mark.parametrize(
    "case",
    ["not accepted", "twice", "a unit for a proposal award"],
)
def test_the_award_service_refuses_what_the_rules_do_not_allow(case, client, office, walk):
    closed = walk.to(S.CLOSED)
    submitted = walk.to(S.SUBMITTED)
    day = "2021-01-05"
    data = {"year": 2020, "kind": "excellent_proposal", "proposal": closed.pk, "decided_on": day}
    if case == "not accepted":
        data["proposal"] = submitted.pk
    elif case == "twice":
        services.award_record(
            award=Award(),
            by=office,
            changes={
                "year": 2020,
                "kind": "excellent_proposal",
                "proposal": closed,
                "decided_on": DAY,
            },
        )
    else:
        data = {**data, "proposal": "", "unit": walk.unit_a.pk}
    before = Award.objects.count()
    client.force_login(office)
    response = client.post(reverse("pages:award-new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Award.objects.count() == before


def test_only_the_office_records_awards_and_the_service_says_so(leader, walk):
    with pytest.raises(PermissionDenied):
        services.award_record(
            award=Award(),
            by=leader,
            changes={"year": 2020, "kind": "advanced_unit", "unit": walk.unit_a, "decided_on": DAY},
        )
    assert not Award.objects.exists()


def test_the_admin_records_an_award_through_the_same_service(client, office, walk):
    submitted = walk.to(S.SUBMITTED)
    client.force_login(office)
    client.post(
        reverse("admin:proposals_award_add"),
        {"year": 2020, "kind": "excellent_proposal", "proposal": submitted.pk, "decided_on": DAY},
    )
    assert not Award.objects.exists()  # refused: the proposal was never accepted


# --- democratic evaluation -----------------------------------------------------------------


def test_the_office_opens_a_round_and_types_in_ballots(client, office, walk, unit_c):
    client.force_login(office)
    created = client.post(
        reverse("pages:evaluation-new"),
        {
            "name": "2020年度承办单位民主评议",
            "year": 2020,
            "held_on": "2020-12-10",
            "units": [walk.unit_a.pk, walk.unit_b.pk],
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    evaluation = EvaluationRound.objects.get()
    assert created["Location"] == reverse("pages:evaluation", args=[evaluation.pk])
    assert set(evaluation.units.all()) == {walk.unit_a, walk.unit_b}
    assert evaluation.history.get().history_user == office
    ballot = reverse("pages:evaluation-ballot", args=[evaluation.pk])
    voters = MemberFactory.create_batch(3)
    for voter, rating_a in zip(voters, ["very_satisfied", "satisfied", "unsatisfied"], strict=True):
        response = client.post(
            ballot,
            {"member": voter.pk, f"unit-{walk.unit_a.pk}": rating_a, f"unit-{walk.unit_b.pk}": ""},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == ballot  # the next ballot
    assert EvaluationVote.objects.count() == 3  # unit B left blank on every ballot
    assert {vote.history.get().history_user for vote in EvaluationVote.objects.all()} == {office}
    page = client.get(reverse("pages:evaluation", args=[evaluation.pk]))
    results = {result.unit: counts for result, counts in page.context["results"]}
    assert results[walk.unit_a] == [1, 1, 0, 1, 0]
    assert results[walk.unit_b] == [0, 0, 0, 0, 0]
    assert page.context["ballots"] == 3
    assert "66.7%" in page.content.decode()  # two content of three


def test_a_participants_ballot_is_recorded_once(client, office, walk):
    evaluation = _round(walk)
    voter = MemberFactory(name="钱一")
    services.evaluation_votes_record(
        evaluation_round=evaluation, by=office, member=voter, ratings={walk.unit_a: "satisfied"}
    )
    client.force_login(office)
    response = client.post(
        reverse("pages:evaluation-ballot", args=[evaluation.pk]),
        {
            "member": voter.pk,
            f"unit-{walk.unit_a.pk}": "unsatisfied",
            f"unit-{walk.unit_b.pk}": "satisfied",
        },
    )
    assert response.status_code == 400
    assert "钱一对以下单位的评议票已录入：甲单位" in response.content.decode()
    # Refused whole: unit B's rating was not taken either.
    assert list(EvaluationVote.objects.values_list("unit__name", "rating")) == [
        ("甲单位", "satisfied")
    ]


def test_a_ballot_names_only_units_of_its_round_and_real_ratings(office, walk, unit_c):
    evaluation = _round(walk)
    voter = MemberFactory()
    for ratings in ({unit_c: "satisfied"}, {walk.unit_a: "excellent"}, {}):
        with pytest.raises(ValidationError):
            services.evaluation_votes_record(
                evaluation_round=evaluation, by=office, member=voter, ratings=ratings
            )
    assert not EvaluationVote.objects.exists()


def test_ballots_are_typed_in_by_the_office_only(auditor, walk):
    evaluation = _round(walk)
    with pytest.raises(PermissionDenied):
        services.evaluation_votes_record(
            evaluation_round=evaluation,
            by=auditor,
            member=MemberFactory(),
            ratings={walk.unit_a: "satisfied"},
        )


def test_a_unit_already_rated_stays_in_its_round(client, office, walk, unit_c):
    evaluation = _round(walk)
    services.evaluation_votes_record(
        evaluation_round=evaluation,
        by=office,
        member=MemberFactory(),
        ratings={walk.unit_a: "satisfied"},
    )
    client.force_login(office)
    url = reverse("pages:evaluation-edit", args=[evaluation.pk])
    data = {"name": "评议", "year": 2020, "held_on": "2021-01-05"}
    refused = client.post(url, opened(evaluation, **data, units=[walk.unit_b.pk, unit_c.pk]))
    assert refused.status_code == 400
    assert "甲单位" in str(refused.context["form"].errors["units"])
    assert set(evaluation.units.all()) == {walk.unit_a, walk.unit_b}
    kept = client.post(url, opened(evaluation, **data, units=[walk.unit_a.pk, unit_c.pk]))
    assert kept.status_code == 302
    assert set(evaluation.units.all()) == {walk.unit_a, unit_c}


def test_a_round_needs_its_units(office, walk):
    with pytest.raises(ValidationError):
        services.evaluation_round_save(
            evaluation_round=EvaluationRound(),
            by=office,
            changes={"year": 2020, "name": "评议", "held_on": DAY},
        )
    assert not EvaluationRound.objects.exists()


# --- the proposals picker ------------------------------------------------------------------


def _picked(client, url, q="") -> list[str]:
    response = client.get(url, {"q": q})
    assert response.status_code == 200, response.content[:300]
    return [row["text"] for row in response.json()["results"]]


def test_proposals_are_picked_by_title_or_case_number_within_the_readers_scope(
    client, committee_staff, member_user, unit_b_user, walk
):
    accepted = walk.to(S.ACCEPTED)
    other = walk.to(S.SUBMITTED)
    url = reverse("proposals:pick-proposals")
    client.force_login(committee_staff)
    by_number = _picked(client, url, str(accepted.case_number))
    assert by_number == [f"{accepted.number_display} {accepted.title}（十三届三次会议）"]
    assert len(_picked(client, url, "第")) == 2  # both titles hold 第
    assert _picked(client, url, other.title[3:8]) == [f"{other.title}（十三届三次会议）"]
    client.force_login(unit_b_user)  # a unit reads only the proposals it was assigned
    assert _picked(client, url) == []


def test_the_key_proposals_picker_offers_key_proposals_only(client, committee_staff, walk):
    ordinary = walk.to(S.HANDLING)
    key = walk.to(S.HANDLING)
    nomination = services.key_nominate(
        proposal=key, by=walk.office, nominated_by="office", nominated_on=DAY
    )
    services.key_decide(nomination=nomination, by=walk.office, approve=True, decided_on=DAY)
    client.force_login(committee_staff)
    picked = _picked(client, reverse("proposals:pick-key-proposals"))
    assert len(picked) == 1
    assert key.title in picked[0]
    assert ordinary.title not in picked[0]


@pytest.mark.parametrize("count", [3, 12])
def test_a_page_of_proposals_costs_the_same_however_many(
    client, committee_staff, walk, count, django_assert_max_num_queries
):
    for _ in range(count):
        walk.to(S.SUBMITTED)
    client.force_login(committee_staff)
    url = reverse("proposals:pick-proposals")
    client.get(url)
    # session, user, roles, the page of proposals with their sessions, and its count
    with django_assert_max_num_queries(5):
        found = _picked(client, url, "提案")
    assert len(found) == min(count, 10)
