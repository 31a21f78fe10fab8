"""The dataclasses `check` returns: one judged sentence (`Evidence`) and the answer (`Verdict`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from wiretrace.models import EvidenceStance, finding_key


@dataclass
class Evidence:
    """One judged sentence. `source` names the independent source it counts for (its copy group)."""

    article: str
    outlet: str | None
    text: str
    start: int
    end: int
    stance: EvidenceStance
    score: float
    relevance: float = 0.0
    source: str = ""
    source_chain: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """The answer to `check`: a label, how sure, why, and the evidence behind it."""

    claim: str
    verdict: str
    confidence: float
    explanation: str
    evidence: list[Evidence]
    warnings: list[str] = field(default_factory=list)  # what narrowing left out unseen (undated articles)

    @property
    def key(self) -> str:
        """The stable finding key a review of this verdict is stored under: the claim checked, folded."""
        return finding_key("verdict", "check", [self.claim])

    def to_dict(self) -> dict[str, Any]:
        """The `check --json` contract."""
        return {
            "key": self.key,
            "claim": self.claim,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 3),
            "explanation": self.explanation,
            "evidence": [
                {k: v for k, v in asdict(e).items() if k not in ("probabilities", "relevance", "notes")}
                | {"score": round(e.score, 3), "source": e.source, "notes": e.notes}
                for e in self.evidence
            ],
            "warnings": list(self.warnings),
        }
