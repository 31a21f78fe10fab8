from __future__ import annotations

import gzip
import io
import json
import random

import pytest
from conftest import warc_bytes

from wiretrace.errors import EncodingProblem, InputError, InputTooLarge, NoArticle, UnsupportedFormat
from wiretrace.ingest.readers import ReadOptions, decode_text, expand_paths, load_bytes, read_documents, sniff_format
from wiretrace.models import RawDocument

BODY = "The harbour council voted on Monday to run a year-round ferry to the island, officials said."
PAGE = f"<!DOCTYPE html><html><head><title>Ferry</title></head><body><article><p>{BODY}</p></article></body></html>"
RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>The Observer</title>
<item><title>Ferry</title><link>https://observer.example/ferry</link><pubDate>Tue, 12 Mar 2024 08:00:00 +0100</pubDate>
<description><![CDATA[<p>{BODY}</p>]]></description></item></channel></rss>"""
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Outlet</title>
<entry><title>Ferry</title><link href="https://atom.example/ferry"/><updated>2024-03-12T08:00:00Z</updated>
<content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>"""


def read_all(tmp_path, name: str, data: bytes, options: ReadOptions | None = None) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_documents(str(path), options or ReadOptions()))


def only_error(items: list) -> InputError:
    assert len(items) == 1, items
    assert isinstance(items[0], InputError), items
    return items[0]


# -- sniffing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.0\r\n", "warc"),
        (b'<?xml version="1.0"?><rss version="2.0">', "rss"),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "rss"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"\xef\xbb\xbf  <html lang=en>", "html"),
        (b"<div><p>x</p></div>", "html"),
        (b'{"text": "x"}\n', "jsonl"),
        (b"Title\n\nBody text.", "text"),
        (b"# Title\n\nBody <html> mention but no body tag", "text"),
    ],
)
def test_sniff_format(head, expected):
    assert sniff_format(head) == expected


# -- each reader --------------------------------------------------------------------------------------
def test_text_reader(tmp_path):
    [doc] = read_all(tmp_path, "a.txt", f"Ferry approved\n\n{BODY}\n".encode())
    assert doc == RawDocument(source=str(tmp_path / "a.txt"), format="text", text=f"Ferry approved\n\n{BODY}\n")


def test_html_reader_uses_declared_charset(tmp_path):
    page = PAGE.replace("<head>", '<head><meta charset="windows-1252">').replace("ferry", "café ferry")
    [doc] = read_all(tmp_path, "a.html", page.encode("cp1252"))
    assert doc.format == "html" and "café ferry" in doc.html


def test_jsonl_reader_keeps_metadata(tmp_path):
    record = {"text": BODY, "url": "https://post.example/x", "title": "T", "published": 1710230400,
              "outlet": "Post", "author": "A"}
    [doc] = read_all(tmp_path, "a.jsonl", (json.dumps(record) + "\n\n").encode())
    assert (doc.source, doc.text, doc.url, doc.published, doc.outlet) == (
        f"{tmp_path / 'a.jsonl'}:1", BODY, "https://post.example/x", "1710230400", "Post")


def test_jsonl_html_record(tmp_path):
    [doc] = read_all(tmp_path, "a.jsonl", (json.dumps({"html": PAGE}) + "\n").encode())
    assert doc.html == PAGE and doc.text is None


def test_warc_reader_takes_html_responses_only(tmp_path):
    data = warc_bytes([("https://x.example/robots.txt", b"User-agent: *", "text/plain"),
                       ("https://x.example/ferry", PAGE.encode(), "text/html; charset=utf-8")])
    [doc] = read_all(tmp_path, "a.warc.gz", data)
    assert doc.format == "warc" and doc.url == "https://x.example/ferry" and BODY in doc.html
    assert doc.source.endswith("a.warc.gz#2")


@pytest.mark.parametrize(("feed", "outlet", "url"), [(RSS, "The Observer", "https://observer.example/ferry"),
                                                     (ATOM, "Atom Outlet", "https://atom.example/ferry")])
def test_feed_reader(tmp_path, feed, outlet, url):
    [doc] = read_all(tmp_path, "feed.xml", feed.encode())
    assert (doc.format, doc.outlet, doc.url, doc.title) == ("rss", outlet, url, "Ferry")
    assert BODY in doc.html and doc.published


def test_gzipped_text_is_read(tmp_path):
    [doc] = read_all(tmp_path, "a.txt.gz", gzip.compress(f"Title\n\n{BODY}".encode()))
    assert doc.text == f"Title\n\n{BODY}"


def test_stdin(tmp_path):
    [doc] = list(read_documents("-", ReadOptions(), io.BytesIO(f"Title\n\n{BODY}".encode())))
    assert doc.source == "<stdin>" and doc.format == "text"


# -- encodings --------------------------------------------------------------------------------------
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_byte_order_marks(tmp_path, codec):
    text = f"Café closes\n\n{BODY}"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    [doc] = read_all(tmp_path, "a.txt", data)
    assert doc.text == text


def test_utf16_html_is_sniffed_as_html(tmp_path):
    [doc] = read_all(tmp_path, "a.html", PAGE.encode("utf-16"))
    assert doc.format == "html" and BODY in doc.html


def test_legacy_encoding_is_detected():
    text = f"Café déjà vu\n\nLe maire a déclaré que le conseil se réunirait à nouveau lundi. {BODY}"
    assert decode_text("x", text.encode("cp1252")) == text


def test_unknown_encoding(tmp_path):
    rng = random.Random(1)
    error = only_error(read_all(tmp_path, "a.txt", bytes(rng.randrange(128, 256) for _ in range(3000))))
    assert isinstance(error, EncodingProblem) and "encoding" in error.problem


def test_invalid_utf16_after_bom():
    with pytest.raises(EncodingProblem, match="utf-16-le"):
        decode_text("x", b"\xff\xfe\x00\xd8")


# -- bad inputs --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (random.Random(0).randbytes(4096), "binary data"),
        (b"SQLite format 3\x00", "SQLite"),
    ],
)
def test_binary_files_are_rejected(tmp_path, data, what):
    error = only_error(read_all(tmp_path, "a.txt", data))
    assert isinstance(error, UnsupportedFormat) and what in error.problem
    assert "text, html, jsonl, warc, rss" in error.problem


@pytest.mark.parametrize("data", [b"", b"   \n\t\n"])
def test_empty_file(tmp_path, data):
    error = only_error(read_all(tmp_path, "a.txt", data))
    assert isinstance(error, NoArticle) and error.problem == "empty file"


def test_missing_path():
    with pytest.raises(InputError, match="no such file or directory"):
        list(expand_paths(["/nonexistent/dir/file.txt"]))


def test_unreadable_path_is_an_input_error(tmp_path):
    error = only_error(list(read_documents(str(tmp_path / "gone.txt"), ReadOptions())))
    assert error.path.endswith("gone.txt")


def test_file_over_size_limit(tmp_path):
    error = only_error(read_all(tmp_path, "big.txt", b"x" * 2000, ReadOptions(max_bytes=1000)))
    assert isinstance(error, InputTooLarge) and "--max-bytes" in error.problem and "2,000" in error.problem


def test_stdin_over_size_limit():
    [error] = list(read_documents("-", ReadOptions(max_bytes=100), io.BytesIO(b"x" * 500)))
    assert isinstance(error, InputTooLarge) and error.path == "<stdin>"


def test_gzip_bomb_is_stopped(tmp_path):
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 20_000
    error = only_error(read_all(tmp_path, "bomb.txt.gz", bomb, ReadOptions(max_bytes=1024 * 1024)))
    assert isinstance(error, InputTooLarge) and "decompression bomb" in error.problem


def test_gzip_bomb_never_decompresses_past_the_limit(tmp_path):
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(b"a" * 5_000_000))
    with pytest.raises(InputTooLarge):
        load_bytes(str(path), ReadOptions(max_bytes=100_000))


def test_truncated_gzip(tmp_path):
    data = gzip.compress(random.Random(0).randbytes(20_000))[:5000]
    error = only_error(read_all(tmp_path, "a.txt.gz", data))
    assert "truncated gzip" in error.problem


def test_corrupt_gzip(tmp_path):
    error = only_error(read_all(tmp_path, "a.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 40))
    assert "gzip" in error.problem


def test_truncated_warc(tmp_path):
    data = warc_bytes([(f"https://x.example/{i}", PAGE.encode(), "text/html") for i in range(3)])
    errors = [x for x in read_all(tmp_path, "a.warc.gz", data[: len(data) - 40]) if isinstance(x, InputError)]
    assert errors and "gzip" in errors[0].problem


def test_garbage_warc_record(tmp_path):
    data = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n"
    error = only_error(read_all(tmp_path, "a.warc", data))
    assert "broken WARC" in error.problem


def test_warc_without_html(tmp_path):
    error = only_error(read_all(tmp_path, "a.warc.gz", warc_bytes([("https://x.example/a.json", b"{}", "application/json")])))
    assert isinstance(error, NoArticle) and "no HTML response records" in error.problem


def test_good_warc_record_after_a_bad_one_is_kept(tmp_path):
    good = warc_bytes([("https://x.example/ok", PAGE.encode(), "text/html")])
    bad = warc_bytes([("https://x.example/bad", b"\x00\x01\x02" * 100, "text/html")])
    items = read_all(tmp_path, "a.warc.gz", bad + good)
    assert isinstance(items[0], InputError) and items[0].path.endswith("#1")
    assert isinstance(items[1], RawDocument) and items[1].url == "https://x.example/ok"


@pytest.mark.parametrize(
    "feed",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</title><descr',
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        b'<?xml version="1.0"?><rss version="2.0"><chan',
    ],
)
def test_broken_feed(tmp_path, feed):
    error = only_error(read_all(tmp_path, "feed.xml", feed))
    assert isinstance(error, NoArticle) and "feed" in error.problem


def test_feed_with_entity_declarations_is_refused(tmp_path):
    feed = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss version="2.0"><channel></channel></rss>'
    error = only_error(read_all(tmp_path, "feed.xml", feed))
    assert "entity" in error.problem


def test_broken_jsonl_lines_spoil_only_themselves(tmp_path):
    lines = [
        json.dumps({"text": BODY}),
        "{bad json",
        "[1, 2]",
        json.dumps({"text": 5}),
        json.dumps({"title": "no body"}),
        '"a string"',
        json.dumps({"text": BODY + " Second."}),
    ]
    items = read_all(tmp_path, "a.jsonl", "\n".join(lines).encode())
    assert [type(x).__name__ for x in items] == [
        "RawDocument", "InputError", "InputError", "InputError", "NoArticle", "InputError", "RawDocument"]
    problems = {x.path.rsplit(":", 1)[1]: x.problem for x in items if isinstance(x, InputError)}
    assert problems["2"].startswith("invalid JSON")
    assert problems["3"] == "expected a JSON object, got an array"
    assert problems["4"] == "field 'text' must be a string, not a number"
    assert problems["6"] == "expected a JSON object, got a string"


def test_jsonl_record_limit(tmp_path):
    data = "\n".join(json.dumps({"text": f"{BODY} {i}"}) for i in range(5)).encode()
    items = read_all(tmp_path, "a.jsonl", data, ReadOptions(max_records=3))
    assert len([x for x in items if isinstance(x, RawDocument)]) == 3
    assert "more than 3 records" in items[-1].problem


def test_deeply_nested_jsonl(tmp_path):
    error = only_error(read_all(tmp_path, "a.jsonl", b"{" + b'"a":[' * 100_000))
    assert "JSON" in error.problem


# -- paths ------------------------------------------------------------------------------------------------
def test_expand_paths_recursive_sorted_and_hidden_skipped(tmp_path):
    for name in ["b/z.txt", "b/a.txt", "a.txt", ".hidden/x.txt", "b/.secret.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BODY)
    assert [p[len(str(tmp_path)) + 1:] for p in expand_paths([str(tmp_path)])] == ["a.txt", "b/a.txt", "b/z.txt"]


def test_expand_paths_globs_and_stdin(tmp_path):
    for name in ["x1.txt", "x2.txt", "y.txt"]:
        (tmp_path / name).write_text(BODY)
    assert [p.rsplit("/", 1)[1] for p in expand_paths([str(tmp_path / "x*.txt")])] == ["x1.txt", "x2.txt"]
    assert list(expand_paths(["-"])) == ["-"]
    with pytest.raises(InputError, match="no such file"):
        list(expand_paths([str(tmp_path / "none*.txt")]))
