"""The cross-check's records: a claim as one article gives it, claim groups, and discrepancies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wiretrace.models import Article, Claim, MentionStance, finding_key


@dataclass
class Mention:
    """A claim as it appears in one article, with the source it counts for."""

    claim: Claim
    article: Article
    outlet: str
    source: str  # the copy group (copies count once)
    stance: MentionStance = "agree"
    event: str | None = None  # the story's event its article belongs to, where known
    probabilities: dict[str, float] = field(default_factory=dict)
    relay: str | None = None  # the outlet whose report the article retells (`sourcing.article_relay`)
    chain: tuple[str, ...] | None = None  # the chain the cross-check reads (`sourcing.read_chain`); None: the claim's

    @property
    def sources(self) -> tuple[str, ...]:
        """The attribution chain as read for independence and provenance (the claim's own until settled)."""
        return tuple(self.claim.attribution) if self.chain is None else self.chain

    def to_dict(self) -> dict[str, Any]:
        """The dossier's mention shape."""
        return {
            "claim": self.claim.id, "article": self.article.id, "url": self.article.url, "outlet": self.outlet,
            "kind": self.claim.kind,
            "text": self.claim.text, "start": self.claim.start, "end": self.claim.end, "stance": self.stance,
            "speaker": self.claim.speaker, "attribution": list(self.claim.attribution),
            "hedges": list(self.claim.hedges),
        }


@dataclass
class ClaimGroup:
    """Mentions of one claim across articles, with its status and where it came from."""

    id: str
    text: str
    kind: str
    mentions: list[Mention]
    status: str = "single-source"
    independent_sources: int = 1
    primary_source: str | None = None
    independent_of: list[str] = field(default_factory=list)  # the sources counted, one name each

    @property
    def articles(self) -> list[str]:
        """Articles that mention it, in mention order, once each."""
        return list(dict.fromkeys(m.article.id for m in self.mentions))

    def to_dict(self) -> dict[str, Any]:
        """The dossier's claim shape."""
        return {
            "id": self.id, "text": self.text, "kind": self.kind, "status": self.status, "articles": self.articles,
            "independent_sources": self.independent_sources, "independent_of": list(self.independent_of),
            "primary_source": self.primary_source, "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass
class Discrepancy:
    """Two mentions of one claim that disagree, and how."""

    type: str  # speaker | number | hedge | date | fact
    group: str
    mentions: list[Mention]
    detail: str
    confidence: float = 0.0  # set by `vetting.vet`: the train precision of candidates like it
    reason: str = ""  # one line naming the changed detail
    id: str = ""  # stable: a hash of `key`

    @property
    def key(self) -> str:
        """The stable finding key (`models.finding_key`) that a review of this discrepancy is stored under."""
        return finding_key("discrepancy", self.type, [m.claim.text for m in self.mentions])

    def to_dict(self) -> dict[str, Any]:
        """The dossier's discrepancy shape; `review` is filled in by `crosscheck.reviewed.with_reviews`."""
        return {
            "key": self.key, "review": None, "type": self.type, "claim": self.group, "articles": list(dict.fromkeys(m.article.id for m in self.mentions)),
            "mentions": [m.to_dict() for m in self.mentions], "detail": self.detail,
            "id": self.id, "confidence": round(self.confidence, 3), "reason": self.reason,
        }


def effective_date(m: Mention) -> str | None:
    """The date a figure holds for: its own `as_of`, else its article's publication date."""
    return m.claim.as_of or m.article.published


def date_key(article: Article) -> int:
    """Publication date as a sortable number; undated articles sort last."""
    return int((article.published or "9999-12-31").replace("-", ""))
