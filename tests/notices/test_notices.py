"""Notices (通知): the steps that concern someone tell them, in the step's transaction; each
notice goes out by e-mail at most once, however often its delivery is tried; each person
reads their own, in the API and on the pages."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hcppcc.notices import delivery, services
from hcppcc.notices.models import Delivery, DeliveryStatus, Notice
from proposals import services as steps
from proposals.choices import AssignmentRole
from proposals.choices import ProposalStatus as S
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("title", flat=True))


def test_assigning_tells_each_units_contacts(walk, unit_a_user, unit_b_user):
    proposal = walk.to(S.ASSIGNED)
    (lead,) = titles(unit_a_user)
    (joint,) = titles(unit_b_user)
    assert str(proposal) in lead
    assert str(proposal) in joint
    assert Notice.objects.get(recipient=unit_b_user).link == reverse(
        "pages:assignment", args=[walk.joint(proposal).pk]
    )


def test_a_batch_tells_each_unit_once(walk, office, unit_a_user):
    rows = []
    for _ in range(3):
        proposal = walk.to(S.ACCEPTED)
        rows.append(
            steps.BatchRow(proposal, [steps.UnitAssignment(walk.unit_a, AssignmentRole.LEAD)])
        )
    steps.proposals_assign_batch(rows=rows, by=office)
    (notice,) = Notice.objects.filter(recipient=unit_a_user)
    assert "3" in notice.title
    assert all(str(row.proposal) in notice.body for row in rows)


def test_a_refused_batch_tells_nobody(walk, office, unit_a_user):
    good, submitted = walk.to(S.ACCEPTED), walk.to(S.SUBMITTED)
    lead = [steps.UnitAssignment(walk.unit_a, AssignmentRole.LEAD)]
    with pytest.raises(steps.BatchRefused):
        steps.proposals_assign_batch(
            rows=[steps.BatchRow(good, lead), steps.BatchRow(submitted, lead)], by=office
        )
    assert not Notice.objects.exists()


def test_the_proposer_hears_of_an_approved_reply_and_the_unit_of_one_sent_back(
    walk, office, member_user, unit_a_user
):
    lead = walk.lead(walk.to(S.HANDLING))
    steps.reply_send_back(reply=walk.reply(lead), by=office, reason="请补充经费安排。")
    sent_back = Notice.objects.get(recipient=unit_a_user, kind="reply_sent_back")
    assert sent_back.body == "请补充经费安排。"
    walk.reply_and_approve(lead)
    (approved,) = Notice.objects.filter(recipient=member_user, kind="reply_approved")
    assert approved.link == reverse("pages:proposal", args=[lead.proposal_id])


def test_a_member_invited_to_co_sign_hears_of_it_when_the_proposal_goes_out(walk, member_user):
    other = MemberFactory(name="领衔乙")
    draft = walk.draft()
    draft.lead_member, draft.proposer_kind = other, "joint"
    draft.save()
    steps.cosigner_invite(proposal=draft, member=member_user.member, by=walk.office)
    assert not titles(member_user)  # a draft invites nobody yet
    steps.proposal_submit(proposal=draft, by=walk.office)
    (invitation,) = titles(member_user)
    assert str(draft.cosigners.get().deadline) in invitation


def test_a_step_replayed_from_the_past_tells_nobody(walk, office, unit_a_user):
    proposal = walk.to(S.ACCEPTED)
    past = timezone.make_aware(datetime.datetime(2020, 3, 20, 9))
    steps.proposal_assign(
        proposal=proposal,
        by=office,
        units=[steps.UnitAssignment(walk.unit_a, AssignmentRole.LEAD)],
        at=past,
    )
    assert not Notice.objects.exists()


# --- delivery ----------------------------------------------------------------------------


@pytest.fixture
def notice(unit_a_user):
    unit_a_user.email = "unit@example.cn"
    unit_a_user.save()
    (notice,) = services.notify([unit_a_user], kind="assigned", title="新交办", link="/x/")
    return notice


def test_a_notice_goes_out_once_after_the_commit(unit_a_user, django_capture_on_commit_callbacks):
    unit_a_user.email = "unit@example.cn"
    unit_a_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([unit_a_user, unit_a_user, None], kind="assigned", title="新交办")
    assert [message.to for message in mail.outbox] == [["unit@example.cn"]]


def test_a_delivery_tried_again_sends_nothing_twice(notice):
    assert delivery.deliver([notice.pk]) == 1
    assert delivery.deliver([notice.pk]) == 0
    assert len(mail.outbox) == 1
    sent = Delivery.objects.get()
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)


def test_a_failed_send_is_kept_raised_for_the_retry_then_sent_once(notice):
    refused = smtplib.SMTPServerDisconnected("connection lost")
    with (
        mock.patch("hcppcc.notices.delivery.send_mail", side_effect=refused),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        delivery.deliver([notice.pk])
    failed = Delivery.objects.get()
    assert failed.status == DeliveryStatus.FAILED
    assert "connection lost" in failed.error
    assert delivery.undelivered() == [notice.pk]
    assert delivery.deliver([notice.pk]) == 1
    sent = Delivery.objects.get()
    assert (sent.status, sent.attempts, len(mail.outbox)) == (DeliveryStatus.SENT, 2, 1)
    assert delivery.undelivered() == []


def test_nobody_without_an_address_is_mailed(unit_a_user):
    (notice,) = services.notify([unit_a_user], kind="assigned", title="新交办")
    assert delivery.deliver([notice.pk]) == 0
    assert not Delivery.objects.exists()


def test_a_failed_send_waits_longer_each_time(settings):
    from hcppcc.notices.tasks import backoff

    settings.HCPPCC_NOTICE_RETRY_SECONDS = 30
    assert [backoff(n) for n in range(4)] == [30, 60, 120, 240]
    assert backoff(10) == 30 * 60


# --- reading -----------------------------------------------------------------------------


def test_the_api_lists_ones_own_notices_unread_first_and_marks_them_read(
    client, notice, unit_a_user, unit_b_user
):
    (other,) = services.notify([unit_b_user], kind="assigned", title="别人的")
    services.notice_read(notice=notice, by=unit_a_user)
    (newer,) = services.notify([unit_a_user], kind="reply_sent_back", title="退回修改")
    client.force_login(unit_a_user)
    listed = client.get(reverse("notice-list")).json()["results"]
    assert [row["id"] for row in listed] == [newer.pk, notice.pk]
    unread = client.get(reverse("notice-list"), {"unread": "true"}).json()
    assert [row["id"] for row in unread["results"]] == [newer.pk]
    assert client.post(reverse("notice-read", args=[newer.pk])).json()["read_at"]
    assert client.post(reverse("notice-read", args=[other.pk])).status_code == 404
    assert client.post(reverse("notice-read-all")).json() == {"read": 0}


def test_the_inbox_page_opens_a_notice_and_marks_it_read(client, notice, unit_a_user):
    client.force_login(unit_a_user)
    page = client.get(reverse("pages:notices"))
    assert 'data-unread="1"' in page.content.decode()
    response = client.get(reverse("pages:notice", args=[notice.pk]))
    assert response["Location"] == "/x/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.post(reverse("pages:notices-read-all")).status_code == 302


@pytest.mark.parametrize("size", [1, 8])
def test_the_inbox_reads_a_fixed_number_of_queries(
    size, client, unit_a_user, django_assert_num_queries
):
    services.notify([unit_a_user] * 1, kind="assigned", title="一")
    for number in range(size - 1):
        services.notify([unit_a_user], kind="assigned", title=f"第{number}")
    client.force_login(unit_a_user)
    with django_assert_num_queries(5):
        assert len(client.get(reverse("notice-list")).json()["results"]) == size


def test_the_inbox_page_reads_a_fixed_number_of_queries(client, unit_a_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(unit_a_user)
    queries = []
    for size in (1, 8):
        while Notice.objects.count() < size:
            services.notify([unit_a_user], kind="assigned", title="新交办")
        with CaptureQueriesContext(connection) as read:
            assert client.get(reverse("pages:notices")).status_code == 200
        queries.append(len(read))
    assert queries[0] == queries[1], queries
