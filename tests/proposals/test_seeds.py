"""The proposals the 2020 summary names, loaded with their histories."""

import shutil

import pytest

from proposals.choices import ProposalStatus
from proposals.models import Proposal, Transition
from seeds.loader import DATA_DIR, SeedError, load_seeds, seed_files

pytestmark = pytest.mark.django_db
S = ProposalStatus

WASTE_SORTING = "垃圾分类|餐厨垃圾"


def test_the_summarys_proposals_are_seeded_in_plausible_states():
    load_seeds()
    by_title = {p.title: p for p in Proposal.objects.all()}
    assert by_title["关于解决城中村改造问题房屋权属登记遗留问题的提案"].status == S.CLOSED
    key = by_title["关于出台呼和浩特市小区垃圾分类管理条例的提案"]
    assert key.status == S.CLOSED
    assert [p.title for p in Proposal.objects.filter(is_key=True)] == [key.title]
    assert key.supervision.status == "reported"
    assert [m.name for m in key.supervision.leaders.all()] == ["孙建华"]
    assert key.supervision.events.count() == 2
    assert key.assignments.get(role="lead").replies.get().result_class.code == "B"
    assert Proposal.objects.filter(title__regex=WASTE_SORTING).count() == 7
    medical = Proposal.objects.filter(category__name="医疗卫生")
    assert medical.count() == 3
    assert {p.status for p in medical} == {S.CLOSED}
    assert by_title["关于加强老旧小区改造和管理的提案"].status == S.ASSIGNED
    # Case numbers run from 1 without gaps; every step left its log row.
    numbers = sorted(Proposal.objects.values_list("case_number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    first = by_title["关于解决城中村改造问题房屋权属登记遗留问题的提案"]
    assert first.transitions.first().at.date().isoformat() == "2020-05-08"
    assert first.transitions.last().action == "feedback"


def test_reloading_the_proposals_changes_nothing():
    load_seeds()
    before = (Proposal.objects.count(), Transition.objects.count())
    results = {r.path.name: r for r in load_seeds()}
    assert (results["60_proposals.yaml"].created, results["60_proposals.yaml"].unchanged) == (0, 12)
    assert (Proposal.objects.count(), Transition.objects.count()) == before


def test_a_broken_history_loads_nothing_and_names_the_record(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "60_proposals.yaml"
    text = path.read_text(encoding="utf-8")
    # The third proposal is told to take a reply before anyone acknowledged it.
    broken = text.replace(
        "      - {step: acknowledge, date: 2020-06-08, unit: 呼和浩特市城市管理综合执法局}\n"
        "      - step: reply\n        date: 2020-08-31",
        "      - step: reply\n        date: 2020-08-31",
        1,
    )
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(
        SeedError, match=r"60_proposals\.yaml: record 3 .*关于加快餐厨垃圾处理设施建设"
    ):
        load_seeds(seed_files(target))
    assert not Proposal.objects.exists()
