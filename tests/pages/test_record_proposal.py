"""Recording a proposal on the pages as it arrives: individual, joint with its co-signers,
collective; the units suggested; the material handed in; and a member drafting in their
own name. Co-signers answer on their own pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.choices import CoSignerStatus, ProposalStatus, ProposerKind
from proposals.models import EXPLANATION_MAX_LENGTH, CoSigner, Proposal, ProposalAttachment
from tests.factories import HandlingUnitFactory, MemberFactory, OrganizationFactory, UserFactory
from tests.forms import opened

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def paper(walk, **fields) -> dict:
    return {
        "session": walk.session.pk,
        "title": "关于加快老旧小区加装电梯的提案",
        "proposer_kind": "individual",
        "lead_member": walk.proposer.pk,
        "situation": "多数老旧小区无电梯，老人出行难。",
        "suggestions": "一是简化审批；二是财政补贴；三是统筹维护。",
        "explanation": "走访了五个小区。",
        **fields,
    }


def test_the_office_records_a_joint_proposal_with_two_co_signers(client, office, walk):
    first, second = MemberFactory(name="联名甲"), MemberFactory(name="联名乙")
    unit = HandlingUnitFactory(name="呼和浩特市住房和城乡建设局")
    client.force_login(office)
    response = client.post(
        reverse("pages:proposal-new"),
        paper(
            walk,
            proposer_kind="joint",
            cosigners=[first.pk, second.pk],
            suggested_units=[unit.pk],
            attachments=[SimpleUploadedFile("调研报告.pdf", PDF, "application/pdf")],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert proposal.proposer_kind == ProposerKind.JOINT
    assert set(proposal.cosigners.values_list("member__name", flat=True)) == {"联名甲", "联名乙"}
    assert list(proposal.suggested_units.all()) == [unit]
    assert list(proposal.attachments.values_list("name", flat=True)) == ["调研报告.pdf"]
    # Submitted, it waits for both, each with the deadline the rules give.
    services.proposal_submit(proposal=proposal, by=office)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_COSIGNERS
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    assert set(proposal.cosigners.values_list("deadline", flat=True)) == {deadline}


def test_each_co_signer_confirms_from_their_own_page(client, office, walk):
    invited = [MemberFactory(name=name) for name in ("联名甲", "联名乙")]
    users = []
    for member in invited:
        user = UserFactory(username=f"m{member.pk}")
        from hcppcc.directory.choices import Role
        from hcppcc.directory.services import user_set_roles

        users.append(user_set_roles(user=user, roles=[Role.MEMBER], member=member))
    proposal = services.proposal_create(
        proposal=Proposal(**{**_fields(walk), "proposer_kind": ProposerKind.JOINT}),
        by=office,
        cosigners=invited,
    )
    services.proposal_submit(proposal=proposal, by=office)
    for user, member in zip(users, invited, strict=True):
        client.force_login(user)
        page = client.get(reverse("pages:proposal", args=[proposal.pk])).content.decode()
        invitation = CoSigner.objects.get(proposal=proposal, member=member)
        url = reverse("pages:step", args=["cosigner", invitation.pk, "respond"])
        assert url in page  # their own invitation, and only theirs
        other = CoSigner.objects.exclude(pk=invitation.pk).get(proposal=proposal)
        assert reverse("pages:step", args=["cosigner", other.pk, "respond"]) not in page
        response = client.post(url, opened(invitation, confirm="True"))
        assert response.status_code == 302
    assert set(proposal.cosigners.values_list("status", flat=True)) == {CoSignerStatus.CONFIRMED}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def _fields(walk) -> dict:
    data = paper(walk)
    data["session"] = walk.session
    data["lead_member"] = walk.proposer
    return data


def test_the_office_records_a_collective_proposal(client, office, walk):
    party = OrganizationFactory(name="民盟呼和浩特市委员会")
    client.force_login(office)
    response = client.post(
        reverse("pages:proposal-new"),
        paper(walk, proposer_kind="collective", lead_member="", organization=party.pk),
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert (proposal.organization, proposal.lead_member) == (party, None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"proposer_kind": "collective", "lead_member": ""}, "organization", "请写明"),
        ({"lead_member": ""}, "lead_member", "领衔"),
        ({"cosigners": "LEAD", "proposer_kind": "joint"}, "cosigners", "同时作为联名人"),
        (
            {"withhold_publication": "on", "no_publish_reason": ""},
            "no_publish_reason",
            "不同意公开",
        ),
    ],
)
def test_what_does_not_fit_together_is_refused_in_plain_words(
    client, office, walk, fields, field, message
):
    lead = walk.proposer.pk
    fields = {key: lead if value == "LEAD" else value for key, value in fields.items()}
    client.force_login(office)
    response = client.post(reverse("pages:proposal-new"), paper(walk, **fields))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert not Proposal.objects.exists()


def test_a_member_drafts_in_their_own_name_without_naming_themselves(client, member_user, walk):
    client.force_login(member_user)
    page = client.get(reverse("pages:proposal-new")).content.decode()
    assert 'name="lead_member"' not in page
    assert 'value="collective"' not in page
    response = client.post(reverse("pages:proposal-new"), paper(walk, lead_member=""))
    assert response.status_code == 302, response.context["form"].errors
    assert Proposal.objects.get().lead_member == member_user.member


def test_the_explanation_counts_its_characters_as_it_is_typed(client, office, walk):
    client.force_login(office)
    page = client.get(reverse("pages:proposal-new")).content.decode()
    assert 'data-counter="200"' in page
    assert "js/forms.js" in page
    long = paper(walk, explanation="调" * 230)
    errors = client.post(reverse("pages:proposal-new"), long).context["form"].errors
    assert "200" in errors["explanation"][0]


def test_attachments_are_read_only_by_those_who_read_the_proposal(
    client, office, walk, unit_a_user
):
    draft = walk.draft()
    services.proposal_update(
        proposal=draft,
        by=office,
        changes={},
        attachments=[SimpleUploadedFile("数据.pdf", PDF, "application/pdf")],
    )
    attachment = ProposalAttachment.objects.get()
    url = reverse("pages:proposal-attachment", args=[attachment.pk])
    client.force_login(office)
    assert client.get(url).status_code == 200
    client.force_login(unit_a_user)  # not assigned this proposal
    assert client.get(url).status_code == 404


def test_a_program_renamed_to_pdf_is_refused(client, office, walk):
    client.force_login(office)
    response = client.post(
        reverse("pages:proposal-new"),
        paper(
            walk,
            attachments=[SimpleUploadedFile("报告.pdf", b"MZ\x90\x00binary", "application/pdf")],
        ),
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_a_draft_loses_an_attachment_and_a_co_signer_through_its_edit(client, office, walk):
    keep, drop = MemberFactory(name="留下"), MemberFactory(name="去掉")
    draft = services.proposal_create(
        proposal=Proposal(**{**_fields(walk), "proposer_kind": ProposerKind.JOINT}),
        by=office,
        cosigners=[keep, drop],
        attachments=[SimpleUploadedFile("旧.pdf", PDF, "application/pdf")],
    )
    client.force_login(office)
    url = reverse("pages:proposal-edit", args=[draft.pk])
    data = paper(walk, proposer_kind="joint", cosigners=[keep.pk])
    response = client.post(url, opened(draft, **data))
    assert response.status_code == 302, response.context["form"].errors
    assert list(draft.cosigners.values_list("member__name", flat=True)) == ["留下"]
    attachment = draft.attachments.get()
    response = client.post(reverse("pages:proposal-detach", args=[attachment.pk]))
    assert response.status_code == 302
    assert not draft.attachments.exists()
    assert draft.transitions.filter(action="edit").count() == 2


def test_a_proposal_holds_a_limited_number_of_attachments(client, office, walk, settings):
    settings.HCPPCC_MAX_ATTACHMENTS = 2
    draft = walk.draft()
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(3)]
    client.force_login(office)
    url = reverse("pages:proposal-edit", args=[draft.pk])
    response = client.post(url, opened(draft, **paper(walk), attachments=files))
    assert response.status_code == 400
    assert "2" in response.context["form"].errors["attachments"][0]
    assert not draft.attachments.exists()


def test_a_detached_file_leaves_storage_once_committed(
    office, walk, django_capture_on_commit_callbacks
):
    draft = walk.draft()
    services.proposal_update(
        proposal=draft,
        by=office,
        changes={},
        attachments=[SimpleUploadedFile("数据.pdf", PDF, "application/pdf")],
    )
    attachment = draft.attachments.get()
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_detach(attachment=attachment, by=office)
    assert storage.exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not storage.exists(name)


def test_what_the_form_hides_for_the_kind_of_proposer_does_not_count(client, office, walk):
    other = MemberFactory(name="联名丙")
    client.force_login(office)
    data = paper(walk, proposer_kind="individual", cosigners=[other.pk])
    response = client.post(reverse("pages:proposal-new"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert not Proposal.objects.get().cosigners.exists()


def test_a_joint_draft_made_collective_loses_its_lead_and_co_signers(client, office, walk):
    cosigner, party = MemberFactory(name="联名丁"), OrganizationFactory(name="民进")
    draft = services.proposal_create(
        proposal=Proposal(**{**_fields(walk), "proposer_kind": ProposerKind.JOINT}),
        by=office,
        cosigners=[cosigner],
    )
    client.force_login(office)
    # The lead and the co-signer are still in the (hidden) fields the browser sends.
    data = paper(walk, proposer_kind="collective", organization=party.pk, cosigners=[cosigner.pk])
    response = client.post(reverse("pages:proposal-edit", args=[draft.pk]), opened(draft, **data))
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.lead_member, draft.organization) == (None, party)
    assert not draft.cosigners.exists()


def test_an_answered_co_signer_stays_on_a_draft(office, walk):
    names = ("已确认", "已谢绝", "未答复")
    confirmed, declined, asked = (MemberFactory(name=name) for name in names)
    draft = services.proposal_create(
        proposal=Proposal(**{**_fields(walk), "proposer_kind": ProposerKind.JOINT}),
        by=office,
        cosigners=[confirmed, declined, asked],
    )
    # As a draft returned for revision after co-signing holds them.
    draft.cosigners.filter(member=confirmed).update(status=CoSignerStatus.CONFIRMED)
    draft.cosigners.filter(member=declined).update(status=CoSignerStatus.DECLINED)
    with pytest.raises(ValidationError, match="已确认"):
        services.proposal_update(proposal=draft, by=office, changes={}, cosigners=[asked])
    assert draft.cosigners.count() == 3
    services.proposal_update(proposal=draft, by=office, changes={}, cosigners=[confirmed])
    # The unanswered invitation is withdrawn, by name; the refusal stays on record.
    assert dict(draft.cosigners.values_list("member__name", "status")) == {
        "已确认": CoSignerStatus.CONFIRMED,
        "已谢绝": CoSignerStatus.DECLINED,
    }
    assert "未答复" in draft.transitions.filter(action="edit").latest("pk").note


def test_line_breaks_count_once_against_the_explanations_limit(client, office, walk):
    client.force_login(office)
    typed = "字\r\n" * (EXPLANATION_MAX_LENGTH // 2)  # as a browser sends a textarea
    response = client.post(reverse("pages:proposal-new"), paper(walk, explanation=typed))
    assert response.status_code == 302, response.context["form"].errors
    assert "\r" not in Proposal.objects.get().explanation
