"""The print view in Chromium: printed on A4 with the document's margins and page
numbers, the staff pages' navigation and the toolbar left out."""

import re

import pytest
from django.urls import reverse

from proposals.choices import ProposalStatus
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_phone import _tab

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_print_view_prints_on_a4_as_an_office_document(browser, live_server, walk, office):
    closed = walk.to(ProposalStatus.CLOSED)
    context, page = _tab(browser, live_server.url, office, {"width": 1280, "height": 900})
    try:
        page.goto(f"{live_server.url}{reverse('pages:proposal', args=[closed.pk])}?print=1")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "print-view.png", full_page=True)
        title_face = page.locator(".masthead-title").evaluate("e => getComputedStyle(e).fontFamily")
        assert "Noto Serif CJK SC" in title_face
        page.emulate_media(media="print")
        assert not page.locator(".toolbar").is_visible()
        assert page.locator("nav").count() == 0
        pdf = page.pdf(prefer_css_page_size=True, path=SCREENSHOTS / "print-view.pdf")
        # A4 (595 × 842 points), and the reply on a page of its own: two pages.
        sizes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 2
    finally:
        context.close()
