"""The REST API v1 (first part): scoped reads, workflow steps, the error contract."""

import pytest
from rest_framework.test import APIClient

from hcppcc.api_urls import router
from proposals.choices import ProposalStatus
from tests.proposals.conftest import refreshed

pytestmark = pytest.mark.django_db
S = ProposalStatus
LIST_URLS = sorted(f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", LIST_URLS)
def test_anonymous_callers_get_nothing(url):
    assert api().get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_role_reads_every_list_within_its_scope(url, persona):
    assert api(persona).get(url).status_code == 200


def test_a_signed_in_user_without_a_role_gets_nothing(no_role_user):
    for url in LIST_URLS:
        assert api(no_role_user).get(url).status_code == 403


def test_token_sign_in(office):
    office.set_password("correct-horse-battery-staple")
    office.save()
    response = api().post(
        "/api/v1/auth/token/",
        {"username": "office", "password": "correct-horse-battery-staple"},
        format="json",
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/proposals/").status_code == 200


def test_a_unit_sees_only_its_own_assignments_and_others_are_404(walk, unit_b_user, unit_c):
    from proposals import services
    from proposals.choices import AssignmentRole

    mine = walk.to(S.ASSIGNED)  # unit B joins this one
    other = walk.to(S.ACCEPTED)
    services.proposal_assign(
        proposal=other,
        by=walk.office,
        units=[services.UnitAssignment(unit_c, AssignmentRole.LEAD)],
    )
    client = api(unit_b_user)
    listed = client.get("/api/v1/assignments/").json()["results"]
    assert {row["proposal"] for row in listed} == {mine.pk}
    foreign = other.assignments.get()
    assert client.get(f"/api/v1/assignments/{foreign.pk}/").status_code == 404
    assert client.post(f"/api/v1/assignments/{foreign.pk}/acknowledge/").status_code == 404
    assert client.get(f"/api/v1/proposals/{other.pk}/").status_code == 404
    assert refreshed(foreign).status == "assigned"


def test_a_proposal_walks_its_whole_life_through_the_api(walk, office, unit_a_user, member_user):
    proposal = walk.draft()
    desk, unit, member = api(office), api(unit_a_user), api(member_user)
    base = f"/api/v1/proposals/{proposal.pk}"

    assert desk.post(f"{base}/submit/").json()["status"] == "submitted"
    accepted = desk.post(f"{base}/accept/", {"category": walk.ref["category"].pk}, format="json")
    assert (accepted.json()["status"], accepted.json()["number"]) == ("accepted", "第0001号")
    assigned = desk.post(
        f"{base}/assign/",
        {"units": [{"unit": walk.unit_a.pk, "role": "lead"}], "note": ""},
        format="json",
    )
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["status"] == "assigned"
    lead = walk.lead(proposal)

    assert unit.post(f"/api/v1/assignments/{lead.pk}/acknowledge/").json()["status"] == (
        "acknowledged"
    )
    replied = unit.post(
        f"/api/v1/assignments/{lead.pk}/submit-reply/",
        {
            "result_class": walk.ref["A"].pk,
            "text": "已采纳。",
            "signer": "局长",
            "reply_date": "2020-01-01",
        },
        format="json",
    )
    assert replied.json()["status"] == "reply_submitted"
    reply = lead.replies.get()
    assert (
        desk.post(f"/api/v1/replies/{reply.pk}/approve/", {"note": ""}, format="json").json()[
            "status"
        ]
        == "approved"
    )
    assert refreshed(proposal).status == S.REPLIED
    closed = member.post(
        f"{base}/feedback/",
        {"attitude": "satisfied", "result": "satisfied", "comment": ""},
        format="json",
    )
    assert closed.json()["status"] == "closed"


def test_the_error_contract(walk, office, unit_a_user):
    proposal = walk.to(S.CLOSED)
    desk = api(office)
    illegal = desk.post(f"/api/v1/proposals/{proposal.pk}/withdraw/", {"note": ""}, format="json")
    assert illegal.status_code == 409
    submitted = walk.to(S.SUBMITTED)
    bad = desk.post(f"/api/v1/proposals/{submitted.pk}/reject/", {"note": "x"}, format="json")
    assert bad.status_code == 400
    assert "reason" in bad.json()
    refused = api(unit_a_user).post(
        f"/api/v1/assignments/{walk.lead(walk.to(S.ASSIGNED)).pk}/submit-reply/", {}, format="json"
    )
    assert refused.status_code == 409  # not acknowledged yet: the step is not possible
    assert desk.post(f"/api/v1/proposals/{submitted.pk}/no-such-step/").status_code == 404
    assert refreshed(submitted).status == S.SUBMITTED


def test_proposal_filters(walk, office):
    walk.to(S.HANDLING)
    walk.to(S.SUBMITTED)
    desk = api(office)
    assert desk.get("/api/v1/proposals/", {"status": "submitted"}).json()["count"] == 1
    assert (
        desk.get("/api/v1/proposals/", {"status": ["submitted", "handling"]}).json()["count"] == 2
    )
    assert desk.get("/api/v1/proposals/", {"unit": walk.unit_a.pk}).json()["count"] == 1
    assert desk.get("/api/v1/proposals/", {"q": "第2件"}).json()["count"] == 1
    assert desk.get("/api/v1/proposals/", {"status": "bogus"}).status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/assignments/", "/api/v1/members/"])
@pytest.mark.parametrize("page_size", [1, 100])
def test_list_endpoints_read_a_fixed_number_of_queries(
    walk, office, url, page_size, django_assert_num_queries
):
    for _ in range(3):
        walk.to(S.HANDLING)
    client = api(office)  # an authenticated user whose roles are already read
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200


# count + page, plus one prefetch for assignments of proposals and committees of members:
# the same for one row a page as for a hundred.
QUERIES = {"/api/v1/proposals/": 3, "/api/v1/assignments/": 2, "/api/v1/members/": 3}


def test_the_schema_is_served_to_staff(office):
    response = api(office).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/proposals/{id}/{step}/" in response.content


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_list_costs_the_same_queries_for_one_row_or_a_hundred(
    url, a_bit_of_everything, office
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(office)
    counts = []
    for page_size in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(client.get(url, {"page_size": 100}).json()["results"]) >= 2, url
    assert counts[0] == counts[1], f"{url}: {counts}"


def test_figures_and_scorecards(a_bit_of_everything, office, member_user, unit_a_user):
    desk = api(office)
    assert desk.get("/api/v1/stats/yearly/", {"year": 2020}).json()["year"] == 2020
    assert desk.get("/api/v1/stats/yearly/").status_code == 400
    units = desk.get("/api/v1/stats/units/", {"year": timezone_year()}).json()["units"]
    assert {row["unit"] for row in units} >= {"甲单位"}
    me = member_user.member
    own = api(member_user).get(f"/api/v1/members/{me.pk}/scorecard/", {"year": 2020})
    assert own.status_code == 200
    assert (
        api(unit_a_user).get(f"/api/v1/members/{me.pk}/scorecard/", {"year": 2020}).status_code
        == 404
    )
    assert api(unit_a_user).get("/api/v1/stats/yearly/", {"year": 2020}).status_code == 404


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def test_decisions_and_supervision_through_the_api(walk, office, leader, unit_a_user):
    import datetime

    from proposals import services

    assigned = walk.to(S.ASSIGNED)
    request = services.assignment_request_return(
        assignment=walk.lead(assigned), by=unit_a_user, reason="不属本单位职责"
    )
    desk = api(office)
    # the unit may not decide its own request
    assert (
        api(unit_a_user)
        .post(f"/api/v1/return-requests/{request.pk}/decide/", {"approve": "True"}, format="json")
        .status_code
        == 403
    )
    decided = desk.post(
        f"/api/v1/return-requests/{request.pk}/decide/",
        {"approve": "False", "note": "职责明确"},
        format="json",
    )
    assert decided.json()["decision"] == "refused"

    handling = walk.to(S.HANDLING)
    nominated = desk.post(
        f"/api/v1/proposals/{handling.pk}/nominate-key/",
        {"nominated_by": "office", "nominated_on": "2020-06-10", "reason": ""},
        format="json",
    )
    assert nominated.status_code == 200, nominated.json()
    nomination = handling.key_nominations.get()
    desk.post(
        f"/api/v1/key-nominations/{nomination.pk}/decide/",
        {"approve": "True", "decided_on": "2020-06-18", "note": ""},
        format="json",
    )
    planned = desk.post(
        f"/api/v1/proposals/{handling.pk}/plan-supervision/",
        {"leaders": [leader.member.pk], "plan": "视察"},
        format="json",
    )
    assert planned.json()["is_key"] is True
    supervision = handling.supervision
    event = api(leader).post(
        f"/api/v1/supervisions/{supervision.pk}/record-event/",
        {"date": str(datetime.date(2020, 7, 1)), "method": "inspection", "place": "新城区"},
        format="json",
    )
    assert event.json()["status"] == "in_progress"


def test_the_interactive_docs_are_served_from_the_app(client, office):
    client.force_login(office)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "swagger-ui" in page.content.decode()
    assert "cdn" not in page.content.decode().lower()


def test_the_schema_generates_without_warnings():
    """Every endpoint is typed: drf-spectacular neither guesses nor skips one."""
    import io

    from django.core.management import call_command

    errors = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=errors)
    assert "Error" not in errors.getvalue()


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_list_exports_as_csv_and_xlsx(url, a_bit_of_everything, office):
    import io

    from openpyxl import load_workbook

    client = api(office)
    listed = client.get(url, {"page_size": 500}).json()["count"]
    csv_response = client.get(url, {"format": "csv"})
    assert csv_response.status_code == 200
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == listed + 1  # a header and every row
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == listed + 1


def test_an_export_keeps_the_filters_and_the_scope(walk, office, unit_a_user, unit_c):
    walk.to(S.HANDLING)
    walk.to(S.SUBMITTED)
    text = b"".join(
        api(office)
        .get("/api/v1/proposals/", {"format": "csv", "status": "submitted"})
        .streaming_content
    ).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2
    unit_rows = b"".join(
        api(unit_a_user).get("/api/v1/proposals/", {"format": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert len(unit_rows.strip().splitlines()) == 2  # only the one assigned to unit A


def draft_body(walk, **changes) -> dict:
    return {
        "session": walk.session.pk,
        "title": "关于通过API提交的提案",
        "situation": "情况。",
        "suggestions": "建议。",
        "explanation": "调研后提出。",
        "proposer_kind": "individual",
        "lead_member": walk.proposer.pk,
        **changes,
    }


def test_a_draft_is_created_and_edited_with_if_match(walk, office, member_user):
    created = api(member_user).post("/api/v1/proposals/", draft_body(walk), format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/proposals/{created.json()['id']}/"
    read = api(member_user).get(url)
    etag = read["ETag"]
    edited = api(member_user).patch(
        url, {"title": "关于改过的提案"}, format="json", HTTP_IF_MATCH=etag
    )
    assert edited.status_code == 200
    assert edited.json()["title"] == "关于改过的提案"
    assert edited["ETag"] != etag
    stale = api(office).patch(url, {"title": "后来者"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert api(office).get(url).json()["title"] == "关于改过的提案"


def test_a_member_creates_only_own_drafts_and_edits_only_drafts(walk, member_user, office):
    from tests.factories import MemberFactory

    someone = MemberFactory(name="别人")
    refused = api(member_user).post(
        "/api/v1/proposals/", draft_body(walk, lead_member=someone.pk), format="json"
    )
    assert refused.status_code == 403
    submitted = walk.to(S.SUBMITTED)
    response = api(office).patch(
        f"/api/v1/proposals/{submitted.pk}/", {"title": "改"}, format="json"
    )
    assert response.status_code == 409
    bad = api(office).post("/api/v1/proposals/", draft_body(walk, session=999999), format="json")
    assert bad.status_code == 400
    assert "session" in bad.json()


def test_the_proposal_representation_is_what_its_declared_fields_give(a_bit_of_everything):
    """ProposalSerializer builds its output directly for speed; DRF's field-by-field path
    over the same declarations must give the same thing, key for key and in order."""
    from rest_framework import serializers

    from proposals.api.serializers import AssignmentBriefSerializer, ProposalSerializer
    from proposals.models import Proposal
    from tests.factories import OrganizationFactory

    proposals = list(Proposal.objects.for_list())
    collective = proposals[0]
    collective.proposer_kind, collective.organization = "collective", OrganizationFactory()
    collective.save()
    proposals = list(Proposal.objects.for_list())
    assert any(p.assignments.all() for p in proposals)
    assert {p.proposer_kind for p in proposals} >= {"collective", "individual"}
    for proposal in proposals:
        serializer = ProposalSerializer(proposal)
        declared = serializers.ModelSerializer.to_representation(serializer, proposal)
        assert list(serializer.data.items()) == list(declared.items())
        for assignment in proposal.assignments.all():
            brief = AssignmentBriefSerializer(assignment)
            declared = serializers.ModelSerializer.to_representation(brief, assignment)
            assert list(brief.data.items()) == list(declared.items())
