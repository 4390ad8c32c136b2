"""The class dashboard's browser check: opens dashboard.html from disk in
headless Chromium (Debian's, driven by Playwright), checks what an instructor
reads there, keeps a screenshot, and prints one JSON object.

usage: class_check.py DASHBOARD_HTML SCREENSHOT_PNG

The heat map has a row per learner and a cell per exercise, each coloured by
its verdict; the done row counts; the "stuck on" list is there; the page loads
nothing from anywhere (it must read offline) and logs no error. Exit status 1
if anything failed.
"""

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
VERDICTS = {"done", "wrong", "error", "not-started"}


def main(page_path, shot):
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("request", lambda r: not r.url.startswith("file:")
                and problems.append(f"loads {r.url}"))
        page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
        table = page.evaluate("""() => {
            const rows = Array.from(document.querySelectorAll('#heatmap tr'));
            return rows.map(r => ({
                id: r.id,
                cells: Array.from(r.querySelectorAll('td')).map(td => ({
                    cls: td.className, colour: getComputedStyle(td).backgroundColor,
                    text: td.textContent })),
            }));
        }""")
        learners = [r for r in table[1:] if r["id"] != "done"]
        done = [r for r in table if r["id"] == "done"]
        if not learners:
            problems.append("the heat map has no learner")
        for row in learners:
            for cell in row["cells"]:
                if cell["cls"] not in VERDICTS or cell["colour"] in ("", "rgba(0, 0, 0, 0)"):
                    problems.append(f"a cell without a coloured verdict: {cell}")
        if len(done) != 1 or not all(c["text"].isdigit() for c in done[0]["cells"]):
            problems.append("no row counting what is done")
        stuck = page.locator("#stuck dd").count()
        if stuck == 0:
            problems.append("nothing listed under what the class is stuck on")
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot, full_page=True)
        browser.close()
    print(json.dumps({"check": "dashboard", "ok": not problems, "learners": len(learners),
                      "stuck": stuck, "problems": problems}, ensure_ascii=False), flush=True)
    return not problems


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1], sys.argv[2]) else 1)
