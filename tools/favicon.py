"""Draw static/root/favicon.ico from static/favicon.svg: Debian's Chromium (Playwright,
as the browser tests use it) renders the drawing at 16, 32 and 48 pixels, and the three
PNG images are packed into one ICO file (an ICO may hold PNGs; every current browser
reads them).

    python tools/favicon.py

Browsers that read SVG icons take static/favicon.svg (linked from base.html); the ICO
answers those that ask for /favicon.ico by themselves (WhiteNoise serves static/root/ at
the site's root).
"""

import base64
import os
import shutil
import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "static" / "favicon.svg"
ICO = ROOT / "static" / "root" / "favicon.ico"
SIZES = (16, 32, 48)
CHROMIUM = os.environ.get("HCPPCC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def render(sizes=SIZES) -> list[tuple[int, bytes]]:
    """The drawing as a PNG image of each size, on a transparent background."""
    source = base64.b64encode(SVG.read_bytes()).decode()
    images = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size in sizes:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                '<body style="margin:0">'
                f'<img src="data:image/svg+xml;base64,{source}" width="{size}" height="{size}"'
                ' style="display:block"></body>'
            )
            page.wait_for_function("document.images[0].complete")
            images.append((size, page.screenshot(omit_background=True)))
            page.close()
        browser.close()
    return images


def pack(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file: its header, one directory entry per image, then the images."""
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 (icon), count
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, png in images:
        # width, height (0 means 256), colours, reserved, planes, bits, bytes, offset
        entries += struct.pack(
            "<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data)
        )
        data += png
    return header + entries + data


if __name__ == "__main__":
    ICO.parent.mkdir(parents=True, exist_ok=True)
    ICO.write_bytes(pack(render()))
    print(f"wrote {ICO.relative_to(ROOT)}")
