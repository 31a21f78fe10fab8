from __future__ import annotations

from importlib import resources

import pytest

from wiretrace.errors import NoArticle
from wiretrace.ingest import build_article
from wiretrace.ingest.html import HtmlOptions, extract_page, fragment_text, is_fragment
from wiretrace.models import RawDocument

PARAGRAPHS = [
    "The harbour council voted on Monday to run a year-round ferry between the town and the island.",
    "The service, due to start in October, will sail twice a day, weather permitting, the council said.",
    "About 230 people live on the island year-round, most of them in fishing or sheep farming.",
    "Two councillors voted against the plan, arguing the money should go to the breakwater instead.",
]


def page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><title>Ferry approved | Observer</title>
<meta property="og:site_name" content="The Observer"><meta name="author" content="Jon Aaberg">
<meta property="article:published_time" content="2024-03-12T08:00:00Z">
<link rel="canonical" href="https://observer.example/ferry"></head>
<body><nav><a href="/">Home</a><a href="/news">News</a><a href="/sport">Sport</a></nav>
<article><h1>Ferry approved</h1>{body}</article>
<footer><p>© 2024 The Observer. All rights reserved.</p><a href="/privacy">Privacy</a></footer></body></html>"""


def test_extract_page_text_and_metadata():
    result = extract_page(page("".join(f"<p>{p}</p>" for p in PARAGRAPHS)))
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert "Privacy" not in result.text and "Sport" not in result.text
    assert (result.outlet, result.author, result.published, result.url) == (
        "The Observer", "Jon Aaberg", "2024-03-12T08:00:00Z", "https://observer.example/ferry")
    assert result.title == "Ferry approved"


@pytest.mark.parametrize("html", [
    page(""),
    "<html><head><title>Log in</title></head><body><form><input name=user></form></body></html>",
    "<html><body></body></html>",
])
def test_page_without_article(html):
    with pytest.raises(NoArticle) as raised:
        build_article(RawDocument(source="x.html", format="html", html=html))
    assert raised.value.path == "x.html"


def test_fast_is_the_default():
    assert HtmlOptions().fast is True


@pytest.mark.parametrize(("html", "fragment"), [
    ("<p>Body</p>", True),
    ("<div><p>Body</p></div>", True),
    ("<html><body><p>Body</p></body></html>", False),
    ("<!DOCTYPE html><head><title>x</title></head>", False),
    ("<!DOCTYPE htmlhead><p>Body</p>", False),  # a doctype starts a page, whatever follows it
])
def test_is_fragment(html, fragment):
    assert is_fragment(html) is fragment


def test_fragment_text_keeps_paragraphs_and_drops_figures():
    html = (f"<p>{PARAGRAPHS[0]}</p><figure><img src=x><figcaption>Caption</figcaption></figure>"
            f"<script>var x;</script><p>{PARAGRAPHS[1]}<br>{PARAGRAPHS[2]}</p>")
    text = fragment_text(html)
    assert "Caption" not in text and "var x" not in text
    assert [p.strip() for p in text.split("\n\n") if p.strip()] == PARAGRAPHS[:3]


@pytest.mark.parametrize("html", [
    "<!DOCTYPE htmlhead><title>Ferrybody><p>The council voted.</p></body></html>",  # found by test_fuzz_long
    "<!doctype html><p>The council voted.</p>",
])
def test_fragment_text_of_a_fragment_that_starts_with_a_doctype(html):
    # lxml takes these for whole pages and asserts they have one <body>; the text must come out anyway.
    assert "The council voted." in fragment_text(html)
    assert "doctype" not in fragment_text(html).lower()


def test_demo_pages_extract_without_boilerplate():
    corpus = resources.files("wiretrace.demo").joinpath("corpus", "html")
    result = extract_page(corpus.joinpath("northgate-herald.html").read_text(encoding="utf-8"))
    assert result.outlet == "Northgate Herald" and result.author == "Rowan Tilde"
    for junk in ("We use cookies", "Most read", "Halvorsen fined over ammonia leak", "All rights reserved",
                 "Get the Lisseran briefing"):
        assert junk not in result.text


def test_extraction_quality_floor():
    """The golden gate: wiretrace's HTML path keeps its F1 on the fundus pages."""
    import importlib.util
    import json
    from pathlib import Path

    from conftest import shared_path

    floor = json.loads((Path(__file__).parents[1] / "eval_floor.json").read_text(encoding="utf-8"))["extraction"]
    folder = shared_path(*floor["dataset"].split("/"))
    script = Path(__file__).resolve().parents[2] / "eval" / "extraction.py"
    spec = importlib.util.spec_from_file_location("eval_extraction", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.evaluate(module.load_pages(folder), floor["extractor"])
    assert result["pages"] == 40
    assert result["mean_f1"] >= floor["mean_f1"], result["per_page"]
    assert result["median_f1"] >= floor["median_f1"], result["per_page"]


def test_a_parentless_svg_root_is_no_crash_in_the_date_search():
    # Found by the long fuzz run: htmldate's cleaning asserts on an <svg> that lxml makes the root.
    from wiretrace.errors import InputError
    from wiretrace.ingest.html import extract_page

    html = '<svg><head><meta><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    try:
        page = extract_page(html, url=None, label="feed.xml")
    except InputError:
        return
    assert page.published is None
