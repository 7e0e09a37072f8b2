"""Make the README's screenshots of the site: the demo ledger as of 2023-10-31, with two
milestones added, through Debian's Chromium at 1920×1080.

    python docs/screenshots.py          # writes docs/site-overview.png and docs/site-board.png
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MILESTONES = {
    '      - id: "20.1"\n': "        milestones: [{by: 2023-06-30, value: 10}, {by: 2023-09-30, value: 25, text: 三季度末完成主体路段}, {by: 2023-11-30, value: 41}]\n",
    "  - id: 38\n": "    milestones: [{by: 2023-09-30, text: 三季度末完成主体工程}]\n",
}
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root, site = Path(folder) / "台账", Path(folder) / "site"
        zctasks = [sys.executable, "-m", "zctasks"]
        subprocess.run([*zctasks, "init", str(root), "--demo"], check=True, capture_output=True)
        tasks = root / "data" / "tasks.yaml"
        text = tasks.read_text("utf-8")
        for anchor, line in MILESTONES.items():
            text = text.replace(anchor, anchor + line, 1)
        tasks.write_text(text, "utf-8")
        subprocess.run(
            [*zctasks, "--root", str(root), "site", "-o", str(site), "--as-of", "2023-10-31"],
            check=True,
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            for name, out in (
                ("index.html", "site-overview.png"),
                ("board.html", "site-board.png"),
            ):
                page.goto((site / name).as_uri())
                page.screenshot(path=str(HERE / out))
                print(f"wrote docs/{out}")
            browser.close()


if __name__ == "__main__":
    main()
