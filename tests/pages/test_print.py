"""The print view (``?print=1`` on a proposal's page) is the proposal as an office document
on A4: its masthead and number, the proposer, 案由/案据/建议/提案情况说明, then each approved
reply; no navigation of the staff pages."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalStatus

pytestmark = pytest.mark.django_db
S = ProposalStatus


def _printed(client, proposal) -> str:
    response = client.get(reverse("pages:proposal", args=[proposal.pk]), {"print": 1})
    assert response.status_code == 200
    return response.content.decode()


def test_the_print_view_holds_the_whole_proposal_then_the_reply(client, office, walk):
    closed = walk.to(S.CLOSED)
    client.force_login(office)
    page = _printed(client, closed)
    page = page[page.index('id="document"') :]
    parts = [
        "政协十三届三次会议提案",  # the masthead
        "第0001号",
        "委员甲",  # the proposer
        "案由",
        closed.title,
        "案据",
        closed.situation,
        "建议",
        closed.suggestions,
        "提案情况说明",
        closed.explanation,
        "甲单位关于第0001号提案的答复",
        "经研究，已将相关建议纳入改造计划。",  # the approved reply
    ]
    positions = [page.find(part) for part in parts]
    assert -1 not in positions, [p for p, at in zip(parts, positions, strict=True) if at < 0]
    assert positions == sorted(positions)  # in the order of the document


def test_the_print_view_is_an_a4_document_without_navigation(client, office, walk):
    client.force_login(office)
    page = _printed(client, walk.to(S.SUBMITTED))
    assert "css/document.css" in page
    assert 'class="navbar' not in page
    assert "bootstrap" not in page


def test_a_reply_not_yet_approved_is_not_printed(client, office, walk):
    handling = walk.to(S.HANDLING)
    reply = walk.reply(walk.lead(handling))
    client.force_login(office)
    assert reply.text not in _printed(client, handling)
    services.reply_approve(reply=reply, by=walk.office)
    assert reply.text in _printed(client, handling)


def test_the_document_stylesheet_sets_a4_margins_page_numbers_and_cjk_faces():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/document.css")).read_text(encoding="utf-8")
    assert "size: A4" in css
    assert "counter(page)" in css
    assert "FangSong" in css
    assert "Noto Serif CJK SC" in css
