"""The type-ahead pickers: by name, short name and pinyin initials, within the reader's
scope, active records only, ten at a time in a fixed number of queries."""

import pytest
from django.urls import reverse

from hcppcc.core import pinyin
from hcppcc.directory.models import HandlingUnit, Member
from tests.factories import HandlingUnitFactory, MemberFactory, SectorFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["text"] for row in response.json()["results"]]


def test_initials_are_read_from_the_names():
    assert pinyin.initials("李文华") == "lwh"
    assert pinyin.initials("呼和浩特市城市管理综合执法局", "城管局") == "hhhtscsglzhzfj cgj"
    assert pinyin.initials("ABC局") == "abcj"


def test_a_member_is_found_by_name_or_initials(client, unit_a_user):
    economy = SectorFactory(name="经济界")
    MemberFactory(name="李文华", sector=economy)
    MemberFactory(name="王建国", sector=None)
    client.force_login(unit_a_user)
    url = reverse("directory:pick-members")
    assert names(client.get(url, {"q": "lwh"})) == ["李文华（经济界）"]
    assert names(client.get(url, {"q": "文华"})) == ["李文华（经济界）"]
    assert names(client.get(url, {"q": "WJG"})) == ["王建国"]
    assert names(client.get(url, {"q": "zzz"})) == []


def test_a_unit_is_found_by_its_short_name_and_its_initials(client, office):
    HandlingUnitFactory(name="呼和浩特市城市管理综合执法局", short_name="城管局")
    HandlingUnitFactory(name="呼和浩特市教育局", short_name="教育局")
    client.force_login(office)
    url = reverse("directory:pick-units")
    assert names(client.get(url, {"q": "cgj"})) == ["呼和浩特市城市管理综合执法局"]
    assert names(client.get(url, {"q": "城管"})) == ["呼和浩特市城市管理综合执法局"]
    assert names(client.get(url, {"q": "hhht"})) == [
        "呼和浩特市城市管理综合执法局",
        "呼和浩特市教育局",
    ]


def test_initials_follow_a_renamed_unit(office):
    unit = HandlingUnitFactory(name="呼和浩特市教育局", short_name="")
    unit.name = "呼和浩特市教育委员会"
    unit.save(update_fields=["name"])
    assert HandlingUnit.objects.get(pk=unit.pk).initials == "hhhtsjywyh"
    member = MemberFactory(name="张三")
    member.name = "李四"
    member.save(update_fields=["name"])
    assert Member.objects.get(pk=member.pk).initials == "ls"


def test_inactive_records_are_not_offered(client, office):
    HandlingUnitFactory(name="已撤并的局", is_active=False)
    MemberFactory(name="已退出委员", is_active=False)
    client.force_login(office)
    assert names(client.get(reverse("directory:pick-units"), {"q": "撤并"})) == []
    assert names(client.get(reverse("directory:pick-members"), {"q": "退出"})) == []


def test_the_pickers_are_closed_to_visitors_and_users_without_a_role(client, no_role_user):
    url = reverse("directory:pick-members")
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "picker", ["directory:pick-units", "directory:pick-members", "proposals:pick-proposals"]
)
def test_a_picker_creates_nothing_from_typed_text(client, office, picker):
    client.force_login(office)
    response = client.post(reverse(picker), {"text": "新建的局"})
    assert response.status_code == 405
    assert not HandlingUnit.objects.filter(name="新建的局").exists()


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_members_costs_the_same_however_many(
    client, office, count, django_assert_max_num_queries
):
    sector = SectorFactory(name="教育界")
    for number in range(count):
        MemberFactory(name=f"委员{number:02d}", sector=sector)
    client.force_login(office)
    url = reverse("directory:pick-members")
    client.get(url)
    # session, user, roles, the page of members with their sectors, and its count
    with django_assert_max_num_queries(5):
        found = names(client.get(url, {"q": "委员"}))
    assert len(found) == min(count, 10)
