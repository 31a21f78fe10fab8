"""Hostile input: every reader and the cleaner, fuzzed with hypothesis and fed hand-made attacks.

The contract, for any bytes at all: a clean `Article` or an `InputError` naming the input, never any other
exception, never more than a bounded time per document and never more than a bounded amount of memory.

The default run tries about 1,200 inputs (fixed seeds) in well under a minute; `pytest -m slow
tests/test_hostile_input.py` runs each target with many more (random) examples and adds the 19 MB
single-line and 100 MB cases. Set
`WIRETRACE_FUZZ_COUNT=/tmp/counts.json` to have the number of inputs tried written out, and
`WIRETRACE_FUZZ_EXAMPLES=N` for N examples per target in the slow run (default 1500).
"""

from __future__ import annotations

import atexit
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import time_bound, warc_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.errors import InputError, InputTooLarge
from wiretrace.ingest import build_article
from wiretrace.ingest.clean import clean_text, split_scraped_text
from wiretrace.ingest.html import fragment_text
from wiretrace.ingest.readers import ReadOptions, read_documents
from wiretrace.models import Article

# Bounds per document. Generous, since CI machines are shared; a quadratic regex or an entity expansion
# blows through them by orders of magnitude.
SECONDS_PER_DOCUMENT = 20.0
SECONDS_PER_BIG_DOCUMENT = 180.0
MAX_RSS_GROWTH_MB = 512  # whole-process high-water mark, over the baseline taken after warm-up
FAST_EXAMPLES = 40
SLOW_EXAMPLES = int(os.environ.get("WIRETRACE_FUZZ_EXAMPLES", "1500"))  # per target, for the slow run

COUNTS: Counter[str] = Counter()

BODY = ("The harbour council voted on Monday to run a year-round ferry to the island, officials said. "
        "Residents had asked for the service for years, and the first boat sails in June.")
PAGE = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Ferry | Observer</title></head><body>"
        f"<article><h1>Ferry</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>")
RSS = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>The Observer</title><item>'
       f"<title>Ferry</title><link>https://observer.example/ferry</link><pubDate>Tue, 12 Mar 2024 08:00:00 +0100"
       f"</pubDate><description><![CDATA[<p>{BODY}</p>]]></description></item></channel></rss>")
ATOM = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>'
        f'<entry><title>Ferry</title><link href="https://atom.example/ferry"/><updated>2024-03-12T08:00:00Z'
        f"</updated><content type=\"html\">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>")
JSONL = "\n".join(json.dumps({"text": BODY, "title": f"Ferry {i}", "url": f"https://x.example/{i}",
                              "published": "2024-03-12", "outlet": "Observer"}) for i in range(3))
TEXT = f"Ferry to the island\n\nMarch 12, 2024\n\n{BODY}\n\n{BODY}\n\nOriginal url: https://observer.example/ferry\n"


WARC = warc_bytes([("https://a.example/1", PAGE.encode(), "text/html; charset=utf-8"),
                   ("https://a.example/2", PAGE.replace("Ferry", "Boat").encode(), "text/html")])
WARC_PLAIN = warc_bytes([("https://a.example/1", PAGE.encode(), "text/html")], compress=False)
SEEDS = [TEXT.encode(), PAGE.encode(), RSS.encode(), ATOM.encode(), JSONL.encode(), WARC, WARC_PLAIN,
         gzip.compress(PAGE.encode()), TEXT.encode("utf-16"), PAGE.encode("utf-8-sig")]
SNIPPETS = [b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\x1f\x8b", b"WARC/1.0\r\n",
            b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"&x;", b"<![CDATA[", b"]]>", b"<script>alert(1)</script>",
            b"<div>" * 50, b"</div>" * 50, b'{"text": 1}', b"\r\n\r\n", b"Content-Length: 999999\r\n",
            b"\\ud800", b"[" * 200, b"![](" * 100, b"**", "\u2028".encode(),
            b"<?xml version='1.0' encoding='utf-16'?>", b"charset=utf-32", b"javascript:alert(1)"]


# -- the harness ----------------------------------------------------------------------------------------
def _max_rss_mb() -> float:
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def ingest_bytes(data: bytes, options: ReadOptions | None = None) -> list[Article | InputError]:
    """Read and build every document in `data` (as stdin), the way `wiretrace ingest -` does."""
    results: list[Article | InputError] = []
    for item in read_documents("-", options or ReadOptions(), stdin=io.BytesIO(data)):
        if isinstance(item, InputError):
            results.append(item)
            continue
        try:
            results.append(build_article(item))
        except InputError as exc:
            results.append(exc)
    return results


def check_outcomes(results: list[Article | InputError]) -> None:
    """Each result is a usable article or a one-line error that names the input."""
    assert results, "no article and no error: the input vanished silently"
    for item in results:
        if isinstance(item, InputError):
            message = str(item)
            assert item.path.startswith("<stdin>") and item.problem.strip(), message
            assert "\n" not in message and "Traceback" not in message, message
            assert not any(leak in message for leak in INTERNALS), message
            continue
        assert isinstance(item, Article), item
        assert item.text.strip() and item.words > 0
        item.text.encode("utf-8")  # no lone surrogates: storable and printable
        assert "\x00" not in item.text and "\r" not in item.text
        for value in (item.title, item.url, item.outlet, item.author, item.published):
            assert value is None or isinstance(value, str)


BASELINE_RSS_MB = 0.0
# Words that mean an internal failure leaked into a user's error message.
INTERNALS = ("NoneType", "AttributeError", "object has no attribute", "KeyError", "IndexError", "UnboundLocalError")


def _warm_up() -> None:
    global BASELINE_RSS_MB
    for seed in SEEDS:
        ingest_bytes(seed)
    BASELINE_RSS_MB = _max_rss_mb()


def run_document(target: str, data: bytes, options: ReadOptions | None = None) -> list[Article | InputError]:
    """One fuzz input through the readers and `build_article`, under the time and memory bounds."""
    if not BASELINE_RSS_MB:
        _warm_up()
    COUNTS[target] += 1
    start = time.perf_counter()
    with time_bound(SECONDS_PER_DOCUMENT):
        results = ingest_bytes(data, options)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS_PER_DOCUMENT, f"{elapsed:.1f} s for one {len(data):,}-byte document"
    growth = _max_rss_mb() - BASELINE_RSS_MB
    assert growth < MAX_RSS_GROWTH_MB, f"memory grew by {growth:.0f} MB on a {len(data):,}-byte document"
    check_outcomes(results)
    return results


def _write_counts() -> None:
    target = os.environ.get("WIRETRACE_FUZZ_COUNT")
    if target and COUNTS:
        previous = json.loads(Path(target).read_text()) if Path(target).exists() else {}
        for key, value in COUNTS.items():
            previous[key] = previous.get(key, 0) + value
        previous["total"] = sum(v for k, v in previous.items() if k != "total")
        Path(target).write_text(json.dumps(previous, indent=2, sort_keys=True))


atexit.register(_write_counts)


# -- strategies -----------------------------------------------------------------------------------------
PREFIXES = [b"", b"WARC/1.0\r\n", b"WARC/1.1\r\nWARC-Type: response\r\n", b'<?xml version="1.0"?><rss version="2.0">',
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', b"<!DOCTYPE html><html><body>",
            b"<html><body><p>", b'{"text": "', b"{", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", b"\xff\xfe",
            b"\xfe\xff", b"\xef\xbb\xbf", b"<div>", b"<rdf:RDF>"]


def _mutate(seed: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for kind, position, payload in edits:
        at = position % (len(data) + 1)
        if kind == "insert":
            data[at:at] = payload
        elif kind == "replace":
            data[at : at + len(payload)] = payload
        elif kind == "delete":
            del data[at : at + 1 + len(payload)]
        elif kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at % len(data)] ^= 1 << (position % 8)
        elif kind == "repeat":
            data[at:at] = payload * 200
    return bytes(data)


EDITS = st.lists(
    st.tuples(st.sampled_from(["insert", "replace", "delete", "truncate", "flip", "repeat"]),
              st.integers(0, 1 << 20), st.one_of(st.binary(max_size=32), st.sampled_from(SNIPPETS))),
    max_size=6,
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["text", "html", "title", "url", "published", "date", "outlet", "author"]
MARKUP_ALPHABET = st.sampled_from(list("[]()!*_#-•“”\"'.,:;/<>&@© \n\n\t\r\u00a0\u200b\u2028\x00\x0caAzZ19")) | st.characters()
TAGS = ["div", "p", "span", "article", "main", "table", "tr", "td", "ul", "li", "script", "style", "a", "b", "h1",
        "header", "footer", "nav", "figure", "figcaption", "br", "meta", "title", "head", "body", "html", "iframe"]


@st.composite
def tag_soup(draw: st.DrawFn) -> bytes:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        choice = draw(st.integers(0, 4))
        tag = draw(st.sampled_from(TAGS))
        if choice == 0:
            attr = draw(st.sampled_from(['', ' class="x"', ' property="og:title" content="T"', ' href="javascript:x"',
                                         ' charset="utf-7"', ' type="application/ld+json"', ' lang="zz"']))
            parts.append(f"<{tag}{attr}>")
        elif choice == 1:
            parts.append(f"</{tag}>")
        elif choice == 2:
            parts.append(draw(st.text(max_size=120)))
        elif choice == 3:
            parts.append(BODY)
        else:
            parts.append(draw(st.sampled_from(["&amp;", "&#0;", "&#xD800;", "&#99999999;", "<!--", "-->", "<![CDATA[",
                                               '{"@type": "NewsArticle", "author": [1, {"name": 2}]}', "&nbsp;"])))
    head = draw(st.sampled_from(["<!DOCTYPE html><html><body>", "<html>", "", "<body>"]))
    return (head + "".join(parts)).encode("utf-8", "surrogatepass")


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            record = {key: draw(JSON_VALUES) for key in draw(st.lists(st.sampled_from(FIELDS), max_size=5))}
            if draw(st.booleans()):
                record[draw(st.sampled_from(["text", "html"]))] = draw(st.sampled_from([BODY, f"<p>{BODY}</p>"]))
        else:
            record = draw(JSON_VALUES)
        lines.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = "{" + text  # sniffed as JSONL whatever the first line holds
    return text.encode("utf-8", "surrogatepass")


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    text = draw(st.text(max_size=400) | st.just(TEXT))
    codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
                                  "latin-1", "koi8-r", "shift_jis"]))
    data = text.encode(codec, errors="replace")
    if draw(st.booleans()):
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\xd8\x00", b"\x80\x80\x80"]))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    data = _mutate(draw(st.sampled_from(SEEDS)), draw(EDITS))
    wrap = draw(st.sampled_from(["none", "gzip", "gzip-truncated"]))
    if wrap != "none":
        data = gzip.compress(data)
        if wrap == "gzip-truncated":
            data = data[: draw(st.integers(0, len(data)))]
    return data


def _on_stdin(target: str) -> Callable[[bytes], None]:
    def body(data: bytes) -> None:
        run_document(target, data)

    return body


def _clean(text: str) -> None:
    COUNTS["clean_text"] += 1
    with time_bound(SECONDS_PER_DOCUMENT):
        once = clean_text(text)
        assert clean_text(once) == once
        split_scraped_text(text)
        fragment_text(text)


TARGETS: dict[str, tuple[st.SearchStrategy, Callable]] = {
    "random_bytes": (st.binary(max_size=4096), _on_stdin("random_bytes")),
    "prefixed_bytes": (st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=2048)),
                       _on_stdin("prefixed_bytes")),
    "mutated_seeds": (mutated_seed(), _on_stdin("mutated_seeds")),
    "encodings": (encoded_text(), _on_stdin("encodings")),
    "jsonl_wrong_types": (jsonl_file(), _on_stdin("jsonl_wrong_types")),
    "html_tag_soup": (tag_soup(), _on_stdin("html_tag_soup")),
    "clean_text": (st.text(alphabet=MARKUP_ALPHABET, max_size=3000), _clean),
}


def _fuzz(name: str, examples: int) -> None:
    strategy, body = TARGETS[name]
    test = settings(max_examples=examples, deadline=None, database=None, derandomize=examples <= FAST_EXAMPLES,
                    suppress_health_check=list(HealthCheck))(given(strategy)(body))
    test()


@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz(name):
    _fuzz(name, FAST_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz_long(name):
    _fuzz(name, SLOW_EXAMPLES)


# -- hand-made attacks ----------------------------------------------------------------------------------
def _nested(tag: str, depth: int = 10_000, close: bool = True) -> str:
    return f"<{tag}>" * depth + BODY + (f"</{tag}>" * depth if close else "")


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
HOSTILE: dict[str, bytes] = {
    "nested_div_page": f"<html><body>{_nested('div')}</body></html>".encode(),
    "nested_unclosed_page": f"<html><body>{_nested('p><span', close=False)}</body></html>".encode(),
    "nested_table_page": f"<html><body>{_nested('table><tr><td', 3_000)}</body></html>".encode(),
    "nested_fragment_jsonl": json.dumps({"html": _nested("div")}).encode(),
    "nested_feed_entry": RSS.replace(f"<p>{BODY}</p>", _nested("blockquote")).encode(),
    "nested_json": b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nested_json_ld": PAGE.replace("</head>", '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000
                                   + "</script></head>").encode(),
    "billion_laughs_rss": (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
                           '<rss version="2.0"><channel><title>&lol9;</title><item><description>&lol9;</description>'
                           "</item></channel></rss>").encode(),
    "billion_laughs_padded": ('<?xml version="1.0"?>' + " " * 300_000 + f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
                              '<rss version="2.0"><channel><item><description>&lol9;</description></item></channel>'
                              "</rss>").encode(),
    "billion_laughs_html": (f'<!DOCTYPE html [<!ENTITY lol0 "lol">{LAUGHS}]><html><body><p>&lol9;</p>'
                            f"<p>{BODY}</p></body></html>").encode(),
    "xxe_rss": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0">'
                "<channel><item><description>&xxe; words enough for an article here</description></item></channel>"
                "</rss>").encode(),
    "xxe_parameter_entity": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
                             f"{RSS[RSS.index('<rss'):]}").encode(),
    "xxe_atom_lowercase": ATOM.replace("<feed", '<!doctype feed [<!entity xxe system "file:///etc/passwd">]><feed')
                              .replace("<title>Atom</title>", "<title>&xxe;</title>").encode(),
    "external_dtd_rss": RSS.replace("<rss", '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd"><rss').encode(),
    "xxe_html": ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>&xxe;</p>'
                 f"<p>{BODY}</p></body></html>").encode(),
    "invalid_utf8": b"Ferry\n\n" + BODY.encode() + b" \xff\xfe\xc3\x28 \xed\xa0\x80 " + BODY.encode(),
    "utf16_bom": TEXT.encode("utf-16"),
    "utf16_be_bom": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "utf16_no_bom": TEXT.encode("utf-16-le"),
    "utf16_be_no_bom": TEXT.encode("utf-16-be"),
    "utf16_bom_lone_surrogate": b"\xff\xfe" + "Ferry\n\n".encode("utf-16-le") + b"\x00\xd8" + BODY.encode("utf-16-le"),
    "utf16_bom_odd_length": b"\xff\xfe" + TEXT.encode("utf-16-le") + b"\x41",
    "utf32_bom": TEXT.encode("utf-32"),
    "utf8_bom_then_invalid": b"\xef\xbb\xbf" + TEXT.encode() + b"\xff",
    "nul_in_text": TEXT.encode().replace(b" ", b" \x00", 3),
    "nul_everywhere": b"\x00" * 10_000,
    "nul_in_json_string": json.dumps({"text": BODY.replace(" ", "\u0000 ", 3), "title": "a\u0000b"}).encode(),
    "nul_in_html": PAGE.replace("<p>", "<p>\x00", 1).encode(),
    "lone_surrogate_json": b'{"text": "' + BODY.encode() + b' \\ud800 \\udfff", "title": "\\udc80"}',
    "huge_int_json": b'{"text": "' + BODY.encode() + b'", "published": ' + b"9" * 5000 + b"}",
    "infinity_json": b'{"text": "' + BODY.encode() + b'", "published": Infinity, "title": NaN}',
    "wrong_types_jsonl": "\n".join(json.dumps({field: value, "text": BODY} if field != "text" else {field: value})
                                   for field in FIELDS
                                   for value in (1, 1.5, True, [BODY], {"a": BODY}, None)).encode(),
    "not_objects_jsonl": b'{"text": "x"}\n[1]\n"s"\n1\nnull\ntrue\n{\n}\n{"text": {"text": "x"}}\n',
    "truncated_warc_header": WARC_PLAIN[:60],
    "warc_bad_length": WARC_PLAIN.replace(b"Content-Length: ", b"Content-Length: 9", 1),
    "warc_negative_length": WARC_PLAIN.replace(b"Content-Length: ", b"Content-Length: -", 1),
    "warc_gzip_member_garbage": WARC[:200] + b"\x00garbage" + WARC[200:],
    "warc_only_header": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n",
    "gzip_header_only": b"\x1f\x8b",
    "gzip_of_gzip": gzip.compress(gzip.compress(PAGE.encode())),
    "gzip_trailing_garbage": gzip.compress(PAGE.encode()) + b"trailing junk",
    "long_line_of_brackets": b"Title\n\n" + b"[" * 300_000,
    "long_line_of_md_links": b"Title\n\n" + b"[a](" * 100_000,
    "long_line_of_images": b"Title\n\n" + b"![" * 150_000,
    "many_hard_wrapped_lines": b"Title\n\n" + b"and more\n" * 200_000,
    "many_blank_lines": b"\n" * 1_000_000 + BODY.encode(),
    "million_short_lines": b"Title\n" + b"A\n" * 1_000_000,
    "hundred_thousand_paragraphs": b"<html><body><article>" + b"<p>The ferry sails.</p>" * 100_000 + b"</article></body></html>",
    "control_characters": b"Title\n\n" + bytes(range(1, 9)) * 10 + BODY.encode(),
    "script_only_page": b"<html><body><script>" + b"x" * 100_000 + b"</script></body></html>",
    "bidi_and_zero_width": ("Ferry\n\n" + "\u202e\u200b\u2066" * 1000 + BODY).encode(),
}

# Each of these must fail with an error; a clean article from them would mean the attack got through.
MUST_FAIL = {"million_short_lines", "hundred_thousand_paragraphs", "billion_laughs_rss", "billion_laughs_padded", "xxe_rss", "xxe_parameter_entity", "xxe_atom_lowercase",
             "nul_everywhere", "utf16_bom_lone_surrogate", "gzip_header_only", "truncated_warc_header"}

RUNNER = textwrap.dedent("""
    import json, resource, signal, sys, time
    from wiretrace.errors import InputError
    from wiretrace.ingest import build_article
    from wiretrace.ingest.readers import ReadOptions, read_documents

    def alarm(signum, frame):
        raise TimeoutError("hang")

    def run(path, options):
        out = []
        for item in read_documents(path, options):
            if isinstance(item, InputError):
                out.append(["error", type(item).__name__, str(item)])
                continue
            try:
                article = build_article(item)
                out.append(["article", article.words, article.text[:2000], article.title])
            except InputError as exc:
                out.append(["error", type(exc).__name__, str(exc)])
        return out

    jobs = json.loads(sys.argv[1])
    run(sys.argv[2], ReadOptions())  # warm-up: lazy imports and parser set-up are not the document's cost
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    signal.signal(signal.SIGALRM, alarm)
    reports = {}
    for path, max_bytes, seconds in jobs:
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            results = run(path, ReadOptions(max_bytes=max_bytes))
        except TimeoutError:
            results = [["hang"]]
        signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        # ru_maxrss is a high-water mark: its rise over the baseline bounds this document's peak.
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        reports[path] = {"results": results, "seconds": elapsed, "rss_growth_mb": growth}
    print(json.dumps(reports))
""")


def run_isolated(paths: list[Path], tmp_path: Path, seconds: float = 60.0,
                 max_bytes: int = ReadOptions().max_bytes) -> dict[str, dict]:
    """Read and build files in a fresh interpreter, each under a time bound, and measure its memory."""
    warm = tmp_path / "warm.html"
    warm.write_text(PAGE, encoding="utf-8")
    jobs = json.dumps([[str(p), max_bytes, seconds] for p in paths])
    proc = subprocess.run([sys.executable, "-c", RUNNER, jobs, str(warm)], capture_output=True, text=True,
                          timeout=seconds * len(paths) + 60)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    reports = json.loads(proc.stdout)
    for path, report in reports.items():
        assert report["results"] != [["hang"]], f"{path}: over {seconds:.0f} s"
        for kind, *rest in report["results"]:
            if kind == "error":
                name, message = rest
                assert message.startswith(path) and "\n" not in message, message
                assert not any(leak in message for leak in INTERNALS), message
    return reports


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
    reports = run_isolated([folder / name for name in HOSTILE], folder)
    return {Path(path).name: report for path, report in reports.items()}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input(name, hostile_reports):
    COUNTS["hostile"] += 1
    report = hostile_reports[name]
    assert report["results"], "no article and no error"
    assert report["seconds"] < 60, f"{report['seconds']:.1f} s"
    assert report["rss_growth_mb"] < MAX_RSS_GROWTH_MB, f"{report['rss_growth_mb']:.0f} MB"
    articles = [r for r in report["results"] if r[0] == "article"]
    texts = " ".join(str(r[2]) + " " + str(r[3]) for r in articles)
    assert "root:" not in texts and "lollollol" not in texts, "an entity was expanded"
    if name in MUST_FAIL:
        assert not articles, articles


def test_feed_entities_are_refused_with_a_reason(tmp_path):
    for name in ("billion_laughs_rss", "billion_laughs_padded", "xxe_rss", "xxe_parameter_entity"):
        (error,) = run_document("hostile", HOSTILE[name])
        assert isinstance(error, InputError) and "entity" in error.problem, error


@pytest.mark.parametrize("seed", [WARC, WARC_PLAIN, gzip.compress(PAGE.encode()), gzip.compress(JSONL.encode())],
                         ids=["warc.gz", "warc", "html.gz", "jsonl.gz"])
def test_every_truncation_point(seed):
    """A file cut off at any byte gives the records before the cut, or an error; never a crash."""
    step = max(1, len(seed) // 150)
    for cut in range(0, len(seed), step):
        run_document("truncation", seed[:cut] if cut else seed[:1])


def test_the_cli_reports_hostile_files_one_line_each(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    names = ["billion_laughs_rss", "xxe_rss", "nul_everywhere", "utf16_bom_lone_surrogate", "gzip_header_only",
             "truncated_warc_header", "not_objects_jsonl"]
    for name in names:
        (folder / name).write_bytes(HOSTILE[name])
    proc = subprocess.run([sys.executable, "-m", "wiretrace.cli", "--db", str(tmp_path / "s.db"), "ingest", str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith(f"wiretrace: {folder}/") for line in lines), lines
    assert {Path(line.split(":")[1].strip()).name for line in lines} >= set(names) - {"not_objects_jsonl"}


# -- very large documents (slow) ------------------------------------------------------------------------
def _big_line_files(folder: Path, size: int) -> dict[str, Path]:
    """One single line of about `size` bytes, as text, HTML, a JSONL record and a gzip of the text."""
    unit = "The ferry sails at noon and the council pays for it "
    line = (unit * (size // len(unit) + 1))[:size]
    files = {
        "text": ("Ferry\n\n" + line).encode(),
        "text_no_newline": line.encode(),
        "html": f"<html><body><article><p>{line}</p></article></body></html>".encode(),
        "jsonl": json.dumps({"text": line, "title": "Ferry"}).encode(),
        "brackets": b"Ferry\n\n" + b"[a](" * (size // 4),
        "rss": RSS.replace(f"<p>{BODY}</p>", f"<p>{line}</p>").encode(),
        "warc": warc_bytes([("https://a.example/big", f"<html><body><p>{line}</p></body></html>".encode(), "text/html")]),
    }
    files["text_gz"] = gzip.compress(files["text"], compresslevel=1)
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"big-{name}"
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("size", [2_000_000, pytest.param(19_000_000, marks=pytest.mark.slow)])
def test_single_huge_line(size, tmp_path):
    files = _big_line_files(tmp_path, size)
    reports = run_isolated(list(files.values()), tmp_path, seconds=SECONDS_PER_BIG_DOCUMENT)
    for name, path in files.items():
        COUNTS["huge_line"] += 1
        report = reports[str(path)]
        assert report["results"], name
        assert report["seconds"] < SECONDS_PER_BIG_DOCUMENT, (name, report["seconds"])
        # Bounded by a multiple of the input (itself bounded by --max-bytes), never by what it expands to.
        assert report["rss_growth_mb"] < 200 + 40 * size / 1e6, (name, report["rss_growth_mb"])


@pytest.mark.slow
def test_100_mb_single_line_is_refused_early(tmp_path):
    path = Path(tmp_path) / "huge.txt"
    with path.open("wb") as fh:
        chunk = b"word " * 200_000
        for _ in range(100):
            fh.write(chunk)
    COUNTS["huge_line"] += 1
    (report,) = run_isolated([path], tmp_path).values()
    ((kind, name, message),) = report["results"]
    assert kind == "error" and name == "InputTooLarge" and "--max-bytes" in message
    assert report["seconds"] < 5 and report["rss_growth_mb"] < 50
    bomb = Path(tmp_path) / "huge.txt.gz"
    bomb.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9))
    path.unlink()
    (report,) = run_isolated([bomb], tmp_path).values()
    ((kind, name, message),) = report["results"]
    assert kind == "error" and name == "InputTooLarge" and "decompression bomb" in message
    assert report["rss_growth_mb"] < 200


def test_too_large_is_an_input_error_not_a_memory_error():
    results = run_document("hostile", b"x" * 5000, ReadOptions(max_bytes=1000))
    assert len(results) == 1 and isinstance(results[0], InputTooLarge)
