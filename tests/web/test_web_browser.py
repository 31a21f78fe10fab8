"""The web app in a real headless Chromium (Debian's `chromium`, driven by Playwright) over the demo store.

Run with `python -m pytest -m browser`. The server is uvicorn on a free loopback port in a thread.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import import_or_skip, skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("WIRETRACE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SLOW_MS = 180_000  # the first dossier and the first check load the models on a small machine


def _stance_model_missing() -> str | None:
    try:
        from wiretrace.ml.stance.model import resolve_model_path

        resolve_model_path()
    except Exception as exc:  # noqa: BLE001 - any failure to find the model means: skip what needs it
        return f"the stance model is not available here: {exc}"
    return None


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo corpus in a kept store, with claims extracted (ingest does it once extraction is a stage)."""
    from wiretrace.demo import run_demo
    from wiretrace.store import open_store

    path = tmp_path_factory.mktemp("browser") / "demo.db"
    run_demo(keep=str(path))
    store = open_store(str(path))
    try:
        if not store.get_claims():
            from wiretrace.claims import extract_store

            extract_store(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def base_url(demo_db):
    """uvicorn serving the app over the demo store on 127.0.0.1, on a port the OS picked."""
    uvicorn = import_or_skip("uvicorn")
    from wiretrace.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(str(demo_db), token="browser-token"), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = import_or_skip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; console errors (CSP violations among them) fail the test.

    A test that provokes a refusal on purpose lists the status it expects in `page_refusals` (the
    browser logs a refused navigation as a console error, "… status of 401 …").
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(SLOW_MS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    expected = getattr(request.module, "PAGE_REFUSALS", {}).get(request.node.name, ())
    assert [e for e in errors if not any(f"status of {code}" in e for code in expected)] == []


def _open_demo_dossier(page, base_url: str):
    page.goto(base_url + "/")
    assert page.locator("h1").first.inner_text() == "Stories"
    links = page.locator("a.story-link")
    assert links.count() > 0, "the demo store has no stories"
    carrowby = links.filter(has_text="Carrowby")
    (carrowby.first if carrowby.count() else links.first).click()
    page.wait_for_selector("#matrix")


def test_story_list_and_dossier(page, base_url):
    if reason := _stance_model_missing():
        skip_or_fail(f"the dossier needs the stance model; {reason}")
    _open_demo_dossier(page, base_url)
    assert page.locator("table.matrix tbody tr").count() > 0
    assert page.locator("#provenance svg.graph rect.node").count() > 0
    assert page.locator("#figures svg.chart circle").count() > 0
    assert page.locator("#timeline li").count() > 0
    # the small script opens the claim a matrix row points at
    page.locator("table.matrix td.claim-cell a").first.click()
    assert page.locator("details#claim-1").get_attribute("open") is not None
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=False)


def test_discrepancy_shows_both_passages_and_links_to_them(page, base_url):
    if reason := _stance_model_missing():
        skip_or_fail(f"the dossier needs the stance model; {reason}")
    _open_demo_dossier(page, base_url)
    discrepancies = page.locator("details.discrepancy")
    assert discrepancies.count() > 0, "the demo dossier shows no discrepancy (are claims extracted and aligned?)"
    first = discrepancies.first
    first.locator("summary").click()
    passages = first.locator(".side-by-side .mention")
    assert passages.count() >= 2 and passages.first.is_visible()
    text = passages.first.locator("blockquote").inner_text().strip()
    passages.first.locator("a.passage-link").click()
    page.wait_for_selector("#article-text")
    marked = page.locator("#article-text .hl-passage")
    assert marked.count() > 0
    assert "".join(marked.all_inner_texts()).strip()[:40] == text[:40]


def test_check_form_shows_a_verdict_with_linked_evidence(page, base_url):
    if reason := _stance_model_missing():
        skip_or_fail(f"checking needs the stance model; {reason}")
    page.goto(base_url + "/check")
    page.fill("#claim", "About 1,200 residents were evacuated after the Carrowby blast")  # a DEMO_CLAIMS claim
    page.click("#check-button")
    page.wait_for_selector("#verdict")
    # the demo corpus plants two figures for the evacuation (number_changed): the demo's check says disputed
    assert page.locator("#verdict .badge").first.inner_text() == "disputed"
    evidence = page.locator("a.evidence-link")
    assert evidence.count() > 0
    evidence.first.click()
    page.wait_for_selector("#article-text .hl-passage")
    assert page.locator("#article-text .hl-passage").count() > 0


def test_articles_and_upload_pages(page, base_url):
    page.goto(base_url + "/articles")
    rows = page.locator("table.articles tbody tr")
    assert rows.count() >= 10
    rows.first.locator("a").click()
    page.wait_for_selector("#article-text")
    page.goto(base_url + "/upload")
    assert page.locator("form.upload-form input[type=file]").count() == 1


TOKEN = "browser-token"
PAGE_REFUSALS = {"test_review_buttons_need_the_token_and_dismissed_items_toggle": ("401",)}


def test_search_box_finds_articles_and_claims(page, base_url):
    page.goto(base_url + "/articles")
    page.fill("form.search input[name=q]", "Carrowby")
    page.press("form.search input[name=q]", "Enter")
    page.wait_for_selector("#search-articles")
    hits = page.locator("#search-articles li a")
    assert hits.count() > 0
    assert "carrowby" in page.locator("#search-articles").inner_text().lower()
    hits.first.click()
    page.wait_for_selector("#article-text")


def test_article_filter_sort_and_csv_link(page, base_url):
    page.goto(base_url + "/articles")
    outlets = [o for o in page.locator("#filters select[name=outlet] option").all_inner_texts() if o != "any"]
    assert outlets, "the demo articles name no outlet"
    page.select_option("#filters select[name=outlet]", outlets[0])
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/articles?*outlet=*")
    cells = page.locator("table.articles tbody tr td:nth-child(2)").all_inner_texts()
    assert cells and all(c == outlets[0] for c in cells)
    page.select_option("#filters select[name=outlet]", "")
    page.select_option("#filters select[name=sort]", "words")
    page.select_option("#filters select[name=order]", "desc")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/articles?*sort=words*")
    words = [int(w) for w in page.locator("table.articles tbody tr td.num").all_inner_texts()]
    assert words == sorted(words, reverse=True) and len(words) > 1
    href = page.locator("#export-csv").get_attribute("href")
    assert href.startswith("/articles.csv?") and "sort=words" in href
    answer = page.request.get(base_url + href)
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text().splitlines()
    assert lines[0].startswith("id,title,outlet")
    assert len(lines) - 1 >= len(words)  # every filtered row; the page shows one page of them


def test_review_buttons_need_the_token_and_dismissed_items_toggle(page, base_url):
    if reason := _stance_model_missing():
        skip_or_fail(f"the dossier needs the stance model; {reason}")
    _open_demo_dossier(page, base_url)
    story_url = page.url
    first = page.locator("details.discrepancy").first
    key = first.get_attribute("data-key")
    first.locator("summary").click()
    form = first.locator("form.review-form")
    form.locator("input[name=token]").fill("wrong-token")
    form.locator("button[value=dismissed]").click()
    page.wait_for_load_state()
    assert "token" in page.locator("main").inner_text().lower()  # the error page: refused
    page.goto(story_url)
    assert page.locator(f'details.discrepancy[data-key="{key}"]').count() == 1  # nothing was stored
    first = page.locator(f'details.discrepancy[data-key="{key}"]')
    first.locator("summary").click()
    first.locator("input[name=token]").fill(TOKEN)
    first.locator("input[name=note]").fill("both say the same")
    first.locator("button[value=dismissed]").click()
    page.wait_for_selector("#dismissed-toggle")
    assert page.locator(f'details.discrepancy[data-key="{key}"]').count() == 0  # hidden once dismissed
    page.click("#dismissed-toggle a")
    page.wait_for_selector(f'details.discrepancy[data-key="{key}"]')
    shown = page.locator(f'details.discrepancy[data-key="{key}"]')
    assert shown.locator(".badge.review").inner_text() == "dismissed"
    shown.locator("summary").click()
    shown.locator("input[name=token]").fill(TOKEN)
    shown.locator("button[value=confirmed]").click()
    page.wait_for_selector(f'details.discrepancy[data-key="{key}"] .badge.review-confirmed')
    page.goto(story_url)
    assert page.locator(f'details.discrepancy[data-key="{key}"] .badge.review-confirmed').count() == 1


def test_check_page_carries_the_claimreview_block(page, base_url):
    if reason := _stance_model_missing():
        skip_or_fail(f"checking needs the stance model; {reason}")
    import json

    page.goto(base_url + "/check")
    page.fill("#claim", "About 1,200 residents were evacuated after the Carrowby blast")
    page.click("#check-button")
    page.wait_for_selector("#verdict")
    data = json.loads(page.locator("script#claimreview").text_content())
    assert data["@type"] == "ClaimReview" and data["reviewRating"]["alternateName"] == "disputed"
    assert data["itemReviewed"]["@type"] == "Claim" and data["author"]["@type"] == "Organization"
