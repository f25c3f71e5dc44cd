"""The README's screenshots, taken from a running demo (``make run``) in Debian's Chromium.

    python tools/readme_screenshots.py [http://127.0.0.1:8000] [demo password]

Writes docs/screenshots/: dashboard.png (the office's 工作台), proposals.png (the list),
record.png (录入提案), desk.png (a unit's desk) and desk-phone.png (the desk on a phone).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = sys.argv[2] if len(sys.argv) > 2 else "demo-password-123"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def signed_in(browser, username: str, **viewport):
    page = browser.new_page(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        office = signed_in(browser, "office")
        office.wait_for_selector("canvas[data-chart]")
        office.screenshot(path=OUT / "dashboard.png", full_page=True)
        office.goto(f"{BASE}/proposals/?ordering=case_number")
        office.screenshot(path=OUT / "proposals.png")
        office.goto(f"{BASE}/proposals/new/")
        office.select_option("#id_proposer_kind", "joint")
        office.screenshot(path=OUT / "record.png", full_page=True)
        unit = signed_in(browser, "unit")
        unit.wait_for_selector("#queues")
        unit.screenshot(path=OUT / "desk.png")
        phone = signed_in(browser, "unit", width=390, height=844)
        phone.wait_for_selector("#queues")
        phone.screenshot(path=OUT / "desk-phone.png")
        browser.close()


if __name__ == "__main__":
    main()
