"""The activities the 2020 summary names are seeded."""

import pytest

from activities.models import Activity
from seeds.loader import load_seeds

pytestmark = pytest.mark.django_db


def test_the_summarys_dated_activities_are_seeded_with_leaders_and_committees():
    load_seeds()
    coal = Activity.objects.get(starts_on="2020-09-01", title="调研呼鲁源煤散烧整治工作")
    assert [m.name for m in coal.leaders.all()] == ["孙建华"]
    relics = Activity.objects.get(title="视察本市红色革命文物遗址保护情况")
    assert (str(relics.starts_on), str(relics.ends_on)) == ("2020-05-14", "2020-05-20")
    assert [c.name for c in relics.committees.all()] == ["文化文史和学习委员会"]
    meeting = Activity.objects.get(starts_on="2020-11-03")
    assert meeting.kind.name == "专题议政性常委会议"
    assert meeting.title == "加强老旧小区改造和管理，提升城市治理水平"
    education = Activity.objects.get(starts_on="2020-07-01")
    assert (education.kind.name, [p.name for p in education.partners.all()]) == (
        "联合调研",
        ["赛罕区政协"],
    )
    assert not Activity.objects.filter(is_demo=True).exists()
