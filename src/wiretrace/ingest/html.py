"""HTML to article text and metadata.

trafilatura does main-content extraction and brings htmldate for the publication date; `og:site_name`,
the canonical URL and the byline come from its metadata pass. Feed entries are HTML fragments, which
get a plain paragraph walk instead.

Measured with `eval/extraction.py` on ../shared/eval/fundus (40 pages): trafilatura in fast mode (no
fallback extractors) scores the same bag-of-words F1 as its default mode (0.958) at about 1.6x the
speed, and resiliparse, though 5-7x faster again, loses 5 points of F1 (0.902), so the default is
trafilatura with `fast=True`. wiretrace's path (extraction, standfirst, link-only lines out, then
`clean_text`) scores 0.975 on outlets it was not tuned on (`eval/extraction.py --loo`; README).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wiretrace.errors import NoArticle
from wiretrace.ingest.dek import DEK_COVERED, dek_candidate, keep_dek
from wiretrace.ingest.links import drop_link_lines, link_blocks

_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "br", "tr")
# Meta tag names (property, name or itemprop; lowercase) for each field, best first.
_META_NAMES = {
    "title": ("og:title", "twitter:title", "dc.title", "headline"),
    "outlet": ("og:site_name", "application-name", "dc.publisher"),
    "published": ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
                  "dc.date.issued", "pubdate", "publish-date", "parsely-pub-date", "sailthru.date", "publication_date"),
    "url": ("og:url",),
}
_AUTHOR_NAMES = ("author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author")
_TITLE_SUFFIX = re.compile(r"\s+[|–—\-:]\s+[^|–—\-:]{2,60}$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Most elements in a page handed to trafilatura: news pages have a few thousand; its main-content pass
# takes about 6 s at 40,000 elements and 100 s at 100,000, so a bigger page is refused, not extracted.
MAX_ELEMENTS = 30_000


@dataclass(frozen=True)
class ExtractedPage:
    """Main text and metadata of one HTML page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class HtmlOptions:
    """How hard to try for main content.

    Attributes:
        fast: skip trafilatura's fallback extractors (default: on; same F1 on fundus, 1.6x faster).
        favor_precision: prefer dropping doubtful blocks over keeping boilerplate.
        dek: put back the standfirst (the summary under the headline), which trafilatura leaves out as
            page furniture; see `ingest/dek.py`. Chosen with `eval/extraction.py --loo`.
        dek_covered: share of the standfirst's word trigrams the body must hold for it to count as
            already there (the lead paragraph printed twice); chosen with `--loo` from 0.8 and 0.95.
        link_share: drop extracted lines that are a block whose linked text is at least this share of
            its text (links to other stories between paragraphs; see `ingest/links.py`); None (or a
            value above 1) keeps them. Chosen with `--loo` from off, 0.7 and 0.9: 0.7 in seven of
            the eight folds and on all eight outlets.
    """

    fast: bool = True
    favor_precision: bool = False
    dek: bool = True
    dek_covered: float = DEK_COVERED
    link_share: float | None = 0.7


_DOCTYPE = re.compile(r"^\s*<!doctype[^>]*>", re.IGNORECASE)


def is_fragment(html: str) -> bool:
    """True for a bare fragment (feed entry content) rather than a whole page."""
    head = html[:2000].lower()
    return not any(tag in head for tag in ("<html", "<body", "<head", "<!doctype"))


def fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment, one block per paragraph."""
    import lxml.html
    from lxml.etree import ParserError

    # lxml parses control characters into text but refuses them when the tree is edited (drop_tree
    # raised ValueError); they are not article text, so they go first.
    html = _NOT_XML.sub("", html)
    # lxml takes a fragment that starts with a doctype for a whole page and asserts it has one body
    # ('<!DOCTYPE htmlhead>' has none); a doctype is no paragraph text either.
    html = _DOCTYPE.sub("", html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError, AssertionError):
        return re.sub(r"<[^>]+>", " ", html)
    for bad in root.xpath("//script|//style|//noscript|//iframe|//figure|//figcaption"):
        bad.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    return root.text_content()


def extract_page(
    html: str, url: str | None = None, options: HtmlOptions | None = None, label: str = ""
) -> ExtractedPage:
    """Main content and metadata of a whole HTML page; raises `NoArticle` when there is none.

    Metadata comes from the page's own declarations (meta tags, JSON-LD, canonical link), which
    news pages nearly always carry; htmldate is asked only when no publication date is declared.
    This is a third of the cost of trafilatura's metadata pass, which also searches the body.
    """
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    options = options or HtmlOptions()
    try:
        tree = load_html(html)
        if tree is None:
            raise NoArticle(label, "HTML could not be parsed")
        elements = int(tree.xpath("count(//*)"))
        if elements > MAX_ELEMENTS:  # trafilatura's extraction grows faster than linearly with elements
            raise NoArticle(label, f"HTML page has {elements:,} elements, over the limit of {MAX_ELEMENTS:,} "
                            "for article extraction")
        meta = page_metadata(tree, url)
        dek = dek_candidate(tree) if options.dek else None
        links = link_blocks(tree, options.link_share) if options.link_share else frozenset()
        doc = bare_extraction(
            tree, url=url, with_metadata=False, include_comments=False, include_tables=False,
            fast=options.fast, favor_precision=options.favor_precision, deduplicate=False,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        raise NoArticle(label, f"HTML could not be parsed ({type(exc).__name__})") from exc
    text = drop_link_lines(doc.text or "", links) if doc is not None else ""
    if not text.strip():
        raise NoArticle(label, "HTML page has no article text")
    dek = keep_dek(dek, text, options.dek_covered)
    return ExtractedPage(text=f"{dek}\n\n{text}" if dek else text, **meta)


def page_metadata(tree: Any, url: str | None = None) -> dict[str, str | None]:
    """Title, author, publication date, outlet, canonical URL and language an HTML tree declares."""
    found: dict[str, str] = {}
    authors: list[str] = []
    for key, value in _json_ld_fields(tree):
        if key == "author":
            authors.append(value)
        else:
            found.setdefault(key, value)
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key in _AUTHOR_NAMES and value:
            authors.append(value)
        elif key and value:
            found.setdefault(key, value)
    fields = {field: next((found[n] for n in names if n in found), None) for field, names in _META_NAMES.items()}
    fields["author"] = next((a for a in authors if _is_person(a, fields["outlet"])), None)
    if fields["author"] is None:  # a byline element only where nothing is declared: it scans the whole tree
        byline = _first_text(tree, '//*[@rel="author" or @itemprop="author"]') or ""
        fields["author"] = byline if _is_person(byline, fields["outlet"]) else None
    fields["title"] = fields["title"] or _page_title(tree)
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    fields["url"] = (canonical[0].strip() if canonical else None) or fields["url"] or url
    fields["published"] = fields["published"] or _find_date(tree, url)
    lang = tree.get("lang") or ""
    fields["language"] = lang[:2].lower() or None
    return fields


def _is_person(author: str, outlet: str | None) -> bool:
    """Whether a declared author names people, not the outlet, a URL or a staff desk."""
    return bool(author.strip()) and "http" not in author and "staff" not in author.lower() \
        and author.strip().casefold() != (outlet or "").casefold()


def _json_ld_fields(tree: Any) -> Iterator[tuple[str, str]]:
    """(meta name, value) pairs from JSON-LD article objects."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # bad or absurdly nested JSON-LD: ignore it, keep the page
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        items = items if isinstance(items, list) else []
        for item in items:
            if not isinstance(item, dict) or "Article" not in str(item.get("@type", "")):
                continue
            for key, name in (("headline", "headline"), ("datePublished", "datepublished")):
                if isinstance(item.get(key), str):
                    yield name, item[key]
            for key, name in (("author", "author"), ("publisher", "dc.publisher")):
                values = item.get(key) if isinstance(item.get(key), list) else [item.get(key)]
                names = [v["name"].strip() for v in values if isinstance(v, dict) and isinstance(v.get("name"), str)]
                if names:
                    yield name, ", ".join(names)


def _first_text(tree: Any, xpath: str) -> str | None:
    for element in tree.xpath(xpath):
        text = " ".join(element.text_content().split()) if hasattr(element, "text_content") else ""
        if 2 < len(text) < 80:
            return re.sub(r"^by\s+", "", text, flags=re.I)
    return None


def _page_title(tree: Any) -> str | None:
    titles = tree.xpath("//title/text()")
    title = " ".join(titles[0].split()) if titles else ""
    title = _TITLE_SUFFIX.sub("", title) if title else title
    return title or _first_text(tree, "//h1")


def _find_date(tree: Any, url: str | None) -> str | None:
    from htmldate import find_date

    try:
        return find_date(tree, url=url, extensive_search=False, original_date=True)
    except (ValueError, TypeError, AssertionError):
        # htmldate gives up on odd trees (lxml's drop_tree asserts on a parentless <svg> root); no
        # date is better than no article
        return None
