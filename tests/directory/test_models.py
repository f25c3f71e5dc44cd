"""Directory models: labels, keys and constraints."""

import pytest
from django.core.exceptions import ValidationError

from hcppcc.directory.models import Member, Session
from hcppcc.directory.numerals import chinese_numeral
from hcppcc.directory.services import session_make_current
from tests.factories import MemberFactory, SectorFactory, SessionFactory


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (3, "三"), (10, "十"), (13, "十三"), (20, "二十"), (99, "九十九")],
)
def test_chinese_numerals(number, text):
    assert chinese_numeral(number) == text


@pytest.mark.django_db
def test_a_session_label_is_written_from_its_numbers_when_left_blank():
    session = Session(term=14, number=1, year=2022)
    session.full_clean()
    assert session.label == "十四届一次会议"


@pytest.mark.django_db
def test_only_one_session_is_current():
    first = SessionFactory(is_current=True)
    second = SessionFactory()
    with pytest.raises(ValidationError, match="已有另一个届次"):
        Session(term=9, number=9, year=2000, label="x", is_current=True).full_clean()
    session_make_current(session=second)
    assert Session.objects.current() == second
    first.refresh_from_db()
    assert not first.is_current


@pytest.mark.django_db
def test_a_session_cannot_close_before_it_opens():
    session = Session(term=14, number=2, year=2023, opens_on="2023-01-10", closes_on="2023-01-09")
    with pytest.raises(ValidationError):
        session.full_clean()


@pytest.mark.django_db
def test_members_are_unique_by_name_within_a_sector():
    sector = SectorFactory()
    MemberFactory(name="同名", sector=sector)
    MemberFactory(name="同名", sector=SectorFactory())  # another sector: a different person
    with pytest.raises(ValidationError):
        Member(name="同名", sector=sector).full_clean()
    MemberFactory(name="无界别", sector=None)
    with pytest.raises(ValidationError):
        Member(name="无界别", sector=None).full_clean()


@pytest.mark.django_db
def test_member_list_read_has_a_fixed_query_count(django_assert_num_queries):
    MemberFactory.create_batch(5)
    with django_assert_num_queries(2):
        members = list(Member.objects.for_list())
        [list(m.committees.all()) for m in members]
    MemberFactory.create_batch(20)
    with django_assert_num_queries(2):
        members = list(Member.objects.for_list())
        [(m.sector, m.organization, list(m.committees.all())) for m in members]
