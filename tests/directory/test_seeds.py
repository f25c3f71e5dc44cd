"""The seed loader: the 2020 directory loads, reloads without change, and fails whole."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from hcppcc.directory.choices import MemberPosition
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
)
from seeds.loader import DATA_DIR, DEMO_DIR, SeedError, load_seeds, seed_files

pytestmark = pytest.mark.django_db

DIRECTORY_MODELS = (Session, Committee, Sector, Organization, Member, HandlingUnit)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every directory table, with its many-to-many links."""
    rows = {}
    for model in DIRECTORY_MODELS:
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model.__name__] = list(model.objects.order_by("pk").values_list(*fields))
    rows["member_committees"] = list(
        Member.committees.through.objects.order_by("pk").values_list("member_id", "committee_id")
    )
    return rows


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    """A private copy of seeds/data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_the_summarys_directory_is_loaded():
    load_seeds()
    assert Member.objects.get(name="孙建华").position == MemberPosition.CHAIR
    vice_chairs = set(
        Member.objects.filter(position=MemberPosition.VICE_CHAIR).values_list("name", flat=True)
    )
    assert vice_chairs == {"回力", "高珍伟", "郭炳胜", "云奎", "宋忠", "罗琳"}
    assert {
        "提案委员会",
        "经济委员会",
        "人口资源环境委员会",
        "文化文史和学习委员会",
        "教科文卫委员会",
        "社会和法制委员会",
        "民族宗教港澳台侨联组",
    } <= set(Committee.objects.values_list("name", flat=True))
    assert {"民盟", "民进", "民建", "工商联", "无党派"} <= set(
        Organization.objects.values_list("short_name", flat=True)
    )
    assert {"新城区", "赛罕区", "土左旗", "和林县"} <= set(
        HandlingUnit.objects.filter(kind="district_government").values_list("short_name", flat=True)
    )
    assert [str(s) for s in Session.objects.order_by("number")] == [
        "十三届三次会议",
        "十三届四次会议",
    ]
    assert Session.objects.current().year == 2020


def test_a_second_run_changes_nothing():
    first = load_seeds()
    assert sum(result.created for result in first) > 50
    before = snapshot()
    second = load_seeds()
    assert [(r.created, r.updated) for r in second] == [(0, 0)] * len(second)
    assert snapshot() == before


def test_the_offices_edits_survive_a_reload():
    load_seeds()
    Committee.objects.filter(name="提案委员会").update(short_name="改过了")
    results = {r.path.name: r for r in load_seeds()}
    assert (results["20_committees.yaml"].updated, results["20_committees.yaml"].differ) == (0, 1)
    assert Committee.objects.get(name="提案委员会").short_name == "改过了"


def test_update_puts_the_seed_values_back_and_counts_them():
    paths = [*seed_files(), *seed_files(DEMO_DIR)]
    load_seeds(paths)
    Committee.objects.filter(name="提案委员会").update(short_name="改过了")
    Member.objects.get(name="刘敏").committees.clear()
    results = {r.path.name: r for r in load_seeds(paths, update=True)}
    assert results["20_committees.yaml"].updated == 1
    assert results["members.yaml"].updated == 1
    assert Committee.objects.get(name="提案委员会").short_name == "提案委"
    assert Member.objects.get(name="刘敏").committees.count() == 2
    second = load_seeds(paths, update=True)
    assert [(r.created, r.updated, r.differ) for r in second] == [(0, 0, 0)] * len(second)


def test_a_leader_given_a_sector_by_the_office_is_not_seeded_twice():
    load_seeds()
    Member.objects.filter(name="孙建华").update(sector=Sector.objects.get(name="中国共产党"))
    load_seeds()
    assert Member.objects.filter(name="孙建华").count() == 1


def test_create_only_fields_are_not_reset_on_reload():
    load_seeds()
    Session.objects.update(is_current=False)
    Session.objects.filter(number=4).update(is_current=True)
    load_seeds()
    assert Session.objects.current().number == 4


def test_the_command_reports_counts(capsys):
    call_command("load_seeds")
    call_command("load_seeds")
    output = capsys.readouterr().out
    assert "20_committees.yaml" in output
    assert output.rstrip().endswith("Seeds loaded: 0 record(s) written.")


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        pytest.param(
            "20_organizations.yaml",
            "  - name: 中国民主同盟呼和浩特市委员会",
            "  - name: 中国民主同盟呼和浩特市委员会\n    members: [孙建华]",
            "record 2 (name='中国民主同盟呼和浩特市委员会'): Organization.members cannot",
            id="reverse-relation",
        ),
        pytest.param(
            "40_members.yaml",
            "{name: 回力, position: vice_chair,",
            "{name: 回力, position: vice_chair, organization: 不存在的党派,",
            "record 2 (name='回力'): organization: no single Organization",
            id="unknown-reference",
        ),
        pytest.param(
            "10_sessions.yaml",
            "  - term: 13\n    number: 4",
            "  - term: 十三\n    number: 4",
            "record 2 (term='十三', number=4): term:",
            id="wrong-type-in-key",
        ),
        pytest.param(
            "20_committees.yaml",
            "short_name: 经济委",
            "short_name: [经济, 委]",
            "record 2 (name='经济委员会'): short_name must be a single value",
            id="list-for-a-single-value",
        ),
        pytest.param(
            "30_handling_units.yaml",
            "{name: 新城区人民政府, short_name: 新城区,",
            "{name: 新城区人民政府, short_name: 新城区, kind: other, sort_order: 1}\n"
            "  - {name: 新城区人民政府, short_name: 新城区,",
            "record 2 (name='新城区人民政府'): the same record is defined twice",
            id="duplicate-key",
        ),
        pytest.param(
            "10_sessions.yaml",
            "create_only: [is_current]",
            "create_only: is_current",
            "'create_only' must be a list of field names",
            id="malformed-header",
        ),
        pytest.param(
            "30_handling_units.yaml",
            "kind: government_department, sort_order: 20}",
            "kind: ministry, sort_order: 20}",
            "record 12 (name='呼和浩特市教育局'): kind:",
            id="invalid-choice",
        ),
        pytest.param(
            "10_sessions.yaml",
            "year: 2021",
            "year: 二〇二一",
            "record 2 (term=13, number=4): year:",
            id="wrong-type",
        ),
        pytest.param(
            "20_sectors.yaml",
            "{name: 体育界, sort_order: 220}",
            "{name: 体育界, sort_order: 220, colour: red}",
            "record 22 (name='体育界'): Sector has no field 'colour'",
            id="unknown-field",
        ),
        pytest.param(
            "40_members.yaml",
            "  - {name: 罗琳,",
            "  - {name: [罗琳,",
            "cannot be read as YAML",
            id="broken-yaml",
        ),
    ],
)
def test_a_malformed_file_loads_nothing_and_names_the_file_and_record(
    seed_dir, file, old, new, message
):
    break_file(seed_dir / file, old, new)
    before = snapshot()
    with pytest.raises(SeedError) as error:
        load_seeds(seed_files(seed_dir))
    assert file in str(error.value)
    assert message in str(error.value)
    assert snapshot() == before


def test_a_malformed_file_leaves_earlier_loads_untouched(seed_dir):
    load_seeds()
    before = snapshot()
    break_file(seed_dir / "20_committees.yaml", "short_name: 提案委", "short_name: 新简称")
    break_file(seed_dir / "40_members.yaml", "{name: 罗琳,", "{name: 罗琳, sector: 不存在的界别,")
    with pytest.raises(SeedError):
        load_seeds(seed_files(seed_dir), update=True)
    assert snapshot() == before


def test_the_command_says_nothing_was_loaded(seed_dir):
    break_file(seed_dir / "20_sectors.yaml", "{name: 体育界", "{name: ''")
    with pytest.raises(CommandError, match=r"Nothing was loaded\. .*20_sectors\.yaml: record 22"):
        call_command("load_seeds", dir=seed_dir)
    assert not Sector.objects.exists()


def test_every_seeded_record_is_found_again_by_its_natural_key():
    load_seeds([*seed_files(), *seed_files(DEMO_DIR)])
    for model in DIRECTORY_MODELS:
        records = list(model.objects.all())
        assert records, model
        for record in records:
            assert model.objects.get_by_natural_key(*record.natural_key()) == record


def test_seed_models_are_protected_from_cascading_deletes():
    for model in DIRECTORY_MODELS:
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model in DIRECTORY_MODELS:
                assert field.remote_field.on_delete is models.PROTECT, field
