"""Article metadata from wherever it shows: URL host and path, meta tags, datelines, self-mentions."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from importlib import resources
from urllib.parse import urlsplit

from wiretrace.models import Article

_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
_SELF_MENTION = re.compile(
    r"\b([A-Z][A-Za-z0-9]+(?:\.com|\.co\.uk|\.net|\.org|\.ru|\.news))\s+(?:has|have)\s+(?:learned|confirmed|obtained)"
)
# A wire dateline: "LAGOS, Nigeria (AP) — ..." or "NAIROBI (Reuters) - ...".
_WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]+,?(?: [A-Z][\w .'\-]{0,40})? \(([A-Z][A-Za-z]{1,11})\) ?[—–\-]")
_ENGLISH = frozenset(
    ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "at", "it", "from",
     "be", "has", "have", "are", "said", "his", "her", "not", "this"]
)
OUTLETS_FILE = "outlets.tsv"  # host, name, kind: major outlets and wire agencies, see its header


@functools.cache
def known_outlets() -> dict[str, tuple[str, str]]:
    """Host → (name, kind) from the packaged outlets list (hundreds of major outlets and wire agencies)."""
    text = resources.files("wiretrace.ingest").joinpath("data", OUTLETS_FILE).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {host.strip().lower(): (name.strip(), kind.strip()) for host, name, kind in rows[1:]}


def host_of(url: str | None) -> str | None:
    """The registrable-looking host of a URL, without `www.`."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def outlet_from_url(url: str | None) -> str | None:
    """A readable outlet name for a URL: a known name, else the host."""
    host = host_of(url)
    if host is None:
        return None
    known = known_outlets()
    parts = host.lower().split(".")
    for i in range(len(parts) - 1):  # the longest listed suffix wins: "news.sky.com" before "sky.com"
        if (entry := known.get(".".join(parts[i:]))) is not None:
            return entry[0]
    return host


def self_mention(text: str) -> str | None:
    """An outlet that names itself in its text ("Example.com has learned")."""
    match = _SELF_MENTION.search(text[:5000])
    return match.group(1) if match else None


def wire_agency(text: str) -> str | None:
    """The agency of a wire dateline opening the text ("LAGOS, Nigeria (AP) — ..." gives "AP")."""
    match = _WIRE_DATELINE.match(text[:300])
    return match.group(1) if match else None


def date_from_url(url: str | None) -> str | None:
    """ISO date from a URL path such as /2023/05/15/."""
    if not url:
        return None
    try:
        match = _URL_DATE.search(urlsplit(url).path)
    except ValueError:  # "http://[x": not a URL
        return None
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def normalize_date(value: str | None) -> str | None:
    """Any date string (ISO, RFC 822, 'May 15, 2023') to an ISO date, or None if it is not a date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):  # unix timestamp
        try:
            return dt.datetime.fromtimestamp(float(value), tz=dt.UTC).date().isoformat()
        except (OverflowError, ValueError, OSError):
            return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    from dateutil import parser

    try:
        parsed = parser.parse(value, fuzzy=False, default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year < 1900 or parsed.year > 2100:
        return None
    return parsed.date().isoformat()


def guess_language(text: str) -> str | None:
    """'en' when the text reads as English, else None (wiretrace's models are English-only)."""
    words = re.findall(r"[a-z]+", text[:5000].lower())
    if len(words) < 5:
        return None
    share = sum(1 for w in words if w in _ENGLISH) / len(words)
    return "en" if share > 0.12 else None


def count_words(text: str) -> int:
    """Number of word tokens."""
    return len(re.findall(r"\d+(?:[.,]\d+)+|\w+(?:[’'\-]\w+)*", text))


def metadata_warnings(articles: Sequence[Article]) -> list[str]:
    """What a reader of a dossier must know: how many articles have no outlet or no date.

    Without an outlet, independence between sources cannot be judged; without a date, order and
    "who said it first" cannot.
    """
    fix = "state them with: wiretrace ingest --manifest FILE (or --outlet, --published)"
    warnings = []
    no_outlet = sum(1 for a in articles if not a.outlet and not host_of(a.url))
    no_date = sum(1 for a in articles if not a.published)
    if no_outlet:
        warnings.append(f"{no_outlet} of {len(articles)} articles have no outlet; {fix}")
    if no_date:
        warnings.append(f"{no_date} of {len(articles)} articles have no date; {fix}")
    return warnings
