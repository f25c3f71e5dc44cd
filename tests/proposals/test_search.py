"""Chinese full-text search (proposals/search.py)."""

import pytest
from django.db import connection

from proposals.models import Proposal
from proposals.search import search, tsquery
from tests.factories import MemberFactory


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("水", "(水:*)"),
        ("供水", "(供水)"),
        ("供水管网", "(供水 <-> 水管 <-> 管网)"),
        ("垃圾分类 5G", "(垃圾 <-> 圾分 <-> 分类) & (5g)"),
        ("「供水」！", "(供水)"),
        ("？！ ,.", None),
    ],
)
def test_what_is_typed_becomes_a_query_on_character_pairs(typed, query):
    assert tsquery(typed) == query


@pytest.fixture
def library(session):
    member = MemberFactory()
    texts = {
        "water": ("关于加快城市供水管网改造的提案", "供水管网老化，漏损率高。"),
        "heat": ("关于推进供热管网改造的提案", "冬季供热不稳定。"),
        "body": ("关于老旧小区改造的提案", "小区内供水管网需同步更换。"),
        "bins": ("关于生活垃圾分类的提案", "垃圾分类投放设施不足。"),
    }
    return {
        key: Proposal.objects.create(
            session=session, title=title, situation=text, lead_member=member
        )
        for key, (title, text) in texts.items()
    }


@pytest.fixture
def found(library):
    """The library's proposals a search finds, by key, in the order found."""
    keys = {proposal.pk: key for key, proposal in library.items()}
    return lambda text: [keys[p.pk] for p in search(Proposal.objects.all(), text)]


def test_a_search_finds_the_words_wherever_they_are(found):
    assert set(found("供水管网")) == {"water", "body"}
    assert set(found("管网改造")) == {"water", "heat"}
    assert set(found("垃圾")) == {"bins"}
    assert found("供电") == []
    assert set(found("供水 漏损")) == {"water"}  # every word must occur


@pytest.mark.postgres
def test_a_hit_in_the_title_ranks_first_and_one_character_is_enough(found):
    assert found("供水管网") == ["water", "body"]
    assert set(found("热")) == {"heat"}
    assert set(found("网")) == {"water", "heat", "body"}
    assert found("。") == []


@pytest.mark.postgres
def test_the_document_is_kept_up_to_date_by_the_database(found, library):
    proposal = library["bins"]
    proposal.title = "关于城市供水安全的提案"
    proposal.save(update_fields=["title"])
    assert "bins" in found("供水")
    with connection.cursor() as cursor:
        cursor.execute("SELECT hcppcc_grams('关于供水5G的提案')")
        assert cursor.fetchone()[0] == "关于 于供 供水 水 的提 提案 案 5g"
