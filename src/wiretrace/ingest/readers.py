"""Readers: turn files (text, HTML, JSONL, WARC, RSS/Atom, gzip of any of them) into `RawDocument`s.

The format is chosen by looking at the bytes, not the extension, because scrapers name files
carelessly. Every problem becomes an `InputError` naming the file (and record) and the problem; a
broken record in a multi-record file does not stop the records around it.
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wiretrace.errors import EncodingProblem, InputError, InputTooLarge, NoArticle, UnsupportedFormat
from wiretrace.models import RawDocument

FORMATS = ("text", "html", "jsonl", "warc", "rss")
_BINARY_SIGNATURES = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"SQLite format 3": "a SQLite database",
}


@dataclass(frozen=True)
class ReadOptions:
    """Limits that protect a run from one bad file.

    Attributes:
        max_bytes: largest input accepted, before and after decompression (default 20 MB).
        max_records: most documents taken from one JSONL, WARC or feed file.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_records: int = 100_000


def expand_paths(patterns: list[str]) -> Iterator[str]:
    """Files named by paths, directories (recursively, sorted) and globs; '-' stays as stdin."""
    for pattern in patterns:
        if pattern == "-":
            yield pattern
            continue
        path = Path(pattern)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield str(Path(root) / name)
        elif path.exists():
            yield str(path)
        else:
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise InputError(pattern, "no such file or directory")
            yield from expand_paths(matches)


def load_bytes(path: str, options: ReadOptions, stdin: BinaryIO | None = None) -> bytes:
    """Read a file (or stdin) up to the size limit, decompressing gzip with a bomb guard."""
    label = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = (stdin or io.BytesIO()).read(options.max_bytes + 1)
        else:
            size = os.path.getsize(path)
            if size > options.max_bytes:
                raise InputTooLarge(label, f"file is {size:,} bytes, over the limit of {options.max_bytes:,}"
                                    " (raise it with --max-bytes)")
            with open(path, "rb") as fh:
                data = fh.read(options.max_bytes + 1)
    except OSError as exc:
        raise InputError(label, exc.strerror or str(exc)) from exc
    if len(data) > options.max_bytes:
        raise InputTooLarge(
            label, f"input is over the limit of {options.max_bytes:,} bytes (raise it with --max-bytes)"
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(label, data, options.max_bytes)
    return data


def _gunzip(label: str, data: bytes, limit: int) -> bytes:
    """Decompress gzip (all members) without ever holding more than `limit` bytes of output."""
    out = bytearray()
    remaining = data
    try:
        while remaining:
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            chunk = decomp.decompress(remaining, limit + 1 - len(out))
            out += chunk
            if len(out) > limit:
                raise InputTooLarge(label, f"decompresses to over {limit:,} bytes (possible decompression bomb)")
            if not decomp.eof:
                if decomp.unconsumed_tail:
                    raise InputTooLarge(label, f"decompresses to over {limit:,} bytes (possible decompression bomb)")
                raise InputError(label, "truncated gzip data")
            remaining = decomp.unused_data.lstrip(b"\x00")
    except zlib.error as exc:
        raise InputError(label, f"corrupt gzip data ({exc})") from exc
    return bytes(out)


def decode_text(label: str, data: bytes, declared: str | None = None) -> str:
    """Bytes to str: BOMs first, then UTF-8, then a declared charset, then detection."""
    if not data.strip():
        raise NoArticle(label, "empty file")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingProblem(label, f"invalid {codec} after its byte-order mark ({exc.reason})") from exc
    _reject_binary(label, data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:200_000]))
    best = matches[0] if matches else None
    # Short Western text fits many single-byte codecs equally well; for news, windows-1252 is the
    # likely one, so it wins a near tie.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if best is not None and western is not None and western.chaos <= best.chaos + 0.05 \
            and western.coherence >= best.coherence - 0.05:
        best = western
    if best is None or best.encoding is None:
        raise EncodingProblem(label, "unknown text encoding (not UTF-8 and not recognisable)")
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise EncodingProblem(label, f"unknown text encoding (guessed {best.encoding}, which fails)") from exc


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])  # C0 control bytes except \t \n \v \f \r


def _reject_binary(label: str, data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnsupportedFormat(
                label, f"{what} is not a supported input ({', '.join(FORMATS)}); convert it to text first"
            )
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # bytes.translate: no Python loop per byte
    if b"\x00" in head or controls > len(head) * 0.05:
        raise UnsupportedFormat(label, f"binary data, not a supported input ({', '.join(FORMATS)})")


def sniff_format(data: bytes) -> str:
    """Guess the format from the first bytes of (decompressed) content."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed") or head.startswith(b"<rdf"):
        root = _xml_root(data)
        if root in (b"rss", b"feed", b"rdf:rdf") or re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head):
            return "rss"
        if root == b"html":
            return "html"
        if b"<html" in head:
            return "html"
        return "rss" if b"<channel" in head or b"<entry" in head else "html"
    if head.startswith((b"<!doctype html", b"<html")) or re.match(rb"<(head|body|meta|div|p)[\s>]", head):
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    if re.search(rb"<html[\s>]", head) and re.search(rb"<body[\s>]", data[:200_000].lower()):
        return "html"
    return "text"


_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!doctype[^\[>]*(\[.*?\]\s*)?>)", re.S | re.I)


def _xml_root(data: bytes, window: int = 1024 * 1024) -> bytes | None:
    """The lowercased name of the root element, past any declarations, comments and DOCTYPE in the prolog.

    A long comment or a padded DOCTYPE must not hide that a file is a feed.
    """
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    head = data[:window]
    while match := _PROLOG_ITEM.match(head, pos):
        pos = match.end()
    root = re.compile(rb"\s*<([a-zA-Z][\w:.\-]*)").match(head, pos)
    return root.group(1).lower() if root else None


def read_documents(
    path: str, options: ReadOptions, stdin: BinaryIO | None = None
) -> Iterator[RawDocument | InputError]:
    """All documents in one file, each a `RawDocument` or the `InputError` for that record."""
    label = "<stdin>" if path == "-" else path
    try:
        data = load_bytes(path, options, stdin)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: sniff and read it as UTF-8
            data = decode_text(label, data).encode("utf-8")
        if not data.strip():
            raise NoArticle(label, "empty file")
        fmt = sniff_format(data)
        if fmt != "warc":
            _reject_binary(label, data)
    except InputError as exc:
        yield exc
        return
    reader = {"text": _read_text, "html": _read_html, "jsonl": _read_jsonl, "warc": _read_warc, "rss": _read_rss}[fmt]
    try:
        yield from reader(label, data, options)
    except InputError as exc:
        yield exc


def _read_text(label: str, data: bytes, options: ReadOptions) -> Iterator[RawDocument]:
    yield RawDocument(source=label, format="text", text=decode_text(label, data))


def _html_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset=["']?([a-zA-Z0-9_\-]+)""", data[:4096], re.I)
    return match.group(1).decode("ascii") if match else None


def _read_html(label: str, data: bytes, options: ReadOptions) -> Iterator[RawDocument]:
    yield RawDocument(source=label, format="html", html=decode_text(label, data, _html_charset(data)))


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages ("an array", not "list")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds = ((dict, "an object"), (list, "an array"), (str, "a string"), ((int, float), "a number"))
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def _str_field(record: dict, key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and key == "published":
        return str(value)
    if not isinstance(value, str):
        raise InputError(where, f"field {key!r} must be a string, not {_json_type(value)}")
    return value


def _read_jsonl(label: str, data: bytes, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    text = decode_text(label, data)
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label}:{number}"
        count += 1
        if count > options.max_records:
            yield InputError(label, f"more than {options.max_records:,} records; the rest were skipped")
            return
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError(where, f"expected a JSON object, got {_json_type(record)}")
            body, html = _str_field(record, "text", where), _str_field(record, "html", where)
            if not (body and body.strip()) and not (html and html.strip()):
                raise NoArticle(where, "record has neither 'text' nor 'html'")
            yield RawDocument(
                source=where, format="jsonl", text=body if body and body.strip() else None,
                html=None if body and body.strip() else html,
                url=_str_field(record, "url", where), title=_str_field(record, "title", where),
                published=_str_field(record, "published", where) or _str_field(record, "date", where),
                outlet=_str_field(record, "outlet", where), author=_str_field(record, "author", where),
            )
        except json.JSONDecodeError as exc:
            yield InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
        except ValueError as exc:  # e.g. an integer literal of more than 4,300 digits
            yield InputError(where, f"invalid JSON ({str(exc).split(';')[0]})")
        except RecursionError:
            yield InputError(where, "JSON nested too deeply")
        except InputError as exc:
            yield exc


def _read_warc(label: str, data: bytes, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = 0
    index = 0
    broken = False
    try:
        for record in ArchiveIterator(io.BytesIO(data), check_digests=False):
            index += 1
            if record.rec_type != "response":
                continue
            where = f"{label}#{index}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            found += 1
            if found > options.max_records:
                yield InputError(label, f"more than {options.max_records:,} records; the rest were skipped")
                return
            try:
                body = record.content_stream().read(options.max_bytes + 1)
                if len(body) > options.max_bytes:
                    raise InputTooLarge(where, "record body over the size limit")
                charset = re.search(r"charset=([\w\-]+)", ctype)
                html = decode_text(where, body, charset.group(1) if charset else _html_charset(body))
                yield RawDocument(source=where, format="warc", html=html, url=url,
                                  published=record.rec_headers.get_header("WARC-Date"))
            except InputError as exc:
                yield exc
            except Exception as exc:  # a broken record body (bad chunking, bad gzip) spoils that record only
                yield InputError(where, f"broken WARC record ({type(exc).__name__}: {exc})")
    except ArchiveLoadFailed as exc:
        broken = True
        yield InputError(label, f"broken WARC file ({str(exc).splitlines()[0]})")
    except Exception as exc:  # warcio raises assorted errors on truncated streams
        broken = True
        # warcio's own failures on a cut-off header are programming errors (None.startswith): say what they mean.
        internal = isinstance(exc, (AttributeError, TypeError, KeyError, IndexError))
        detail = "truncated or malformed record header" if internal else f"{type(exc).__name__}: {exc}"
        yield InputError(label, f"broken WARC file after record {index} ({detail})")
    if found == 0 and not broken:
        yield NoArticle(label, "WARC file has no HTML response records")


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _valid_char_ref(match: re.Match) -> bytes:
    """A numeric character reference to a surrogate, NUL or past U+10FFFF becomes U+FFFD (feedparser crashes)."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return match.group(0) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def _read_rss(label: str, data: bytes, options: ReadOptions) -> Iterator[RawDocument | InputError]:
    import feedparser

    # Anywhere in the file, not just the head: white space or a comment can push the DTD down.
    if re.search(rb"<!ENTITY", data, re.I):
        raise InputError(label, "XML entity declarations are not allowed in feeds (entity expansion / XXE)")
    data = _CHAR_REF.sub(_valid_char_ref, data)
    try:
        feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser's fallback parser raises assorted errors on hostile markup
        raise InputError(label, f"broken feed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})") from exc
    if not feed.entries:
        problem = feed.get("bozo_exception")
        raise NoArticle(label, f"feed has no entries{f' ({problem})' if problem else ''}")
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries[: options.max_records], start=1):
        where = f"{label}#{number}"
        content = entry.get("content")
        html = content[0].get("value") if content else None
        html = html or entry.get("summary") or entry.get("description")
        if not html or not html.strip():
            problem = feed.get("bozo_exception")
            yield NoArticle(where, "feed entry has no content or summary"
                            + (f" (malformed feed: {problem})" if problem else ""))
            continue
        yield RawDocument(
            source=where, format="rss", html=html, url=entry.get("link"), title=entry.get("title"),
            published=entry.get("published") or entry.get("updated"), outlet=outlet, author=entry.get("author"),
        )
