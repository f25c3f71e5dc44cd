"""The staff pages: who opens which, what each list costs, the forms' Chinese errors, and
steps taken through the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from pages import urls as page_urls
from proposals.choices import AssignmentRole, AssignmentStatus, ProposalStatus
from proposals.models import Assignment, Proposal, Transition
from tests.forms import opened
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus

OFFICE, STAFF, LEADER, UNIT_A, UNIT_B, MEMBER, AUDITOR = (
    "office",
    "committee_staff",
    "leader",
    "unit_a_user",
    "unit_b_user",
    "member_user",
    "auditor",
)
EVERYONE = {OFFICE, STAFF, LEADER, UNIT_A, UNIT_B, MEMBER, AUDITOR}
OVERVIEW = {OFFICE, LEADER, AUDITOR}
WORK = {OFFICE, STAFF, LEADER, AUDITOR}

# url name -> who opens it (from DESIGN.md's role table); the others get 403
OPENS = {
    "dashboard": OVERVIEW,
    # Whoever has work that can wait on them: everyone but the auditor, who only reads.
    "todo": EVERYONE - {AUDITOR},
    "notices": EVERYONE,
    "account": EVERYONE,
    "proposals": EVERYONE,
    "proposal-new": {OFFICE, MEMBER},
    "assign-batch": {OFFICE},
    "assignments": OVERVIEW | {UNIT_A, UNIT_B, MEMBER},
    "supervisions": OVERVIEW | {UNIT_A, UNIT_B, MEMBER},
    "lookback": OVERVIEW,
    "nominations": OVERVIEW | {UNIT_A, UNIT_B, MEMBER},
    "campaigns": OVERVIEW,
    "lookback-new": {OFFICE},
    "imports": {OFFICE},
    # The office keeps the accounts (tests/pages/test_accounts.py); each person their own.
    "accounts": {OFFICE},
    "account-new": {OFFICE},
    "accounts-bulk-units": {OFFICE},
    "accounts-bulk-members": {OFFICE},
    "activities": WORK,
    "activity-new": {STAFF},
    "reports": WORK,
    "report-new": {STAFF},
    "bulletins": WORK,
    "bulletin-new": {STAFF},
    # Awards and democratic evaluation: the office types them in, leaders and auditors read.
    "awards": OVERVIEW,
    "award-new": {OFFICE},
    "evaluations": OVERVIEW,
    "evaluation-new": {OFFICE},
    # The directory is everyone's: a unit names the unit that should take a proposal
    # instead, a member their co-signers.
    "members": EVERYONE,
    "units": EVERYONE,
    "figures": WORK,
    "unit-scorecards": WORK,
    "duty-scorecards": WORK,
}
RECORD_PAGES = {
    "proposal",
    "proposal-edit",
    "assignment",
    "step",
    "reply-file",
    # tests/pages/test_record_proposal.py
    "proposal-attachment",
    "proposal-detach",
    # tests/notices/test_notices.py
    "notice",
    "notices-read-all",
    # tests/pages/test_accounts.py
    "account-detail",
    "account-active",
    "account-link",
    # tests/pages/test_import_pages.py
    "import-template",
    "import-export",
    "import",
    "import-map",
    "import-check",
    "import-apply",
    "import-progress",
    # tests/pages/test_work_pages.py and test_year_end_pages.py
    "activity",
    "activity-edit",
    "activity-attachment",
    "report",
    "report-edit",
    "instruction-new",
    "bulletin-edit",
    "award-edit",
    "evaluation",
    "evaluation-edit",
    "evaluation-ballot",
}  # tested on records below


def test_the_table_covers_every_page():
    names = {p.name for p in page_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(OPENS) | RECORD_PAGES


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_every_page_opens_for_the_roles_that_may_see_it(name, request, client, a_bit_of_everything):
    client.force_login(request.getfixturevalue(name))
    wrong = []
    for page, allowed in OPENS.items():
        code = client.get(reverse(f"pages:{page}")).status_code
        if code != (200 if name in allowed else 403):
            wrong.append((page, code))
    assert not wrong, wrong


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for page in OPENS:
        response = client.get(reverse(f"pages:{page}"))
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login"))


def test_a_unit_sees_only_its_own_records_and_others_are_404(client, walk, unit_b_user, unit_c):
    from proposals import services

    mine = walk.to(S.ASSIGNED)  # unit B is the joint unit
    other = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=other,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    foreign = other.assignments.get()
    client.force_login(unit_b_user)
    desk = client.get(reverse("pages:assignments")).content.decode()
    assert mine.title in desk
    assert other.title not in desk
    assert client.get(reverse("pages:assignment", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("pages:proposal", args=[other.pk])).status_code == 404
    step = reverse("pages:step", args=["assignment", foreign.pk, "acknowledge"])
    assert client.post(step).status_code == 404
    assert refreshed(foreign).status == AssignmentStatus.ASSIGNED
    # Its own proposal's timeline shows its own handling, not the lead unit's.
    walk_lead = walk.lead(mine)
    services.assignment_acknowledge(assignment=walk_lead, by=walk.office)
    timeline = client.get(reverse("pages:proposal", args=[mine.pk])).context["timeline"]
    shown = {event.assignment_id for event in timeline}
    assert walk_lead.pk not in shown
    assert shown <= {None, walk.joint(mine).pk}


LISTS = [
    "proposals",
    "assignments",
    "supervisions",
    "nominations",
    "lookback",
    "campaigns",
    "activities",
    "reports",
    "bulletins",
    "awards",
    "evaluations",
    "members",
    "units",
]


@pytest.mark.parametrize("page", LISTS)
def test_every_list_page_reads_a_fixed_number_of_queries(page, client, office, walk, leader):
    """The same count with a few rows as with several times more."""
    client.force_login(office)
    url = reverse(f"pages:{page}")
    counts = []
    for _ in range(2):
        _more(walk, leader)
        client.get(url)  # warm the session and the user's roles
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def _more(walk, leader):
    """Records behind every list, more each time it is called."""
    import datetime

    from activities.models import Activity, ActivityKind, Bulletin, OpinionReport
    from proposals import services
    from proposals.models import LookBackCampaign
    from tests.factories import HandlingUnitFactory, MemberFactory

    day = datetime.date(2020, 6, 1)
    kind, _ = ActivityKind.objects.get_or_create(name="视察")
    for _ in range(3):
        closed = walk.to(S.CLOSED)
        handling = walk.to(S.HANDLING)
        nomination = services.key_nominate(
            proposal=handling, by=walk.office, nominated_by="office", nominated_on=day
        )
        services.key_decide(nomination=nomination, by=walk.office, approve=True, decided_on=day)
        services.supervision_plan(proposal=handling, by=walk.office, leaders=[leader.member])
        MemberFactory()
        HandlingUnitFactory()
        Activity.objects.create(kind=kind, title="活动", starts_on=day)
        OpinionReport.objects.create(title="信息", received_on=day)
        Bulletin.objects.create(year=2020, number=Bulletin.objects.count() + 1, issued_on=day)
        _year_end(walk, closed, day)
    services.lookback_campaign_create(
        campaign=LookBackCampaign(
            name=f"回头看{Proposal.objects.count()}",
            year=2020,
            session=walk.session,
            starts_on=day,
            ends_on=day,
        ),
        by=walk.office,
        result_classes=[walk.ref["A"]],
    )


def _year_end(walk, closed, day):
    """An award of each kind and an evaluation round with a ballot, through the services."""
    from proposals import services
    from proposals.models import Award, EvaluationRound
    from tests.factories import MemberFactory

    services.award_record(
        award=Award(),
        by=walk.office,
        changes={"year": 2020, "kind": "excellent_proposal", "proposal": closed, "decided_on": day},
    )
    unit = walk.lead(closed).unit
    services.award_record(
        award=Award(),
        by=walk.office,
        changes={
            "year": 2020 + Award.objects.count(),
            "kind": "advanced_unit",
            "unit": unit,
            "decided_on": day,
        },
    )
    evaluation = services.evaluation_round_save(
        evaluation_round=EvaluationRound(),
        by=walk.office,
        changes={"year": 2020, "name": "评议", "held_on": day},
        units=[walk.unit_a, walk.unit_b],
    )
    services.evaluation_votes_record(
        evaluation_round=evaluation,
        by=walk.office,
        member=MemberFactory(),
        ratings={walk.unit_a: "satisfied", walk.unit_b: "unsatisfied"},
    )


def test_the_dashboard_counts_this_sessions_proposals(client, office, walk):
    for status in (S.SUBMITTED, S.HANDLING, S.CLOSED):
        walk.to(status)
    client.force_login(office)
    response = client.get(reverse("pages:dashboard"), {"session": walk.session.pk})
    assert response.context["board"].total == 3
    page = response.content.decode()
    assert 'id="total-proposals">3<' in page
    assert "chart-data" in page


def test_a_step_form_shows_chinese_errors_and_changes_nothing(client, office, walk):
    submitted = walk.to(S.SUBMITTED)
    client.force_login(office)
    url = reverse("pages:step", args=["proposal", submitted.pk, "reject"])
    before = Transition.objects.count()
    response = client.post(url, opened(submitted, reason=""))
    assert response.status_code == 400
    assert "请填写此项" in response.content.decode()
    assert refreshed(submitted).status == S.SUBMITTED
    assert Transition.objects.count() == before


def test_a_refused_step_shows_the_services_reason_on_the_form(client, office, walk):
    accepted = walk.to(S.ACCEPTED)
    client.force_login(office)
    url = reverse("pages:step", args=["proposal", accepted.pk, "assign"])
    # Two lead units: the service refuses; the page says why and writes nothing.
    data = {
        **opened(accepted),
        "units-TOTAL_FORMS": "2",
        "units-INITIAL_FORMS": "0",
        "units-0-unit": walk.unit_a.pk,
        "units-0-role": "lead",
        "units-1-unit": walk.unit_b.pk,
        "units-1-role": "lead",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert not Assignment.objects.filter(proposal=accepted).exists()


def test_the_office_takes_steps_through_the_pages(client, office, walk):
    submitted = walk.to(S.SUBMITTED)
    client.force_login(office)
    accept = reverse("pages:step", args=["proposal", submitted.pk, "accept"])
    response = client.post(accept, opened(submitted, category=walk.ref["category"].pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("pages:proposal", args=[submitted.pk])
    assert refreshed(submitted).status == S.ACCEPTED
    detail = client.get(response["Location"]).content.decode()
    assign = reverse("pages:step", args=["proposal", submitted.pk, "assign"])
    assert assign in detail  # the next step is offered


def test_a_step_the_role_may_not_take_is_403(client, member_user, walk):
    submitted = walk.to(S.SUBMITTED)  # the member's own proposal
    client.force_login(member_user)
    url = reverse("pages:step", args=["proposal", submitted.pk, "accept"])
    assert client.get(url).status_code == 403
    assert client.post(url, opened(submitted, category=walk.ref["category"].pk)).status_code == 403
    assert refreshed(submitted).status == S.SUBMITTED


def test_recording_a_proposal_needs_its_fields_in_chinese(client, office, walk):
    client.force_login(office)
    response = client.post(reverse("pages:proposal-new"), {})
    assert response.status_code == 400
    assert "请填写此项" in response.content.decode()
    assert not Proposal.objects.exists()
    created = client.post(
        reverse("pages:proposal-new"),
        {
            "session": walk.session.pk,
            "title": "关于增设公交线路的提案",
            "proposer_kind": "individual",
            "lead_member": walk.proposer.pk,
            "situation": "线路少。",
            "suggestions": "增设线路。",
        },
    )
    assert created.status_code == 302
    assert Proposal.objects.get().status == S.DRAFT


def test_list_filters_live_in_the_url_and_exports_follow_them(client, office, walk):
    walk.to(S.SUBMITTED)
    walk.to(S.HANDLING)
    client.force_login(office)
    response = client.get(reverse("pages:proposals"), {"status": "submitted"})
    assert response.context["page"].paginator.count == 1
    page = response.content.decode()
    assert "/api/v1/proposals/?status=submitted&amp;format=xlsx" in page
    bad = client.get(reverse("pages:proposals"), {"submitted_after": "not a date"})
    assert bad.context["page"].paginator.count == 0
    assert "请按“年-月-日”填写日期" in bad.content.decode()


def test_print_and_figures_pages(client, office, walk):
    closed = walk.to(S.CLOSED)
    client.force_login(office)
    printed = client.get(reverse("pages:proposal", args=[closed.pk]), {"print": 1})
    assert "经研究，已将相关建议纳入改造计划。" in printed.content.decode()
    figures = client.get(reverse("pages:figures"), {"year": 2020})
    assert figures.status_code == 200
    assert figures.context["figures"]["year"] == 2020


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_the_menu_offers_only_pages_that_open(name, request, client):
    client.force_login(request.getfixturevalue(name))
    response = client.get(reverse("pages:account"))
    links = response.context["nav_links"] + response.context["nav_more"]
    assert links
    for _label, url in links:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "query", ["year=²", "year=99999999999999999999", "session=²", "session=-1", "page=abc"]
)
def test_odd_query_strings_are_not_server_errors(client, office, query):
    client.force_login(office)
    for page in ("dashboard", "figures", "unit-scorecards", "duty-scorecards", "proposals"):
        assert client.get(f"{reverse(f'pages:{page}')}?{query}").status_code == 200, page


def test_sorting_is_stable_and_the_desk_sorts_by_due_date(client, office, walk):
    for _ in range(3):
        walk.to(S.ASSIGNED)
    client.force_login(office)
    url = reverse("pages:assignments")
    ascending = client.get(url, {"ordering": "due_on"}).context["page"].object_list
    descending = client.get(url, {"ordering": "-due_on"}).context["page"].object_list
    # By due date (joint units' come first); on equal dates the id decides, every time.
    assert [(a.due_on, a.pk) for a in ascending] == sorted((a.due_on, a.pk) for a in ascending)
    assert [a.due_on for a in descending] == sorted((a.due_on for a in descending), reverse=True)


def test_a_member_sees_a_reply_once_approved_and_not_the_units_requests(client, member_user, walk):
    from proposals import services

    assigned = walk.to(S.ASSIGNED)
    lead = walk.lead(assigned)
    services.assignment_request_extension(assignment=lead, by=walk.office, days=5, reason="内部")
    services.assignment_acknowledge(assignment=lead, by=walk.office)
    reply = walk.reply(lead)
    client.force_login(member_user)
    page = client.get(reverse("pages:proposal", args=[assigned.pk]))
    assert page.context["replies"] == []
    desk = client.get(reverse("pages:assignment", args=[lead.pk]))
    assert desk.context["extensions"] == []
    services.reply_approve(reply=reply, by=walk.office)
    page = client.get(reverse("pages:proposal", args=[assigned.pk]))
    assert [r.pk for r, _links in page.context["replies"]] == [reply.pk]


def test_a_member_cannot_file_in_an_organizations_name(client, member_user, walk):
    from tests.factories import OrganizationFactory

    client.force_login(member_user)
    form = client.get(reverse("pages:proposal-new")).context["form"]
    assert "organization" not in form.fields
    assert "collective" not in dict(form.fields["proposer_kind"].choices)
    response = client.post(
        reverse("pages:proposal-new"),
        {
            "session": walk.session.pk,
            "title": "以党派名义的提案",
            "proposer_kind": "collective",
            "organization": OrganizationFactory().pk,
            "lead_member": walk.proposer.pk,
            "situation": "略",
            "suggestions": "略",
        },
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_a_reply_letter_is_served_only_to_those_who_see_the_reply(
    client, office, unit_b_user, walk, unit_c
):
    from django.core.files.base import ContentFile

    replied = walk.to(S.REPLIED)
    reply = walk.lead(replied).replies.get()
    reply.file.save("letter.pdf", ContentFile(b"%PDF-1.4 reply"), save=True)
    url = reverse("pages:reply-file", args=[reply.pk])
    client.force_login(office)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 reply"
    client.force_login(unit_b_user)  # the joint unit: not the lead unit's reply
    assert client.get(url).status_code == 404


def test_the_dashboard_reads_a_fixed_number_of_queries(client, office, walk, leader):
    client.force_login(office)
    url = reverse("pages:dashboard")
    counts = []
    for _ in range(2):
        _more(walk, leader)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_dashboard_counts_each_result_once(client, office, walk):
    """A proposal handled twice counts by its latest reply and latest verdict."""
    from proposals import services
    from proposals.choices import Satisfaction

    replied = walk.to(S.REPLIED)
    services.proposal_give_feedback(
        proposal=replied,
        by=walk.office,
        attitude=Satisfaction.UNSATISFIED,
        result=Satisfaction.UNSATISFIED,
    )
    walk.reply_and_approve(walk.lead(refreshed(replied)), "B")
    services.proposal_give_feedback(
        proposal=refreshed(replied),
        by=walk.office,
        attitude=Satisfaction.SATISFIED,
        result=Satisfaction.SATISFIED,
    )
    client.force_login(office)
    board = client.get(reverse("pages:dashboard")).context["board"]
    assert [(t.key, t.count) for t in board.replies_by_class] == [("B", 1)]
    assert {t.key: t.count for t in board.satisfaction} == {
        "satisfied": 1,
        "basically_satisfied": 0,
        "unsatisfied": 0,
    }


def test_a_members_menu_holds_what_a_member_uses(client, member_user):
    client.force_login(member_user)
    response = client.get(reverse("pages:account"))
    links = [url for _label, url in response.context["nav_links"] + response.context["nav_more"]]
    assert links == [reverse("pages:todo"), reverse("pages:proposals")]
    # Pages out of the menu still open where they are reached from a proposal.
    assert client.get(reverse("pages:members")).status_code == 200
