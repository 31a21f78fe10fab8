"""Is a retelling faithful to its source? Each sentence aligned, read by the stance model, compared detail by detail.

A retelling (a summary, another outlet's version) is split into sentences; each is aligned with the
source sentences that share most of its telling words (IDF-weighted over the source), read by the
stance model against them (the best entailment over each of them and over them together), and compared
with them detail by detail (`details.compare`). A sentence scores the weight of its worst finding or
how little the model finds it entailed, whichever is larger; the retelling is `distorted` when its worst
sentence reaches `DistortionOptions.distorted_threshold`.

`judge_retelling` is the one entry point; `align` and `details.compare` are there for other stages (the
dossier's discrepancies) to call on their own sentence pairs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.claims.sentences import split_sentences
from wiretrace.crosscheck import details
from wiretrace.crosscheck.checks import content_words
from wiretrace.crosscheck.details import DetailFinding, Parsed, Span


@dataclass(frozen=True)
class DistortionOptions:
    """How a retelling is judged; copy with `dataclasses.replace`.

    `entailment_weight`, `word_weight_step`, `distorted_threshold` and the weights of invented entities
    and words were fitted by `eval/distortion.py --fit` (a grid) on the train halves (a hash of each
    source document) of the seven SummEdits domains in ../shared/eval/summedits, 150 summaries of each,
    mean train balanced accuracy 0.663; the dev halves were only scored. The other weights are hand-set
    (changed names, numbers and dates weigh most). Weights are on the scale of `distorted_threshold`: a finding whose weight
    reaches it makes the retelling `distorted` on its own.
    """

    align_top: int = 3
    """Source sentences each retelling sentence is compared with detail by detail (best matches first)."""
    entail_top: int = 8
    """Best-matching source sentences the stance model reads each retelling sentence against (each alone;
    the best `align_top` also together)."""
    min_alignment: float = 0.1
    """Share of a sentence's IDF-weighted content words a source sentence must hold to be aligned."""
    max_premise_chars: int = 600
    """Longest joined premise (the aligned sentences in source order) read by the stance model."""
    weights: tuple[tuple[str, float], ...] = (
        ("actor", 1.0), ("entity", 1.0), ("number", 1.0), ("date", 1.0), ("qualifier", 0.8), ("negation", 0.8),
        ("hedge", 0.3), ("speaker", 0.8), ("antonym", 0.8), ("invented:entity", 0.4), ("invented:number", 1.0),
        ("invented:date", 0.8), ("invented:qualifier", 0.3), ("invented:word", 0.2),
    )
    """Weight of each finding type (`invented:KIND` for invented details of a kind)."""
    word_weight_step: float = 0.1
    """Each further invented word in one sentence adds this to the weight of the first one."""
    entailment_weight: float = 1.0
    """A sentence's model score is this times (1 - its best entailment probability)."""
    distorted_threshold: float = 0.8
    """Sentence score at which the retelling is `distorted`."""

    def weight(self, finding: DetailFinding) -> float:
        """The weight of one finding."""
        return self.weight_of(f"invented:{finding.detail}" if finding.type == "invented" else finding.type)

    def weight_of(self, key: str) -> float:
        """The weight of a finding type, or of `invented:KIND`."""
        return dict(self.weights).get(key, 0.0)


@dataclass
class SentenceReading:
    """One retelling sentence: where it is, the source sentences it was read against, and what was found."""

    claim: Span
    sources: list[Span]
    entailment: float
    findings: list[DetailFinding] = field(default_factory=list)
    score: float = 0.0


@dataclass
class DistortionReport:
    """The call on a whole retelling, with every sentence's reading behind it."""

    verdict: str  # "consistent" or "distorted"
    score: float
    sentences: list[SentenceReading]

    @property
    def findings(self) -> list[DetailFinding]:
        """Every finding, sentence by sentence."""
        return [f for s in self.sentences for f in s.findings]


def sentences_of(text: str) -> list[Span]:
    """The sentences of a text (the news splitter), as spans."""
    return [Span(s, e, text[s:e]) for s, e in split_sentences(text) if text[s:e].strip()]


def align(claim: str, sources: Sequence[str], top: int, min_share: float = 0.0) -> list[int]:
    """Indices of the `top` source sentences sharing most of the claim's words, IDF-weighted, best first.

    IDF comes from the source sentences themselves, so a word every sentence uses (the company's
    name in an earnings call) counts little, and a rare one (the figure's subject) much.
    """
    words = [content_words(s) for s in sources]
    df = Counter(w for ws in words for w in ws)
    n = len(sources)
    wanted = content_words(claim)

    def idf(w: str) -> float:
        return math.log(1 + n / (1 + df.get(w, 0)))

    total = sum(idf(w) for w in wanted) or 1.0
    shares = [sum(idf(w) for w in wanted & ws) / total for ws in words]
    order = sorted(range(n), key=lambda i: (-shares[i], i))
    return [i for i in order[:top] if shares[i] > min_share]


def judge_retelling(retelling: str, source: str, model: Any, options: DistortionOptions | None = None) -> DistortionReport:
    """Whether `retelling` is consistent with `source`, sentence by sentence, with typed findings.

    Args:
        retelling: the summary or other version to judge.
        source: the text it retells.
        model: a stance model (`labels`, `predict_batch([(premise, hypothesis)])`).
        options: thresholds and weights.
    """
    options = options or DistortionOptions()
    source_sents = sentences_of(source)
    claims = sentences_of(retelling)
    parsed_sources = details.read([s.text for s in source_sents])
    context = _context(parsed_sources)
    readings = []
    premises: list[list[str]] = []
    for claim in claims:
        picked = align(claim.text, [s.text for s in source_sents], max(options.align_top, options.entail_top),
                       options.min_alignment)
        top = picked[: options.align_top]
        readings.append(SentenceReading(claim, [source_sents[i] for i in top], 0.0))
        premises.append(_premises([source_sents[i].text for i in sorted(top)], options)
                        + [source_sents[i].text for i in picked[options.align_top:]])
    entail = _entailments([(p, c.text) for c, ps in zip(claims, premises, strict=True) for p in ps], model)
    for reading, parsed_claim, ps in zip(readings, details.read([c.text for c in claims]), premises, strict=True):
        reading.entailment = max((entail[(p, reading.claim.text)] for p in ps), default=0.0)
        aligned = details.read([s.text for s in reading.sources])
        reading.findings = details.compare(parsed_claim, aligned, context)
        reading.score = sentence_score(reading, options)
    score = max((r.score for r in readings), default=0.0)
    return DistortionReport("distorted" if score >= options.distorted_threshold else "consistent", score, readings)


def sentence_score(reading: SentenceReading, options: DistortionOptions) -> float:
    """The weight of the worst finding (invented words add up) or the model's doubt, whichever is larger."""
    worst = max((options.weight(f) for f in reading.findings if f.detail != "word"), default=0.0)
    words = sum(1 for f in reading.findings if f.type == "invented" and f.detail == "word")
    if words:
        worst = max(worst, options.weight_of("invented:word") + options.word_weight_step * (words - 1))
    return max(worst, options.entailment_weight * (1.0 - reading.entailment))


def _context(parsed: Sequence[Parsed]) -> Parsed:
    """The whole source as one `Parsed`: its text and vocabulary, for whether a detail is stated anywhere."""
    text = " ".join(p.text for p in parsed)
    return Parsed(text, (), (), (), frozenset().union(*(p.words for p in parsed)) if parsed else frozenset())


def _premises(aligned: Sequence[str], options: DistortionOptions) -> list[str]:
    """Each aligned sentence, and all of them joined in source order when they fit the model."""
    joined = " ".join(aligned)
    extra = [joined] if len(aligned) > 1 and len(joined) <= options.max_premise_chars else []
    return list(aligned) + extra


def _entailments(pairs: Sequence[tuple[str, str]], model: Any) -> dict[tuple[str, str], float]:
    unique = list(dict.fromkeys(pairs))
    if not unique:
        return {}
    index = list(model.labels).index("entailment")
    probs = model.predict_batch(unique)
    return {pair: float(row[index]) for pair, row in zip(unique, probs, strict=True)}
