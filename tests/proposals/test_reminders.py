"""``send_reminders``: each unit hears only of its own items, once a day; the office gets a
summary."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, ReminderLog

pytestmark = pytest.mark.django_db
S = ProposalStatus
TODAY = datetime.date(2020, 9, 25)


@pytest.fixture
def desks(walk, settings):
    settings.HCPPCC_OFFICE_EMAILS = ["office@example.org"]
    walk.unit_a.contact_email = "a@example.org"
    walk.unit_a.save()
    walk.unit_b.contact_email = "b@example.org"
    walk.unit_b.save()
    overdue = walk.to(S.HANDLING)  # A leads, B joins
    soon = walk.to(S.HANDLING)
    Assignment.objects.filter(proposal=overdue, role=AssignmentRole.LEAD).update(
        assigned_on=datetime.date(2020, 6, 1), due_on=datetime.date(2020, 9, 1)
    )
    Assignment.objects.filter(proposal=overdue, role=AssignmentRole.JOINT).update(
        assigned_on=datetime.date(2020, 6, 1), due_on=datetime.date(2020, 12, 31)
    )
    Assignment.objects.filter(proposal=soon).update(
        assigned_on=datetime.date(2020, 6, 20), due_on=datetime.date(2020, 10, 1)
    )
    return {"overdue": overdue, "soon": soon}


def test_each_unit_gets_only_its_own_items(desks):
    call_command("send_reminders", days=14, today=TODAY)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"a@example.org", "b@example.org", "office@example.org"}
    to_a, to_b = by_recipient["a@example.org"], by_recipient["b@example.org"]
    # A: its lead share of the overdue proposal (24 days late), and of the other one.
    assert desks["overdue"].title in to_a.body
    assert "已逾期 24 天" in to_a.body
    assert desks["soon"].title in to_a.body
    # B: only the joint share due soon; its share of the overdue proposal is not due.
    assert desks["soon"].title in to_b.body
    assert desks["overdue"].title not in to_b.body
    assert "甲单位" in by_recipient["office@example.org"].body


def test_a_second_run_the_same_day_sends_nothing(desks):
    call_command("send_reminders", days=14, today=TODAY)
    sent = len(mail.outbox)
    call_command("send_reminders", days=14, today=TODAY)
    assert len(mail.outbox) == sent
    assert ReminderLog.objects.filter(date=TODAY).count() == 3
    call_command("send_reminders", days=14, today=TODAY + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2 * sent


def test_a_unit_without_an_address_is_reported_not_mailed(desks, walk, capsys):
    walk.unit_b.contact_email = ""
    walk.unit_b.save()
    call_command("send_reminders", days=14, today=TODAY)
    assert "b@example.org" not in {m.to[0] for m in mail.outbox}
    assert "units without an e-mail address: 1" in capsys.readouterr().out


def test_a_failed_send_is_retried_the_next_run(desks, monkeypatch):
    from proposals import reminders

    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    with pytest.raises(OSError, match="mail server down"):
        reminders.send_reminders(TODAY, 14)
    assert not ReminderLog.objects.exists()


def test_one_units_failing_address_does_not_stop_the_others(desks, monkeypatch):
    import smtplib

    from proposals import reminders

    real_send = reminders.send_mail

    def refuse_a(**kwargs):
        if kwargs["recipient_list"] == ["a@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")})
        return real_send(**kwargs)

    monkeypatch.setattr(reminders, "send_mail", refuse_a)
    sent = reminders.send_reminders(TODAY, 14)
    assert sent["failed"] == 1
    assert {m.to[0] for m in mail.outbox} == {"b@example.org", "office@example.org"}
    # A's reminder was not logged, so tomorrow's run (or a rerun) tries again.
    assert not ReminderLog.objects.filter(unit__contact_email="a@example.org").exists()


def test_a_reply_waiting_for_the_office_is_not_the_units_to_chase(desks, walk):
    lead = walk.lead(desks["overdue"])
    walk.reply(lead)  # now waiting for the office's review
    call_command("send_reminders", days=14, today=TODAY)
    to_a = next(m for m in mail.outbox if m.to == ["a@example.org"])
    assert desks["overdue"].title not in to_a.body
