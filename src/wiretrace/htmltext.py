"""HTML to article text and metadata.

trafilatura does main-content extraction (best F1 on ../shared/eval/fundus, see README), and brings
htmldate for the publication date; `og:site_name`, the canonical URL and the byline come from its
metadata pass. Feed entries are HTML fragments, which get a plain paragraph walk instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiretrace.errors import NoArticle

_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "br", "tr")


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
class ExtractOptions:
    """How hard to try for main content.

    Attributes:
        fast: skip trafilatura's fallback extractors (faster, slightly lower recall).
        favor_precision: prefer dropping doubtful blocks over keeping boilerplate.
    """

    fast: bool = False
    favor_precision: bool = False


def is_fragment(html: str) -> bool:
    """True for a bare fragment (feed entry content) rather than a whole page."""
    head = html[:2000].lower()
    return "<html" not in head and "<body" not in head and "<head" not in head


def fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment, one block per paragraph."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html)
    for bad in root.xpath("//script|//style|//noscript|//iframe|//figure|//figcaption"):
        bad.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    return root.text_content()


def extract_page(html: str, url: str | None = None, options: ExtractOptions | None = None, label: str = "") -> ExtractedPage:
    """Main content and metadata of a whole HTML page; raises `NoArticle` when there is none."""
    from trafilatura import bare_extraction

    options = options or ExtractOptions()
    try:
        doc = bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            fast=options.fast, favor_precision=options.favor_precision, deduplicate=False,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        raise NoArticle(label, f"HTML could not be parsed ({type(exc).__name__})") from exc
    if doc is None or not (doc.text or "").strip():
        raise NoArticle(label, "HTML page has no article text")
    return ExtractedPage(
        text=doc.text, title=doc.title, author=doc.author, published=doc.date, outlet=doc.sitename,
        url=doc.url or url, language=doc.language,
    )
