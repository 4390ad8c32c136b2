"""The book's browser check: opens every page of the built site in headless
Chromium (Debian's, driven by Playwright) and prints one JSON object per result.

usage: book_check.py SITE_DIR SCREENSHOT_DIR

Each page, served on 127.0.0.1: no console error, no failed request, every
image loaded with a non-zero size, every fold (solutions, hints) closed until its
summary is clicked and open after. The front page and chapter 09 show their
charts opened from disk too. The front page's search box finds "rayon".
Screenshots of the front page and chapter 09 go to SCREENSHOT_DIR. Exit status 1
if anything failed.
"""

import functools
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed: without these, Chromium keeps trying to
# reach Google's services and fills the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEARCH_WORD = "rayon"
SCALING_CHART = 'img[alt*="Strong scaling"]'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def emit(**result):
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result["ok"]


def watch(page):
    """Collects what goes wrong on a page: console errors, script errors, failed loads."""
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} for {r.url}"),
    )
    return problems


def check_images(page, problems):
    images = page.evaluate(
        "() => Array.from(document.images).map(i => ({src: i.getAttribute('src'),"
        " width: i.naturalWidth, charts: !!i.closest('figure')}))"
    )
    for image in images:
        if image["width"] <= 0:
            problems.append(f"image not loaded: {image['src']}")
    return sum(1 for i in images if i["charts"]), len(images)


def check_folds(page, problems, print_view):
    """Every <details> is closed with its content hidden; a click on its summary opens it.
    The print view is the exception: there every fold is open, ready for paper."""
    folds = page.locator("details")
    count = folds.count()
    if print_view:
        shut = folds.evaluate_all("ds => ds.filter(d => !d.open).length")
        if shut:
            problems.append(f"{shut} fold(s) closed in the print view")
        return count
    for i in range(count):
        fold = folds.nth(i)
        content = fold.locator(":scope > :not(summary)").first
        if fold.evaluate("d => d.open") or content.is_visible():
            problems.append(f"fold {i + 1} is open before any click")
            continue
        fold.locator(":scope > summary").click()
        if not fold.evaluate("d => d.open") or not content.is_visible():
            problems.append(f"fold {i + 1} did not open when its summary was clicked")
    return count


def check_page(context, base, name):
    page = context.new_page()
    problems = watch(page)
    page.goto(base + name, wait_until="load")
    page.wait_for_load_state("networkidle")
    charts, images = check_images(page, problems)
    folds = check_folds(page, problems, print_view=name == "print.html")
    page.close()
    return emit(
        check="page", page=name, ok=not problems, charts=charts, images=images, folds=folds,
        problems=problems,
    ), charts, folds


def check_from_disk(context, site):
    """A reader may open target/book/index.html straight from disk: no server."""
    ok = True
    for name in ["index.html", "09-pi.html"]:
        page = context.new_page()
        problems = watch(page)
        page.goto((site / name).resolve().as_uri(), wait_until="load")
        charts, _ = check_images(page, problems)
        if charts == 0:
            problems.append("no chart on the page")
        page.close()
        ok &= emit(check="from-disk", page=name, ok=not problems, charts=charts, problems=problems)
    return ok


def check_search(context, base):
    page = context.new_page()
    problems = watch(page)
    page.goto(base + "index.html", wait_until="load")
    page.keyboard.press("s")
    bar = page.locator("#mdbook-searchbar, #searchbar").first
    bar.wait_for(state="visible", timeout=5000)
    bar.press_sequentially(SEARCH_WORD, delay=50)  # mdBook searches on key presses
    results = page.locator("#mdbook-searchresults li, #searchresults li")
    hits, pages = 0, []
    try:
        results.first.wait_for(state="visible", timeout=10000)
        hits = results.count()
        pages = sorted({h.split("?")[0].split("#")[0] for h in results.locator("a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")})
    except Exception as error:  # a timeout: no result showed up
        problems.append(f"no search result for {SEARCH_WORD!r}: {error}")
    if hits == 0 and not problems:
        problems.append(f"no search result for {SEARCH_WORD!r}")
    page.close()
    return emit(
        check="search", query=SEARCH_WORD, ok=not problems, results=hits, pages=pages,
        problems=problems,
    )


def screenshots(context, base, out):
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    page = context.new_page()
    page.goto(base + "index.html", wait_until="networkidle")
    shot = out / "index.png"
    page.screenshot(path=str(shot), full_page=True)
    ok &= emit(check="screenshot", ok=shot.stat().st_size > 0, file=str(shot))
    page.goto(base + "09-pi.html", wait_until="networkidle")
    shot = out / "09-pi.png"
    page.screenshot(path=str(shot))
    ok &= emit(check="screenshot", ok=shot.stat().st_size > 0, file=str(shot))
    chart = page.locator(SCALING_CHART)
    if chart.count() == 0:
        return emit(check="screenshot", ok=False, problems=["no scaling chart on 09-pi.html"])
    chart.first.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 150)")  # the chart with its code above it
    shot = out / "09-pi-scaling-chart.png"
    page.screenshot(path=str(shot))
    ok &= emit(check="screenshot", ok=shot.stat().st_size > 0, file=str(shot))
    page.close()
    return ok


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    # toc.html is the sidebar for readers without JavaScript, shown inside every
    # page's <noscript> frame: checked like a page (it names no icon, so the
    # browser asks for /favicon.ico).
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    start = time.monotonic()
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    ok, charts, folds = True, 0, 0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900},
        )
        for name in pages:
            page_ok, page_charts, page_folds = check_page(context, base, name)
            ok &= page_ok
            charts += page_charts
            folds += page_folds
        ok &= check_from_disk(context, site)
        ok &= check_search(context, base)
        ok &= screenshots(context, base, out)
        context.close()
    server.shutdown()
    emit(
        check="summary", ok=ok, pages=len(pages), charts=charts, folds=folds,
        seconds=round(time.monotonic() - start, 1),
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
