"""A real browser against a live server: Debian's Chromium (``chromium`` and
``chromium-driver``), driven by Playwright for Python with ``executable_path`` set — no
browser download. Screenshots of each step go to ``var/screenshots/`` (kept out of git).

Where Chromium is missing the tests are skipped, except under CI (``CI`` set), where a
missing browser is a failure: .ci/run installs it.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.proposals.conftest import proposer, reference, session, unit_c, walk  # noqa: F401

CHROMIUM = os.environ.get("HCPPCC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("HCPPCC_SCREENSHOTS", settings.VAR_DIR / "screenshots"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
        pytest.skip("Chromium is not installed (apt install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (fixtures, checks) are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Screen:
    """One signed-in browser tab that keeps a numbered screenshot of every step."""

    counter = 0

    def __init__(self, browser, base_url: str, folder: Path):
        self.page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.base_url = base_url
        self.folder = folder
        # Every job is done on the staff pages: a test can check that none went to the admin.
        self.admin_requests = []
        self.page.on("request", self._note_admin)

    def _note_admin(self, request) -> None:
        # The admin's pages, not the static files it shares with the pickers.
        if urlsplit(request.url).path.startswith("/admin/"):
            self.admin_requests.append(request.url)

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base_url}{path}")

    def pick(self, select: str, typed: str, choice: str) -> None:
        """Choose in a type-ahead picker (select2): open it, type, click the match."""
        self.page.locator(f"{select} + .select2").click()
        # Opened, select2 puts the cursor in its search box (in the dropdown for one
        # choice, inline for several): type as a person would.
        self.page.keyboard.type(typed)
        option = self.page.locator(".select2-results__option", has_text=choice).first
        option.click()
        assert self.page.locator(select).input_value()

    def shot(self, name: str) -> None:
        Screen.counter += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{Screen.counter:02d}-{name}.png", full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def screen(browser, live_server):
    opened = []

    def open_screen() -> Screen:
        tab = Screen(browser, live_server.url, SCREENSHOTS)
        opened.append(tab)
        return tab

    yield open_screen
    for tab in opened:
        tab.close()
