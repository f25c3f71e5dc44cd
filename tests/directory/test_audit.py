"""The audit history: every save of an audited record, with who and what changed."""

import pytest
from django.urls import reverse

from hcppcc.core.audit import versions
from hcppcc.core.records import record_save
from hcppcc.directory.models import HandlingUnit
from hcppcc.directory.services import records_set_active
from proposals.choices import ProposalStatus
from tests.factories import HandlingUnitFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db


def test_an_edit_keeps_who_and_before_and_after(office):
    unit = HandlingUnitFactory(name="市统计局", contact_person="甲")
    record_save(record=unit, by=office, changes={"contact_person": "乙"})
    (latest, created) = versions(unit.history.all())
    assert created.kind == "created"
    assert latest.user == office
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("联系人", "甲", "乙")]


def test_deactivating_in_bulk_keeps_a_version_of_each(office):
    units = HandlingUnitFactory.create_batch(3)
    assert records_set_active(records=HandlingUnit.objects.all(), active=False) == 3
    for unit in units:
        latest = versions(unit.history.all())[0]
        assert [(c.field, c.new) for c in latest.changes] == [("启用", False)]


def test_a_step_through_the_pages_is_attributed_to_the_signed_in_user(client, office, walk):
    submitted = walk.to(ProposalStatus.SUBMITTED)
    client.force_login(office)
    client.post(
        reverse("pages:step", args=["proposal", submitted.pk, "accept"]),
        opened(submitted, category=walk.ref["category"].pk),
    )
    latest = submitted.history.latest("history_date")
    assert latest.history_user == office
    assert latest.status == ProposalStatus.ACCEPTED
    page = client.get(reverse("pages:proposal", args=[submitted.pk]))
    changes = [c for v in page.context["history"] for c in v.changes]
    assert ("状态", "已提交", "已立案") in [(c.field, c.old, c.new) for c in changes]


def test_the_history_is_for_the_office_leaders_and_auditors(client, member_user, walk):
    submitted = walk.to(ProposalStatus.SUBMITTED)  # the member's own
    client.force_login(member_user)
    page = client.get(reverse("pages:proposal", args=[submitted.pk]))
    assert page.status_code == 200
    assert "history" not in page.context


def test_a_look_back_campaign_records_its_items_history(walk, office):
    import datetime

    from proposals import services
    from proposals.models import LookBackCampaign, LookBackItem

    walk.to(ProposalStatus.CLOSED)
    day = datetime.date(2020, 9, 1)
    services.lookback_campaign_create(
        campaign=LookBackCampaign(
            name="回头看", year=2020, session=walk.session, starts_on=day, ends_on=day
        ),
        by=office,
        result_classes=[walk.ref["A"]],
    )
    item = LookBackItem.objects.get()
    assert item.history.get().history_user == office


def test_old_versions_cannot_be_saved_back_from_the_admin(admin_client, walk):
    unit = HandlingUnitFactory()
    record_save(record=unit, by=None, changes={"contact_person": "丙"})
    first = unit.history.earliest("history_date")
    url = reverse("admin:directory_handlingunit_simple_history", args=[unit.pk, first.history_id])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"name": unit.name}).status_code == 405
    unit.refresh_from_db()
    assert unit.contact_person == "丙"
