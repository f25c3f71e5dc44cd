"""The role table every step declares (hcppcc/core/workflow/roles.py)."""

from types import SimpleNamespace

from hcppcc.core.workflow.roles import Roles, any_record, anyone_with


def user(*roles, active=True, superuser=False, member_id=None):
    return SimpleNamespace(
        is_authenticated=True,
        is_active=active,
        is_superuser=superuser,
        has_role=lambda *asked: bool(set(asked) & set(roles)),
        member_id=member_id,
    )


def leads(user, record) -> bool:
    return record["lead"] == user.member_id


def test_a_role_acts_on_every_record_or_on_those_its_relation_picks():
    table = anyone_with("office") | Roles({"member": leads})
    assert table.allow(user("office"), {"lead": 1})
    assert table.allow(user("member", member_id=1), {"lead": 1})
    assert not table.allow(user("member", member_id=2), {"lead": 1})
    assert not table.allow(user("auditor"), {"lead": 1})


def test_joining_two_tables_keeps_both_relations_of_a_role():
    both = Roles({"member": leads}) | Roles({"member": lambda u, r: r["cosigner"] == u.member_id})
    assert both.allow(user("member", member_id=3), {"lead": 1, "cosigner": 3})
    assert both.allow(user("member", member_id=1), {"lead": 1, "cosigner": 3})
    assert not both.allow(user("member", member_id=2), {"lead": 1, "cosigner": 3})
    assert both.holders == {"member"}


def test_nobody_inactive_and_every_superuser():
    table = Roles({"office": any_record})
    assert not table.allow(user("office", active=False), None)
    assert not table.allow_some(user("office", active=False))
    assert table.allow(user(superuser=True), None)
    assert table.allow_some(user("office"))
    assert not table.allow_some(user("member"))


def test_tables_are_compared_by_identity_and_may_be_kept_in_sets():
    first, second = anyone_with("office"), anyone_with("office")
    assert len({first, second}) == 2
