"""Structure-aware fuzzing of every reader: generated HTML trees, feeds, WARC files, JSONL and gzip of them.

Companion to tests/test_hostile_input.py (byte-level fuzzing, mutated seeds and the hand-made attacks): the
generators here build well-formed documents first and then break them, so the fuzzing reaches deep into
trafilatura, feedparser and warcio rather than stopping at the format sniffing. The contract is the same:
each document becomes a clean, storable `Article` or a one-line `InputError`; never a traceback, never more
than TIME_LIMIT_S seconds or the memory bound per document.

The default run takes a modest number of examples per target; `pytest -m slow tests/test_fuzz.py` runs
WIRETRACE_FUZZ_EXAMPLES (default 2,000) per target. With WIRETRACE_FUZZ_COUNT=/path.json the number of
inputs tried is added to that file (the same file tests/test_hostile_input.py writes).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from conftest import time_bound
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.errors import InputError
from wiretrace.ingest import IngestOptions, build_article
from wiretrace.ingest.clean import clean_text, normalize_unicode, split_scraped_text
from wiretrace.ingest.readers import ReadOptions, read_documents, sniff_format
from wiretrace.models import Article, RawDocument
from wiretrace.store.sqlite import SQLiteStore

TIME_LIMIT_S = 20.0  # per document, generous: the machine running the suite may be busy
FIXED_MEMORY = 48 * 1024 * 1024  # per document, Python heap, on top of a multiple of the input size
MEMORY_PER_INPUT_BYTE = 40
DEFAULT_EXAMPLES = 30
SLOW_EXAMPLES = int(os.environ.get("WIRETRACE_FUZZ_EXAMPLES", "2000"))
OPTIONS = ReadOptions(max_bytes=2 * 1024 * 1024, max_records=50)

COUNTS: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _warm_and_count():
    """Import the lazy dependencies once (not charged to a document); add the inputs tried to the count file."""
    for data in (b"<html><body><article><p>" + b"Warm up the extractor with a few words of text. " * 5
                 + b"</p></article></body></html>", b"WARC/1.0\r\n\r\n", "é".encode("cp1252") * 3,
                 b"<rss><channel><item><description>x</description></item></channel></rss>"):
        process(data, "warmup")
    COUNTS.clear()
    OUTCOMES.clear()
    yield
    target = os.environ.get("WIRETRACE_FUZZ_COUNT")
    if target and COUNTS:
        path = Path(target)
        counts = json.loads(path.read_text()) if path.exists() else {}
        for key, value in COUNTS.items():
            counts[f"structured_{key}"] = counts.get(f"structured_{key}", 0) + value
        counts["total"] = sum(v for k, v in counts.items() if k != "total")
        path.write_text(json.dumps(counts, indent=2, sort_keys=True))
    print(f"\nstructured fuzz: {sum(COUNTS.values())} inputs, {dict(sorted(COUNTS.items()))}; outcomes {dict(OUTCOMES)}")


@contextlib.contextmanager
def bounded(size: int, what: str):
    """Fail if the block runs over TIME_LIMIT_S or its Python heap peak is over the bound for `size` bytes."""

    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        with time_bound(TIME_LIMIT_S, f"{what} on one document of {size} bytes"):
            yield
    finally:
        peak = tracemalloc.get_traced_memory()[1] - base
        if started_tracing:
            tracemalloc.stop()
    limit = FIXED_MEMORY + MEMORY_PER_INPUT_BYTE * size
    assert peak <= limit, f"{what}: {peak:,} bytes allocated for a {size:,}-byte document (limit {limit:,})"


_STORE = SQLiteStore(":memory:")


def check_error(error: InputError) -> None:
    message = str(error)
    assert error.path.startswith("<stdin>") and error.problem.strip(), message
    assert "\n" not in message and "Traceback" not in message, repr(message)


def check_article(article: Article) -> None:
    assert article.text.strip() and article.words >= IngestOptions().min_words
    for value in vars(article).values():
        if isinstance(value, str):
            value.encode("utf-8")  # storable and printable: no lone surrogates
    # a title taken from the lead sentence was not there when cleaning ran, so it is not cleaned against
    headline = article.title if article.title_source == "headline" else None
    assert clean_text(article.text, headline) == article.text
    assert normalize_unicode(article.text) == article.text  # no control or zero-width characters left
    assert article.source_name  # must not raise on junk URLs
    _STORE.put_articles([article])  # and it really is storable


def process(data: bytes, target: str) -> list[str]:
    """Every document in `data` through the readers and `build_article`, checked and bounded."""
    COUNTS[target] += 1
    outcomes = []
    with bounded(len(data), target):
        for item in read_documents("-", OPTIONS, stdin=io.BytesIO(data)):
            if isinstance(item, InputError):
                check_error(item)
                outcomes.append("error")
                continue
            assert isinstance(item, RawDocument), item
            try:
                article = build_article(item)
            except InputError as exc:
                check_error(exc)
                outcomes.append("error")
                continue
            check_article(article)
            outcomes.append("article")
    assert outcomes, "no document and no error"
    OUTCOMES.update(outcomes)
    return outcomes


# -- generators ------------------------------------------------------------------------------------------
WORDS = ("the council said on Monday that harbour bridge would close for three weeks of repairs , . "
         "\" “ ” ' — Reuters AFP via Getty Images Photo by Tags : Share this article Subscribe © 2024 "
         "Original url: https://news.example/2024/05/03/x [link](https://x.example/) ![img](a.png) ** __ # - • "
         "12,000 3.5% $4bn \u00a0 \u200b \u00ad \x00 \x07 \r \t \n \n\n").split(" ")
prose = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=120).map(" ".join)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)  # lone surrogates included
URLS = ["https://news.example/2024/05/03/story", "javascript:alert(1)", "http://[x", "", "file:///etc/passwd",
        "https://ex.example/" + "a" * 500, "//evil.example/x"]

TAGS = ["p", "div", "span", "b", "a", "script", "style", "article", "main", "h1", "li", "ul", "table", "tr", "td",
        "br", "img", "iframe", "noscript", "figure", "figcaption", "meta", "title", "head", "body", "html", "svg",
        "math", "template", "textarea", "select", "nav", "footer", "header", "time", "blockquote", "link"]
ATTRS = ["", ' href="javascript:alert(1)"', " onerror=alert(1)", ' class="article-body"', ' charset="utf-16"',
         ' property="og:site_name" content="<b>Outlet</b>"', ' name="author" content="\x00"',
         ' rel="canonical" href="http://[broken"', ' property="article:published_time" content="99999-99-99"',
         ' lang="e"', ' itemprop="author"', ' rel="author"', ' content="' + "x" * 300 + '"', " =x", ' a"b"c']
MARKUP = ["&amp;", "&#0;", "&#xD800;", "&#x110000;", "&#99999999999;", "&nbsp;", "&unknown;", "<![CDATA[x]]>",
          "<!-- c -->", "<", ">", "&", "\x00", "</p>", "<p", "<?php x ?>", "<!DOCTYPE x>", "</html>", "<body>"]
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text, prose)
json_value = st.recursive(json_scalar, lambda kids: st.lists(kids, max_size=4)
                          | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=12)
json_ld = st.builds(
    lambda kind, fields, graph: '<script type="application/ld+json">'
    + json.dumps({"@graph": fields} if graph else {"@type": kind, **fields}) + "</script>",
    st.sampled_from(["NewsArticle", "Article", 5, None]),
    st.dictionaries(st.sampled_from(["headline", "datePublished", "author", "publisher", "@graph"]), json_value,
                    max_size=4),
    st.booleans(),
)
html_tree = st.recursive(
    st.one_of(prose, st.sampled_from(MARKUP), json_ld),
    lambda kids: st.builds(
        lambda tag, attrs, body, close: f"<{tag}{attrs}>{''.join(body)}" + (f"</{tag}>" if close else ""),
        st.sampled_from(TAGS), st.sampled_from(ATTRS), st.lists(kids, max_size=5), st.booleans(),
    ),
    max_leaves=40,
)


def mutate(draw, data: bytes) -> bytes:
    """Leave as is, truncate, flip a byte, insert or append garbage."""
    how = draw(st.sampled_from(["none", "truncate", "flip", "insert", "append"]))
    if not data or how == "none":
        return data
    at = draw(st.integers(0, len(data) - 1))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    garbage = draw(st.binary(min_size=1, max_size=64))
    return data[:at] + garbage + data[at:] if how == "insert" else data + garbage


@st.composite
def html_doc(draw) -> bytes:
    """A whole page (with a charset, a title and an <article>) or a bare fragment, in some encoding."""
    body = draw(html_tree)
    if draw(st.booleans()):
        charset = draw(st.sampled_from(["utf-8", "utf-16", "iso-8859-1", "bogus-charset", "cp1252"]))
        body = (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{draw(prose)}</title></head>"
                f"<body><article>{body}</article></body></html>")
    else:
        body = "<p>" + body
    return body.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace")


@st.composite
def jsonl_doc(draw) -> bytes:
    """Records with every field of every JSON type, HTML bodies, lone surrogates and odd numbers."""
    record = st.dictionaries(
        st.sampled_from(["text", "html", "url", "title", "published", "date", "outlet", "author", "extra"]),
        st.one_of(json_value, prose, html_tree, st.sampled_from(URLS)),
        max_size=8,
    )
    line = st.one_of(record.map(json.dumps), json_value.map(json.dumps), st.text(max_size=60),
                     st.just('{"text": ' + "9" * 5000 + "}"), st.just('{"text": "a\\ud800b c d e f g"}'))
    return "\n".join(draw(st.lists(line, min_size=1, max_size=6))).encode("utf-8", errors="surrogatepass")


FIXED_WARC_HEADERS = {"WARC-Date": "2024-05-03T08:00:00Z",
                      "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000000>"}


@st.composite
def warc_doc(draw) -> bytes:
    """A WARC written by warcio (gzipped or not, several record types and content types), then damaged."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=draw(st.booleans()))
    for _ in range(draw(st.integers(1, 3))):
        body = draw(html_doc())
        ctype = draw(st.sampled_from(["text/html", "text/html; charset=utf-16", "text/html; charset=nope",
                                      "application/json", "TEXT/HTML"]))
        headers = [("Content-Type", ctype)]
        if draw(st.booleans()):
            headers.append(draw(st.sampled_from([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip"),
                                                 ("Content-Encoding", "br"), ("Content-Length", "-5")])))
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        kind = draw(st.sampled_from(["response", "response", "request", "metadata"]))
        writer.write_record(writer.create_warc_record(draw(st.sampled_from(URLS)), kind, payload=io.BytesIO(body),
                                                      http_headers=http, warc_headers_dict=FIXED_WARC_HEADERS))
    return mutate(draw, out.getvalue())


@st.composite
def raw_warc_doc(draw) -> bytes:
    """A hand-written WARC record with lying lengths, broken chunking or a bad content encoding."""
    body = draw(st.binary(max_size=300)) if draw(st.booleans()) else draw(html_doc())
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            + draw(st.sampled_from([b"", b"Transfer-Encoding: chunked\r\n", b"Content-Encoding: gzip\r\n"]))
            + b"\r\n" + body)
    length = draw(st.sampled_from([len(http), len(http) + 100, max(0, len(http) - 10), 0, 10**12]))
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + draw(st.sampled_from(URLS)).encode()
              + b"\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n" + http + b"\r\n\r\n")
    return mutate(draw, record * draw(st.integers(1, 2)))


@st.composite
def feed_doc(draw) -> bytes:
    """An RSS or Atom feed with entries in CDATA, escaped or raw, character references, DOCTYPEs; then damaged."""
    atom = draw(st.booleans())
    prolog = draw(st.sampled_from([
        "", "<!DOCTYPE rss>", '<!DOCTYPE rss SYSTEM "file:///etc/passwd">', '<?xml-stylesheet href="x.xsl"?>',
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "<!-- " + "x" * 5000 + " -->",
    ]))
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        content = draw(st.one_of(prose, html_tree))
        wrap = draw(st.sampled_from(["cdata", "escaped", "raw"]))
        content = {"cdata": f"<![CDATA[{content}]]>",
                   "escaped": content.replace("&", "&amp;").replace("<", "&lt;"), "raw": content}[wrap]
        title, link = draw(prose), draw(st.sampled_from(URLS))
        ref = draw(st.sampled_from(["", "&a;", "&b;", "&xxe;", "&#xD800;", "&#0;", "&#x110000;", "&#55296;"]))
        if atom:
            entries.append(f'<entry><title>{title}{ref}</title><link href="{link}"/><updated>{draw(prose)}</updated>'
                           f'<content type="html">{content}</content></entry>')
        else:
            entries.append(f"<item><title>{title}</title><link>{link}</link><pubDate>{draw(prose)}</pubDate>"
                           f"<description>{ref}{content}</description></item>")
    outlet = draw(prose)
    if atom:
        xml = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{outlet}</title>{"".join(entries)}</feed>'
    else:
        xml = f'<rss version="2.0"><channel><title>{outlet}</title>{"".join(entries)}</channel></rss>'
    return mutate(draw, f'<?xml version="1.0" encoding="utf-8"?>{prolog}{xml}'.encode("utf-8", errors="replace"))


@st.composite
def gzip_doc(draw) -> bytes:
    """Any of the above, gzipped (sometimes with a second member or trailing junk), then damaged."""
    inner = draw(st.one_of(html_doc(), jsonl_doc(), feed_doc(), prose.map(lambda t: t.encode("utf-8", "replace"))))
    data = gzip.compress(inner, compresslevel=1, mtime=0)
    if draw(st.booleans()):
        data += draw(st.sampled_from([gzip.compress(b"second member", mtime=0), b"\x00" * 8, b"trailing garbage"]))
    return mutate(draw, data)


TARGETS = {"html": html_doc(), "jsonl": jsonl_doc(), "warc": warc_doc(), "warc_raw": raw_warc_doc(),
           "feed": feed_doc(), "gzip": gzip_doc()}

# Pieces the cleaner's regular expressions care about: strings of them look for super-linear backtracking.
REGEX_PIECES = ["[", "](", "![", "(", ")", "]", "**", "__", "©", "Photo by ", " via Getty Images", "AFP", "/", "#",
                "- ", "\n", " ", "“", '"', "Original url: ", "Tags:", "Reuters", "http://x", "<", ">", "a", "A", ".",
                "May 5, 2024", "Share", "\u00a0", "\u2028", "\r"]
cleaner_input = st.lists(st.sampled_from(REGEX_PIECES), max_size=3000).map("".join)


def run_fuzz(target: str, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=examples <= DEFAULT_EXAMPLES,
              suppress_health_check=list(HealthCheck))
    @given(data=TARGETS[target])
    def fuzz(data: bytes) -> None:
        process(data, target)

    fuzz()


def run_cleaner_fuzz(examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=examples <= DEFAULT_EXAMPLES,
              suppress_health_check=list(HealthCheck))
    @given(text=cleaner_input, title=st.one_of(st.none(), prose))
    def fuzz(text: str, title: str | None) -> None:
        COUNTS["cleaner_pieces"] += 1
        with bounded(len(text.encode("utf-8")) * 4, "cleaner"):
            once = clean_text(text, title)
            assert clean_text(once, title) == once
            assert normalize_unicode(once) == once
            scraped = split_scraped_text(text)
            assert scraped.url is None or scraped.url.startswith(("http://", "https://"))

    fuzz()


@pytest.mark.parametrize("target", list(TARGETS))
def test_fuzz_structured(target):
    run_fuzz(target, DEFAULT_EXAMPLES)


def test_fuzz_cleaner_regex_pieces():
    run_cleaner_fuzz(DEFAULT_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("target", list(TARGETS))
def test_fuzz_structured_long(target):
    run_fuzz(target, SLOW_EXAMPLES)


@pytest.mark.slow
def test_fuzz_cleaner_regex_pieces_long():
    run_cleaner_fuzz(SLOW_EXAMPLES)


# -- regressions: each of these was a traceback, a hang or a lost article before -------------------------
ARTICLE = "The harbour council voted on Monday to close the old bridge for three weeks of repairs."


def read(data: bytes) -> list[RawDocument | InputError]:
    return list(read_documents("-", OPTIONS, stdin=io.BytesIO(data)))


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#x110000;", "&#0;", "&#99999999999;"])
def test_feed_character_reference_to_a_non_character_is_replaced(ref):
    """feedparser raised UnicodeEncodeError (a traceback out of `wiretrace ingest`) on `&#xD800;`."""
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Observer</title><item><title>Bridge{ref}</title>'
            f"<description>{ref}{ARTICLE}</description></item></channel></rss>").encode()
    (article,) = [build_article(doc) for doc in read(feed)]
    assert ARTICLE in article.text


def test_feed_entities_after_a_long_prolog_are_still_refused():
    """A 200 KB comment used to push the DTD past the entity check, and the feed was read as HTML."""
    feed = (b'<?xml version="1.0"?><!--' + b"x" * 200_000 + b'--><!DOCTYPE rss [<!ENTITY a "&#38;b;">]>'
            b'<rss version="2.0"><channel><item><description>&a; ' + ARTICLE.encode()
            + b"</description></item></channel></rss>")
    assert sniff_format(feed) == "rss"
    (error,) = read(feed)
    assert isinstance(error, InputError) and "entity" in error.problem


def test_lone_surrogates_in_jsonl_become_replacement_characters():
    """They made the SQLite insert raise UnicodeEncodeError, which stopped the whole ingest."""
    line = ('{"text": "' + ARTICLE + ' \\ud800", "url": "http://x.example/\\udc00", "title": "\\ud83d",'
            ' "outlet": "\\udfff", "author": "A \\udc80"}\n').encode()
    (article,) = [build_article(doc) for doc in read(line)]
    assert article.text.endswith("\ufffd") and article.url == "http://x.example/\ufffd"
    assert (article.title, article.outlet, article.author) == ("\ufffd", "\ufffd", "A \ufffd")
    assert SQLiteStore(":memory:").put_articles([article]) == [True]


def test_undecodable_file_name_is_stored(tmp_path):
    """A file name that is not UTF-8 (surrogate-escaped by Python) is the article's path: it must store."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Bridge\n\n" + ARTICLE + "\n")
    store = SQLiteStore(str(tmp_path / "s.db"))
    from wiretrace.ingest import ingest_paths

    report = ingest_paths(store, [str(folder)])
    assert len(report.ingested) == 1 and not report.failed
    assert store.list_articles()[0].path.endswith("caf\ufffd.txt")
    store.close()


def test_huge_integer_in_jsonl_is_a_record_error():
    data = f'{{"text": "{ARTICLE}", "published": {"9" * 5000}}}\n{{"text": "{ARTICLE} Two."}}\n'.encode()
    error, doc = read(data)
    assert isinstance(error, InputError) and error.path == "<stdin>:1" and "invalid JSON" in error.problem
    assert isinstance(doc, RawDocument)


def test_junk_url_does_not_crash_metadata_or_display():
    (doc,) = read(json.dumps({"text": ARTICLE, "url": "http://[x/2024/05/03/"}).encode())
    article = build_article(doc)
    assert article.url == "http://[x/2024/05/03/" and article.source_name.startswith("unknown outlet")


@pytest.mark.parametrize("json_ld", ['{"@graph": 5}', '{"@graph": "abc"}', "[" * 50_000 + "]" * 50_000])
def test_bad_json_ld_does_not_lose_the_article(json_ld):
    page = (f'<html><head><script type="application/ld+json">{json_ld}</script></head><body><article>'
            f"<p>{ARTICLE}</p><p>{ARTICLE} Again.</p></article></body></html>").encode()
    assert process(page, "regression") == ["article"]


@pytest.mark.parametrize("piece", ["[", "![", "[a](", "![a](", "[a](b(", "**a "])
def test_markdown_regexes_are_linear(piece):
    """A 20,000-character line of "[" took 3 s (quadratic): a 20 MB line would never have finished."""
    line = piece * (400_000 // len(piece))
    started = time.perf_counter()
    clean_text(line)
    split_scraped_text("Title\n\n" + line)
    assert time.perf_counter() - started < 5


def test_markdown_links_with_parentheses_are_still_stripped():
    assert clean_text("See [the report](https://en.wikipedia.org/wiki/Bridge_(structure)) for details "
                      "![photo](a.png (x)) today.") == "See the report for details today."


@pytest.mark.parametrize("html", [
    b'<p><p><script type="application/ld+json">{"@type": "NewsArticle"}</script>\x07',
    b'{"html": "<?>\\u001f<SCRIPT></SCRIPT>0"}',
    b"<p>The council closed the bridge\x01<script>x</script>\x0b for three weeks of repairs \xef\xbf\xbe today.",
])
def test_control_characters_next_to_a_dropped_script_in_a_fragment(html):
    """lxml refused the control character when the script was dropped: a ValueError out of the ingest."""
    process(html, "regression")
