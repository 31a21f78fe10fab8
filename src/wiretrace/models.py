"""Plain dataclasses passed between pipeline stages.

Every span (`start`, `end`) is a character offset into `Article.text`, the clean text, so any claim,
quote or figure can be shown in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

# -- stance vocabularies: one word per meaning, shared by the cross-check, `check` and the renderers ------
MentionStance = Literal["agree", "partial", "contradict"]
"""A mention's stance toward its claim group's representative (the dossier's `stance`): `agree` when each
entails the other, `partial` when only one way holds (one adds or drops detail), `contradict`."""
EvidenceStance = Literal["supports", "refutes", "neutral"]
"""An evidence sentence's stance toward a checked claim (`check`'s `stance`)."""
MENTION_STANCES: tuple[MentionStance, ...] = ("agree", "partial", "contradict")
EVIDENCE_STANCES: tuple[EvidenceStance, ...] = ("supports", "refutes", "neutral")


@dataclass(frozen=True)
class RawDocument:
    """One document as a reader found it, before cleaning: text or HTML plus whatever metadata it carried."""

    source: str
    format: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article, the unit the store keys everything on.

    `id` is derived from the normalized clean text, so the same article ingested twice, from any path or
    format, is the same row.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    words: int = 0
    path: str | None = None
    format: str | None = None

    @property
    def source_name(self) -> str:
        """Who published it, for display: the outlet, else the URL's host, else the article id.

        Never the title: a title shown where an outlet is expected reads as a publisher's name.
        """
        if self.outlet:
            return self.outlet
        try:
            host = urlsplit(self.url).hostname if self.url else None
        except ValueError:  # "http://[x" and other junk from the input
            host = None
        if host:
            return host.removeprefix("www.")
        return f"unknown outlet ({self.id[:8]})"

    @property
    def title_source(self) -> str | None:
        """'lead' when the title is a sentence of the text (the file had no headline), else 'headline'.

        Derived from the text rather than stored, so older stores answer it too.
        """
        if not self.title:
            return None
        return "lead" if self.title.removesuffix("…") in self.text[:5000] else "headline"

    def summary(self) -> dict[str, Any]:
        """The fields of the `articles --json` contract."""
        return {
            "id": self.id,
            "path": self.path,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "title_source": self.title_source,
            "published": self.published,
            "author": self.author,
            "words": self.words,
        }

    def to_dict(self) -> dict[str, Any]:
        """The `show --json` contract: the summary plus the clean text."""
        return {**self.summary(), "language": self.language, "format": self.format, "text": self.text}


@dataclass(frozen=True)
class IngestFailure:
    """A path (or record inside it) that could not be ingested, with a one-line reason."""

    path: str
    error: str


@dataclass
class IngestReport:
    """What one ingest run did: new article ids, ids already stored, and failures."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The `ingest --json` contract."""
        return {
            "ingested": list(self.ingested),
            "unchanged": list(self.unchanged),
            "failed": [asdict(f) for f in self.failed],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class CopyLink:
    """Article `article` is a near-duplicate or syndicated copy; `group` names its copy group.

    `copy_of` is the earliest member of the group (the likely original); it is None for that member.
    """

    article: str
    group: str
    copy_of: str | None
    similarity: float


@dataclass
class Event:
    """Articles about one happening."""

    id: str
    title: str
    articles: list[str]
    first_seen: str | None = None
    last_seen: str | None = None
    story: str | None = None


@dataclass
class Story:
    """Related events, e.g. the ban on resigning and its follow-ups."""

    id: str
    title: str
    events: list[str]
    articles: list[str]
    outlets: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(frozen=True)
class SentenceHit:
    """A sentence found by retrieval: where it is and how well it matched (higher is better)."""

    article: str
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Entity:
    """A named entity mention; `norm` is the canonical name shared by all its variants."""

    text: str
    label: str
    norm: str
    start: int
    end: int


@dataclass
class Claim:
    """A statement, quote or figure in one article, with where it came from.

    `attribution` runs outer to primary: ["The Guardian", "Reuters", "a source close to the
    finance ministry"]. Fields that do not apply to a kind are None.
    """

    id: str
    article: str
    kind: str  # "statement" | "quote" | "figure"
    text: str
    start: int
    end: int
    score: float = 0.0
    speaker: str | None = None
    speaker_description: str | None = None
    attribution: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    value: float | None = None
    unit: str | None = None
    subject: str | None = None
    qualifier: str | None = None
    as_of: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    entities: list[Entity] = field(default_factory=list)
    linked_to: str | None = None  # a rounded or hedged figure -> id of the exact figure it restates

    def to_dict(self) -> dict[str, Any]:
        """The `claims --json` contract."""
        data = asdict(self)
        data["entities"] = [asdict(e) for e in self.entities]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        """Inverse of `to_dict`, for the store."""
        fields = dict(data)
        fields["entities"] = [Entity(**e) for e in fields.get("entities") or []]
        return cls(**fields)


REVIEW_STATUSES = ("confirmed", "dismissed")


def finding_key(kind: str, type_: str, texts: Sequence[str]) -> str:
    """A finding's stable key: a hash of what it is (kind, type) and the texts it is about.

    Row ids, story ids and article order all change when articles are re-clustered or re-ingested; the
    texts a discrepancy compares (or the claim a verdict answers) do not, so a review made on one run
    still finds its finding on the next. Whitespace and case are folded and the texts sorted first.

    >>> finding_key("discrepancy", "number", ["B said 5", "A said 4"]) == finding_key(
    ...     "discrepancy", "number", ["a  said 4", "B said 5"])
    True
    """
    folded = sorted({" ".join(t.split()).casefold() for t in texts})
    digest = hashlib.sha256("\x1f".join([kind, type_, *folded]).encode("utf-8")).hexdigest()
    return digest[:16]


@dataclass
class Review:
    """A person's judgement of one finding (a discrepancy or a check verdict): labelled data for tuning.

    `about` keeps what the finding said when it was reviewed (type, texts, detail), so an export of
    reviews stands on its own even after the finding is gone from the store.
    """

    key: str
    status: str  # one of REVIEW_STATUSES
    note: str = ""
    by: str = ""
    at: str = ""  # ISO 8601 UTC time of the review
    about: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `reviews --format json` row and the dossier's `"review"`."""
        return asdict(self)
