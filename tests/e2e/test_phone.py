"""On a phone (390×844, an iPhone's width): every list page, opened by each role that may
open it, is no wider than the screen, and no table cell wraps to more than a few lines —
below 768 px each row is a card (static/css/hcppcc.css, ``.table-cards``). On a desktop
the same lists are tables."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import Proposal
from tests.api.conftest import a_bit_of_everything  # noqa: F401
from tests.e2e.conftest import SCREENSHOTS
from tests.pages.test_pages import LISTS, OPENS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROLES = ("office", "committee_staff", "leader", "unit_a_user", "unit_b_user", "member_user")
ROLES += ("auditor",)
SHOWN = ("office", "unit_a_user", "member_user")  # whose pages are kept as screenshots
# Pages other than lists that people open on a phone: they must not scroll sideways either.
OTHER_PAGES = ("dashboard", "account", "proposal-new", "figures", "unit-scorecards")
LONG_TITLE = (
    "关于进一步加强和改进城市老旧小区综合整治、完善社区公共服务设施、提升居民生活品质的提案"
)

# How wide the document is, and which visible table cells are taller than four lines.
MEASURE = """() => {
  const doc = document.documentElement;
  const squeezed = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const box = cell.getBoundingClientRect();
    if (box.height === 0 || getComputedStyle(cell).display === "none") continue;
    const line = parseFloat(getComputedStyle(cell).lineHeight) || 24;
    if (box.height >= 4 * line) {
      squeezed.push([cell.dataset.label || "", cell.innerText.slice(0, 30), box.height]);
    }
  }
  const wide = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > doc.clientWidth + 1)
    .slice(0, 5)
    .map((element) => element.tagName + "." + element.className);
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, squeezed, wide};
}"""


def _tab(browser, base_url: str, user, viewport: dict):
    """A browser tab signed in as ``user`` (its session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context, context.new_page()


@pytest.fixture
def lists_with_rows(a_bit_of_everything, walk):  # noqa: F811
    """The fixtures' records, with a long title and proposals whose next step shows."""
    long = walk.draft()
    Proposal.objects.filter(pk=long.pk).update(title=LONG_TITLE)
    services.proposal_submit(proposal=walk.draft(), by=walk.office)
    walk.to(ProposalStatus.ACCEPTED)
    walk.to(ProposalStatus.REPLIED)
    return a_bit_of_everything


@pytest.mark.parametrize("role", ROLES)
def test_no_list_is_wider_than_a_phone_and_rows_are_cards(
    role, request, browser, live_server, lists_with_rows
):
    user = request.getfixturevalue(role)
    context, page = _tab(browser, live_server.url, user, PHONE)
    problems = []
    try:
        for name in [*LISTS, *OTHER_PAGES]:
            if role not in OPENS[name]:
                continue
            page.goto(f"{live_server.url}{reverse(f'pages:{name}')}")
            measured = page.evaluate(MEASURE)
            if role in SHOWN:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"phone-{role}-{name}.png", full_page=True)
            if measured["scrollWidth"] > measured["clientWidth"]:
                problems.append((name, "wider than the phone", measured))
            if measured["squeezed"]:
                problems.append((name, "cells squeezed", measured["squeezed"]))
            if name in LISTS:
                assert page.locator("#results tbody tr").count() >= 1, (role, name)
                assert not page.locator("#results thead").is_visible(), (role, name)
                card = page.locator("#results tbody tr").first
                assert card.evaluate("row => getComputedStyle(row).display") == "flex"
    finally:
        context.close()
    assert not problems, problems


def test_the_desk_on_a_phone_shows_the_counts_and_the_next_step(
    browser, live_server, walk, unit_a_user
):
    walk.to(ProposalStatus.ASSIGNED)
    context, page = _tab(browser, live_server.url, unit_a_user, PHONE)
    try:
        page.goto(f"{live_server.url}{reverse('pages:assignments')}")
        assert page.locator("#queue-to_acknowledge [data-count]").inner_text() == "1"
        card = page.locator("#results tbody tr").first
        assert card.get_by_role("link", name="签收").is_visible()
        assert card.locator("[data-label='剩余天数']").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "phone-unit-desk.png", full_page=True)
        page.locator("#queue-to_acknowledge").click()
        page.wait_for_url("**queue=to_acknowledge")
        assert page.locator("#results tbody tr").count() == 1
    finally:
        context.close()


def test_the_desk_on_a_desktop_is_a_table(browser, live_server, walk, office):
    walk.to(ProposalStatus.ASSIGNED)
    context, page = _tab(browser, live_server.url, office, DESKTOP)
    try:
        page.goto(f"{live_server.url}{reverse('pages:assignments')}")
        assert page.locator("#results").evaluate("t => getComputedStyle(t).display") == "table"
        assert page.locator("#results thead").is_visible()
        row = page.locator("#results tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
        assert page.locator("#results thead th").count() == 7
    finally:
        context.close()


def test_a_proposal_its_assignment_and_a_step_form_fit_a_phone(
    browser, live_server, walk, unit_a_user
):
    handling = walk.to(ProposalStatus.HANDLING)
    Proposal.objects.filter(pk=handling.pk).update(title=LONG_TITLE)
    lead = walk.lead(handling)
    pages = [
        reverse("pages:proposal", args=[handling.pk]),
        reverse("pages:assignment", args=[lead.pk]),
        reverse("pages:step", args=["assignment", lead.pk, "submit-reply"]),
    ]
    context, page = _tab(browser, live_server.url, unit_a_user, PHONE)
    try:
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            measured = page.evaluate(MEASURE)
            assert measured["scrollWidth"] <= measured["clientWidth"], (path, measured)
            # One column: the main column and the side column stack, each screen-wide.
            widths = page.locator("main .row > [class*=col-]").evaluate_all(
                "columns => columns.map(column => column.getBoundingClientRect().width)"
            )
            assert all(width > PHONE["width"] - 40 for width in widths), (path, widths)
    finally:
        context.close()
