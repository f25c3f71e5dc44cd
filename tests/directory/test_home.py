"""The home page: who the user is, and the directory for those who read it."""

import pytest
from django.urls import reverse

from seeds.loader import load_seeds

pytestmark = pytest.mark.django_db


def test_the_office_sees_the_directory_counts(client, office):
    load_seeds()
    client.force_login(office)
    page = client.get(reverse("pages:account")).content.decode()
    assert "提案委办公室" in page
    assert "承办单位" in page
    assert "区、旗、县政府" in page
    assert "十三届三次会议" in page


def test_a_unit_user_sees_its_unit_and_not_the_directory(client, unit_a_user):
    client.force_login(unit_a_user)
    response = client.get(reverse("pages:account"))
    page = response.content.decode()
    assert "甲单位" in page
    assert response.context["counts"] is None


def test_a_member_sees_their_member_record(client, member_user):
    client.force_login(member_user)
    page = client.get(reverse("pages:account")).content.decode()
    assert "委员甲" in page
    assert "数据录入" not in page


def test_the_home_page_reads_a_fixed_number_of_queries(client, office, django_assert_num_queries):
    load_seeds()
    client.force_login(office)
    # session, user, groups (roles), member link, current session, seven directory counts,
    # units by kind, and the user's and groups' permissions for the links.
    with django_assert_num_queries(15):
        client.get(reverse("pages:account"))


def test_english_is_available(client, office):
    client.force_login(office)
    page = client.get(reverse("pages:account"), headers={"accept-language": "en"}).content.decode()
    assert "Welcome" in page
    assert "Proposal office" in page


def test_each_staff_role_finds_its_work_from_the_home_page(client, office, committee_staff, leader):
    client.force_login(office)
    page = client.get(reverse("pages:account")).content.decode()
    assert reverse("pages:unit-scorecards") in page
    client.force_login(committee_staff)
    page = client.get(reverse("pages:account")).content.decode()
    assert reverse("pages:reports") in page
    client.force_login(leader)
    assert reverse("pages:supervisions") in client.get(reverse("pages:account")).content.decode()
