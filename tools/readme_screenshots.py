"""The README's screenshots, taken from a running demo (``make run``) in Debian's Chromium.

    python tools/readme_screenshots.py [http://127.0.0.1:8000] [demo password]

Writes docs/screenshots/dashboard.png and docs/screenshots/proposals.png.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = sys.argv[2] if len(sys.argv) > 2 else "demo-password-123"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.goto(f"{BASE}/accounts/login/")
        page.fill("#id_username", "office")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("canvas[data-chart]")
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        page.goto(f"{BASE}/proposals/?ordering=case_number")
        page.screenshot(path=OUT / "proposals.png")
        browser.close()


if __name__ == "__main__":
    main()
