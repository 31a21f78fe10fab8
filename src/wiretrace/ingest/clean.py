"""Cleaning: scraper boilerplate out, Unicode and white space normalized, paragraphs kept.

The clean text is what every later stage points into with character offsets, so cleaning is a pure,
idempotent function: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from wiretrace.ingest.dates import MONTH_NAME

# Lines that are never article text.
_BOILERPLATE = re.compile(
    r"""^(
        comments?\ (are|is)\ closed\.?
      | (leave|post|add)\ a\ comment.*
      | real\ time\ analytics
      | tags?:?
      | (share|tweet|email|print)(\ (this|on|via)\b.*)?
      | share\ (this\ )?(article|story)(\ on\ \w+)?:?
      | (click|tap)\ here\b.*
      | (subscribe|sign\ up)\b.{0,80}
      | .{0,80}\bsubscribe\ now\.?
      | follow\ us\b.{0,80}
      | (read|see)\ (more|also)\b.{0,120}
      | (related|recommended|more\ from\ \w+|most\ read)(\ (articles?|stories|coverage|content|reading))?(:.{0,150})?
      | advertisement
      | (copyright\ ?©?|©|\(c\))\ ?\d{4}\b.{0,100}
      | ©.{0,100}
      | all\ rights\ reserved\.?
      | @\w+
      | key\ points:?
      | (image|photo|video)(\ credit)?:\ .{0,120}
      | loading\.*|skip\ to\ (main\ )?content|back\ to\ top
      | \[?(advertisement|ad)\]?
    )$""",
    re.I | re.X,
)

# Credit lines under photos: "Reuters", "AFP via Getty Images", "(Photo by X/Getty Images)".
_CREDIT = re.compile(
    r"""^\(?(photo(graph)?:?\ |image:?\ |credit:?\ |photo\ by\ )?
        ([\w.\-' ]{0,60}/)?
        (reuters|ap|associated\ press|afp|getty\ images|[\w .\-]{0,40}\ via\ getty\ images|shutterstock|epa(-efe)?
         |ap\ photo(/[\w .\-]+)?|tass|xinhua|sputnik|anadolu(\ agency)?|bloomberg|pool)\)?\.?$""",
    re.I | re.X,
)
# A credit line that names the photographer: "Photo: Jane Doe/AP", "Picture by J. Smith".
_PHOTO_CREDIT = re.compile(r"^\(?(photo(graph)?|picture|image|credit)s?(\ by|:)\s*[^.!?]{1,80}\)?$", re.I)
# A caption that ends with its own credit: "... in Paris. JANE DOE/AFP via Getty Images".
_INLINE_CREDIT = re.compile(
    r"(\b[A-Z][A-Z .\-']+/)?(AFP|AP|Reuters|EPA|Getty Images|[A-Z][\w .\-]+ via Getty Images|Shutterstock)\)?\s*$"
)
_CREDIT_ENDINGS = ("AFP", "AP", "Reuters", "EPA", "Getty Images", "Shutterstock")
# No "[" inside the brackets and only balanced "(...)" inside the parentheses: each match attempt stops
# at the next opening bracket, so a line of ten thousand "[" costs linear time, not quadratic.
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\((?:[^()]|\([^()]*\))*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)")
_BARE_LINK_LINE = re.compile(r"^(\[[^\]]*\]\([^)]*\)\s*)+$|^<?https?://\S+>?$")
_BULLET = re.compile(r"^(?:(?:[•·▪●◦‣∙*\-–]|\d+[.)])\s+)+")  # nested markers ("- - x") go in one pass
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]]$")
# A headline shouted in capitals between paragraphs: a link to another story ("GOV. MURPHY $55.9B BUDGET
# FEATURES SPENDING HIKES"). Five words at least, so a capitalised dateline or a short subhead stays.
_SHOUTING_MIN_WORDS = 5
# A staff biography: "Jane Doe is a senior reporter for the Herald. Send tips to …"; the subject is a
# name (two to four capitalised words), not "The mayor" or "She".
_BIO = re.compile(
    r"^(?!(?i:the|a|an|this|that|he|she|it|they|we)\ )(?:[A-Z][\w.'’\-]*\ ){2,4}is\ (?:an?|the)\ (?:[\w\-]+\ ){0,4}"
    r"(?:writer|reporter|editor|correspondent|columnist|journalist|contributor|producer|staff\ writer)\b",
    re.X,
)


@dataclass(frozen=True)
class CleanOptions:
    """Which families of lines cleaning drops; each can be switched off.

    `eval/extraction.py --loo` chooses these on seven Fundus outlets and scores the eighth, so a family
    that only helps the outlet it was written for is switched off there (a tie goes to off). A family
    that changes nothing on those HTML pages (boilerplate, credits, captions: trafilatura and the
    link-only rule already leave those lines out) stays on for the plain-text scrapes it was written
    for; `shouting` is off, since on HTML it dropped real subheads and the links it was after go by
    `HtmlOptions.link_share`.

    Attributes:
        boilerplate: share/subscribe/copyright/"read more" lines (`_BOILERPLATE`), bare link lines.
        credits: photo credit lines ("Reuters", "AP Photo/Jane Doe", "Photo: …").
        captions: a caption followed by its credit, a caption ending in its own credit.
        title: body lines that repeat the title.
        shouting: headlines in capitals between paragraphs (links to other stories in a scrape that
            lost its links; off by default, since a subhead in capitals looks the same).
        bios: a staff biography in the last three paragraphs ("X is a reporter for …").
    """

    boilerplate: bool = True
    credits: bool = True
    captions: bool = True
    title: bool = True
    shouting: bool = False
    bios: bool = True


@dataclass(frozen=True)
class ScrapedText:
    """What the plain-text reader found around the body of a scraped article."""

    title: str | None
    body: str
    url: str | None
    dateline: str | None


def normalize_unicode(text: str) -> str:
    """NFC, no control or zero-width characters, one kind of space, Unix newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    return _CONTROL.sub("", text)


def _is_caption_pair(line: str, following: str) -> bool:
    """A short headline-like line followed by a photo credit is a caption.

    Captions rarely end like a sentence; a full sentence before a credit line is kept, since the
    credit may belong to a photo the scraper dropped.
    """
    credit = _CREDIT.match(following) or _PHOTO_CREDIT.match(following)
    headline_like = not _SENTENCE_END.search(line) or len(line.split()) < 8
    return bool(credit) and len(line) < 200 and headline_like


def _is_inline_caption(line: str) -> bool:
    """A caption line that carries its own agency credit at the end."""
    if len(line) > 400 or not line.rstrip(") ").endswith(_CREDIT_ENDINGS):  # cheap test before the regex
        return False
    if not _INLINE_CREDIT.search(line[-150:]):
        return False
    head = _INLINE_CREDIT.sub("", line).strip()
    return bool(head) and len(head) < 300 and ("/" in line[-60:] or "via Getty" in line or line.endswith(")"))


def _strip_markup(line: str) -> str:
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
    line = re.sub(r"^#{1,6}\s+", "", line)
    return _BULLET.sub("", line)


def _filter_lines(lines: list[str], title: str | None, options: CleanOptions) -> list[str]:
    title_key = _key(title) if title and options.title else None
    kept: list[str] = []
    skip_next_tags = False
    followers = _following_lines(lines)
    for raw, following in zip(lines, followers, strict=True):
        line = raw.strip()
        if not line:
            kept.append("")
            continue
        if skip_next_tags:
            skip_next_tags = False
            if "," in line and not _SENTENCE_END.search(line):
                continue
        if options.boilerplate and re.fullmatch(r"tags?:?", line, re.I):
            skip_next_tags = True
            continue
        if options.boilerplate and (
            _BARE_LINK_LINE.match(line) or re.match(r"^\*\*related( article)?s?:?\*\*", line, re.I)
        ):
            continue
        stripped = _strip_markup(line).strip()
        if not stripped or (options.boilerplate and _BOILERPLATE.match(stripped)):
            continue
        if options.credits and _CREDIT.match(stripped):
            continue
        if title_key and len(stripped) <= 2 * len(title_key) + 10 and _key(stripped) == title_key:
            continue
        if options.captions and (_is_caption_pair(stripped, following) or _is_inline_caption(stripped)):
            continue
        if options.shouting and is_shouting(stripped):
            continue
        kept.append(stripped)
    return _drop_bio(kept) if options.bios else kept


def is_shouting(line: str) -> bool:
    """Whether a line is a headline in capitals (five words or more, no lowercase letter)."""
    if len(line) > 300 or len(line.split()) < _SHOUTING_MIN_WORDS:
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 20 and not any(c.islower() for c in letters)


def _drop_bio(lines: list[str]) -> list[str]:
    """Lines without a staff biography among the last three non-blank lines."""
    tail = [i for i, line in enumerate(lines) if line][-3:]
    drop = {i for i in tail if len(lines[i]) < 600 and _BIO.match(lines[i])}
    return [line for i, line in enumerate(lines) if i not in drop] if drop else lines


def _following_lines(lines: list[str]) -> list[str]:
    """For each line, the next non-blank line after it ('' at the end)."""
    followers = [""] * len(lines)
    following = ""
    for i in range(len(lines) - 1, -1, -1):
        followers[i] = following
        if lines[i].strip():
            following = lines[i].strip()
    return followers


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def _join_paragraphs(lines: list[str]) -> list[str]:
    """Lines to paragraphs.

    Scrapers put one paragraph per line, or paragraphs between blank lines, or hard-wrap lines: a line
    is its own paragraph unless it continues the previous one (no sentence end before it and a lowercase
    start), which also rejoins a quote broken over a blank line ("…it was also" / "hinted at…").
    """
    merged: list[list[str]] = []
    for line in lines:
        if not line:
            continue
        # Whether a paragraph is open depends only on how it ends, so only its last line is looked at and
        # lines are joined once at the end: linear in the text, even for 100,000 hard-wrapped lines.
        if merged and _continues(merged[-1][-1], line):
            merged[-1].append(line)
        else:
            merged.append([line])
    return [" ".join(parts) for parts in merged]


def _continues(previous: str, line: str) -> bool:
    if not line[:1].islower():
        return False
    return _open_quote(previous) or not _SENTENCE_END.search(previous)


def _open_quote(paragraph: str) -> bool:
    opens = paragraph.count("“")
    closes = paragraph.count("”")
    straight = paragraph.count('"')
    return (opens > closes or straight % 2 == 1) and not _SENTENCE_END.search(paragraph)


def clean_text(text: str, title: str | None = None, options: CleanOptions | None = None) -> str:
    """Boilerplate-free body text, paragraphs separated by a blank line.

    Args:
        text: body text as scraped or as extracted from HTML.
        title: the article's title, so repeated title lines are dropped from the body.
        options: which families of lines to drop (default: all).

    Returns:
        Clean text; `clean_text(clean_text(t, title), title) == clean_text(t, title)`.
    """
    options = options or CleanOptions()
    result = normalize_unicode(text)
    for _ in range(4):  # boilerplate can hide boilerplate (a credit under a caption); run to a fixed point
        lines = [_SPACES.sub(" ", line).strip() for line in result.split("\n")]
        paragraphs = _join_paragraphs(_filter_lines(lines, title, options))
        cleaned = "\n\n".join(paragraphs).strip()
        if cleaned == result:
            break
        result = cleaned
    return result


_DATELINE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    + MONTH_NAME + r"\.?\s+\d{1,2},?\s+\d{4}"
    r"(?:\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?(?:\s+[A-Z]{2,4})?)?$"
    r"|^\d{1,2}\s+" + MONTH_NAME + r"\.?\s+\d{4}$"
    r"|^\d{4}-\d{2}-\d{2}(?:[T ][\d:]+Z?)?$",
    re.I,
)
_ORIGINAL_URL = re.compile(r"^(?:original\s+url|source(?:\s+url)?|url)\s*:\s*<?(\S*?)>?\s*$", re.I)


def split_scraped_text(text: str) -> ScrapedText:
    """Find the title (first line or `# Title`), a dateline and a trailing `Original url:` in scraped text."""
    lines = normalize_unicode(text).split("\n")
    url = None
    for i in range(len(lines) - 1, max(-1, len(lines) - 8), -1):
        match = _ORIGINAL_URL.match(lines[i].strip())
        if match:
            url = match.group(1) or next(
                (x.strip().strip("<>") for x in lines[i + 1 :] if x.strip()), None
            )
            lines = lines[:i]
            break
    title = None
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start < len(lines):
        title = _strip_markup(lines[start].strip()).strip() or None
        lines = lines[start + 1 :]
    dateline = None
    for i, line in enumerate(lines[:12]):
        if _DATELINE.match(line.strip()):
            dateline = line.strip()
            lines = lines[:i] + lines[i + 1 :]
            break
    if not url or not re.match(r"^https?://", url):
        url = None
    return ScrapedText(title=title, body="\n".join(lines), url=url, dateline=dateline)


_AGENCY_DATELINE = re.compile(r"\((reuters|ap|afp|associated press|tass|xinhua|bloomberg|epa)\)", re.I)


def is_caption_title(title: str, body: str) -> bool:
    """Whether the first line of a scrape is a photo caption (or a credit), not the headline.

    A caption is followed by its credit line ("Reuters", "NAME/AFP via Getty Images") or carries one.
    A bare agency name under a headline is a byline instead when the body opens with that agency's
    dateline ("NAIROBI (Reuters) -"), so that case keeps its title.
    """
    line = _strip_markup(title.strip()).strip()
    if not line:
        return False
    if _CREDIT.match(line) or _PHOTO_CREDIT.match(line) or _is_inline_caption(line):
        return True
    following = next((x.strip() for x in body.split("\n") if x.strip()), "")
    if not _is_caption_pair(line, following):
        return False
    photo_credit = "/" in following or "getty" in following.casefold() or _PHOTO_CREDIT.match(following)
    return bool(photo_credit) or not _AGENCY_DATELINE.search(body[:1500])


_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Jr|Sr|No|Inc|Co|U\.S|U\.K)$")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’']?(?=\s+[\"“‘']?[A-Z0-9])")


def lead_title(text: str, limit: int = 160) -> str | None:
    """The lead sentence of clean text, to stand in for a headline the file does not have.

    The lead is the first paragraph that reads as prose (a sentence of eight words or more), past any
    "key points" bullets a scraper kept above it; cut at a word boundary with "…" past `limit`
    characters (a headline's length, not a paragraph's).
    """
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        return None
    prose = (p for p in paragraphs[:12] if _SENTENCE_END.search(p) and len(p.split()) >= 8)
    paragraph = next(prose, paragraphs[0])
    sentence = paragraph
    for match in _SENTENCE_BREAK.finditer(paragraph):
        if not _ABBREVIATION.search(paragraph[: match.start()]):
            sentence = paragraph[: match.end()]
            break
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–—- ") + "…"
    return sentence
