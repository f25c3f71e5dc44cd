"""Democratic evaluation of the units, and the year's awards."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from proposals.models import Award, EvaluationRound, EvaluationVote
from proposals.selectors import evaluation_results
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_votes_are_aggregated_per_unit(walk, unit_c, django_assert_num_queries):
    evaluation = EvaluationRound.objects.create(
        year=2020, name="2020年度民主评议", held_on=datetime.date(2020, 12, 10)
    )
    evaluation.units.set([walk.unit_a, walk.unit_b])
    voters = MemberFactory.create_batch(5)
    ratings_a = ["very_satisfied", "satisfied", "satisfied", "unsatisfied", "abstain"]
    for member, rating in zip(voters, ratings_a, strict=True):
        EvaluationVote.objects.create(
            round=evaluation, unit=walk.unit_a, member=member, rating=rating
        )
    with django_assert_num_queries(2):
        results = {r.unit.name: r for r in evaluation_results(evaluation)}
    a, b = results["甲单位"], results["乙单位"]
    assert dict(a.votes) == {"very_satisfied": 1, "satisfied": 2, "unsatisfied": 1, "abstain": 1}
    assert a.satisfaction_rate == 0.75  # 3 content of 4 who did not abstain
    assert (dict(b.votes), b.satisfaction_rate) == ({}, None)


def test_a_participant_rates_a_unit_once_and_only_units_of_the_round(walk, unit_c):
    evaluation = EvaluationRound.objects.create(
        year=2020, name="评议", held_on=datetime.date(2020, 12, 10)
    )
    evaluation.units.set([walk.unit_a])
    member = MemberFactory()
    EvaluationVote.objects.create(
        round=evaluation, unit=walk.unit_a, member=member, rating="satisfied"
    )
    with pytest.raises(ValidationError):
        EvaluationVote(
            round=evaluation, unit=walk.unit_a, member=member, rating="satisfied"
        ).full_clean()
    with pytest.raises(ValidationError, match="unit"):
        EvaluationVote(
            round=evaluation, unit=unit_c, member=MemberFactory(), rating="satisfied"
        ).full_clean()


def test_an_award_names_the_right_kind_of_winner(walk):
    proposal = walk.to("closed")
    Award(
        year=2020,
        kind="excellent_proposal",
        proposal=proposal,
        decided_on=datetime.date(2021, 1, 5),
    ).full_clean()
    Award(
        year=2020, kind="advanced_unit", unit=walk.unit_a, decided_on=datetime.date(2021, 1, 5)
    ).full_clean()
    with pytest.raises(ValidationError):
        Award(
            year=2020, kind="advanced_unit", proposal=proposal, decided_on=datetime.date(2021, 1, 5)
        ).full_clean()
    with pytest.raises(ValidationError):
        Award(
            year=2020,
            kind="excellent_proposal",
            unit=walk.unit_a,
            decided_on=datetime.date(2021, 1, 5),
        ).full_clean()
