"""Check a claim: retrieve evidence sentences, judge each one's stance, and reach a verdict.

Retrieval is hybrid: BM25 over every stored sentence (SQLite FTS5) and dense vectors of the articles
(the same MiniLM vectors clustering uses), fused by reciprocal rank; a MiniLM reranker then orders the
candidate sentences by meaning. Each of the best sentences is judged by wiretrace's stance model plus
explicit checks (numbers, negation, allegations), and the verdict counts independent sources: copies
of one wire report count once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from wiretrace.claims.hedges import find_hedges
from wiretrace.claims.sentences import split_sentences
from wiretrace.crosscheck import checks
from wiretrace.errors import NotFound, UsageError
from wiretrace.models import Article, EvidenceStance, SentenceHit
from wiretrace.store import Store

SENTENCE_INDEX_VERSION = "sent-1"
MAX_CLAIM_CHARS = 2000
VERDICTS = ("supported", "refuted", "disputed", "not-enough-evidence")
# A sentence whose likeliest reading is neutral still leans to a side past `stance_threshold`, but counts
# only when it is clearly about the claim (cosine to it at least this).
LEAN_RELEVANCE = 0.5
# `disputed` needs the weaker side to reach this strength: leaning sentences alone do not dispute.
DISPUTE_MIN = 0.4


@dataclass(frozen=True)
class CheckOptions:
    """How a claim is checked.

    Attributes:
        story: only evidence from this story's articles.
        since: only evidence from articles published on or after this ISO date.
        bm25_candidates: sentences taken from the full-text search.
        dense_articles: articles taken from the dense (embedding) search.
        rerank_candidates: fused candidates embedded by the reranker (the main cost of a check).
        rerank_top: best sentences judged by the stance model.
        max_query_terms: words of the claim sent to full-text search (the longest; the store ranks
            by all of them but, on a large store, only among sentences holding one of the rarest).
        min_relevance: cosine below which a sentence is not about the claim at all.
        stance_threshold: probability a side needs for a sentence to support or refute (and more than
            the other side); below 1/2, so a sentence read mostly as neutral can still lean a side, if
            it is clearly about the claim (LEAN_RELEVANCE).
    """

    story: str | None = None
    since: str | None = None
    bm25_candidates: int = 30
    dense_articles: int = 6
    rerank_candidates: int = 12
    rerank_top: int = 8
    max_query_terms: int = 8
    min_relevance: float = 0.25
    stance_threshold: float = 0.3


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

    def to_dict(self) -> dict[str, Any]:
        """The `check --json` contract."""
        return {
            "claim": self.claim,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 3),
            "explanation": self.explanation,
            "evidence": [
                {k: v for k, v in asdict(e).items() if k not in ("probabilities", "relevance", "notes")}
                | {"score": round(e.score, 3), "source": e.source, "notes": e.notes}
                for e in self.evidence
            ],
        }


def validate_claim(claim: str) -> str:
    """The claim stripped; raises `UsageError` for an empty or over-long one."""
    text = " ".join((claim or "").split())
    if not text:
        raise UsageError("the claim is empty; give a sentence to check, e.g. wiretrace check \"X did Y\"")
    if len(text) > MAX_CLAIM_CHARS:
        raise UsageError(f"the claim is {len(text):,} characters; the limit is {MAX_CLAIM_CHARS:,} (one or two sentences)")
    return text


def query_terms(claim: str, limit: int) -> list[str]:
    """The claim's most distinctive words for full-text search.

    An OR query scores every sentence that holds any term, so common words make it slow on large
    stores; long words are usually the rare, telling ones.
    """
    words = sorted(checks.content_words(claim), key=lambda w: (-len(w), w)) or claim.lower().split()
    return sorted(words[:limit])


# -- indexing (a pipeline stage) ----------------------------------------------------------------------
def index_sentences(store: Store, articles: Sequence[Article] | None = None) -> int:
    """Put the sentences of not-yet-indexed articles in the full-text index; returns how many articles."""
    done = store.indexed_articles(SENTENCE_INDEX_VERSION)
    todo = [a for a in (articles if articles is not None else store.list_articles()) if a.id not in done]
    for article in todo:
        spans = [(s, e, article.text[s:e]) for s, e in split_sentences(article.text) if e - s > 15]
        store.put_sentences(article.id, spans, SENTENCE_INDEX_VERSION)
    return len(todo)


# -- the checker ----------------------------------------------------------------------------------------
class Checker:
    """Holds the loaded models and the article vectors, so repeated checks (web, bench) stay fast."""

    def __init__(self, store: Store, embedder: Any = None, stance_model: Any = None, device: str = "cpu"):
        self.store = store
        self.device = device  # where the models loaded on first use run: "cpu", "cuda" or "auto"
        self._embedder = embedder
        self._stance = stance_model
        self._matrix: np.ndarray | None = None
        self._matrix_ids: list[str] = []
        self._articles: dict[str, Article] = {}
        self._sources: dict[str, str] | None = None
        self._side: ThreadPoolExecutor | None = None  # embeds the claim while full-text search runs

    # lazily loaded pieces ----------------------------------------------------------------------------
    @property
    def embedder(self) -> Any:
        """The sentence embedder (loaded on first use)."""
        if self._embedder is None:
            from wiretrace.ml.embedder import EmbedOptions, MiniLMEmbedder

            self._embedder = MiniLMEmbedder(EmbedOptions(device=self.device))
        return self._embedder

    @property
    def stance_model(self) -> Any:
        """The stance model (loaded on first use)."""
        if self._stance is None:
            from wiretrace.ml.stance.model import load_stance_model

            self._stance = load_stance_model(device=self.device)
        return self._stance

    def _dense_index(self) -> tuple[np.ndarray, list[str]]:
        if self._matrix is None:
            vectors = self.store.get_embeddings(self.embedder.name)
            if not vectors:  # articles embedded on another device: same model, quantized or not
                from wiretrace.ml.embedder import sibling_name

                vectors = self.store.get_embeddings(sibling_name(self.embedder.name))
            self._matrix_ids = sorted(vectors)
            dim = getattr(self.embedder, "dim", 384)
            self._matrix = (
                np.stack([vectors[i] for i in self._matrix_ids]) if vectors else np.zeros((0, dim), np.float32)
            )
        return self._matrix, self._matrix_ids

    def _article(self, article_id: str) -> Article:
        if article_id not in self._articles:
            self._articles[article_id] = self.store.get_article(article_id)
        return self._articles[article_id]

    def _source_of(self, article_id: str) -> str:
        """Independent source id: the copy group when the article has copies, else the article."""
        if self._sources is None:
            self._sources = {c.article: c.group for c in self.store.get_copies()}
        return self._sources.get(article_id, article_id)

    # stages -------------------------------------------------------------------------------------------
    def allowed_articles(self, options: CheckOptions) -> set[str] | None:
        """Articles evidence may come from under --story/--since, or None for all."""
        allowed: set[str] | None = None
        if options.story:
            from wiretrace.stories import find_story

            try:
                allowed = set(find_story(self.store, options.story).articles)
            except NotFound as exc:  # a bad --story is the caller's mistake, reported as a usage error
                raise UsageError(str(exc)) from exc
        if options.since:
            since = _parse_date(options.since)
            dated = {a.id for a in self.store.list_articles() if a.published and a.published >= since}
            allowed = dated if allowed is None else allowed & dated
        return allowed

    def retrieve(self, claim: str, options: CheckOptions) -> tuple[np.ndarray, list[SentenceHit]]:
        """The claim's vector and its candidate sentences: BM25 hits fused with the densest articles' sentences.

        The claim is embedded and the article vectors scanned on a side thread while full-text search
        runs on this one: both wait in native code (onnxruntime, numpy, SQLite) that releases the GIL,
        so on two cores the dense half costs nothing extra.
        """
        allowed = self.allowed_articles(options)
        self._dense_index()  # loaded on this thread, before the side thread reads it
        if self._side is None:
            self._side = ThreadPoolExecutor(1, thread_name_prefix="wiretrace-check")
        dense = self._side.submit(self._densest_articles, claim, options, allowed)
        bm25 = self.store.search_sentences(query_terms(claim, options.max_query_terms), options.bm25_candidates,
                                           allowed)
        claim_vector, dense_articles = dense.result()
        candidates: dict[tuple[str, int], SentenceHit] = {}
        fused: dict[tuple[str, int], float] = {}
        for rank, hit in enumerate(bm25):
            key = (hit.article, hit.start)
            candidates[key] = hit
            fused[key] = fused.get(key, 0.0) + 1.0 / (60 + rank)
        claim_words = checks.content_words(claim)
        for rank, article_id in enumerate(dense_articles):
            for hit in self.store.article_sentences(article_id):
                if claim_words & checks.content_words(hit.text):
                    key = (hit.article, hit.start)
                    candidates.setdefault(key, hit)
                    fused[key] = fused.get(key, 0.0) + 1.0 / (60 + rank)
        order = sorted(fused, key=lambda k: (-fused[k], k))
        return claim_vector, [candidates[k] for k in order[: options.rerank_candidates]]

    def _densest_articles(self, claim: str, options: CheckOptions, allowed: set[str] | None) -> tuple[np.ndarray, list[str]]:
        """The claim's vector and the articles whose lead vectors are closest to it, best first."""
        claim_vector = self.embedder.embed([claim])[0]
        matrix, ids = self._dense_index()
        found: list[str] = []
        if len(ids):
            scores = matrix @ claim_vector
            top = min(options.dense_articles * 3, len(ids))
            best = np.argpartition(-scores, top - 1)[:top]  # a full sort of 100k scores costs more than the rest
            for index in best[np.argsort(-scores[best], kind="stable")]:
                if allowed is None or ids[index] in allowed:
                    found.append(ids[index])
                if len(found) >= options.dense_articles:
                    break
        return claim_vector, found

    def rerank(self, claim_vector: np.ndarray, hits: list[SentenceHit], options: CheckOptions) -> list[tuple[SentenceHit, float]]:
        """Order candidates by cosine similarity to the claim; keep the best few."""
        if not hits:
            return []
        # Copies of one wire report repeat sentences word for word: each distinct text is embedded once.
        texts = list(dict.fromkeys(h.text for h in hits))
        by_text = dict(zip(texts, self.embedder.embed(texts) @ claim_vector, strict=True))
        similarity = np.array([by_text[h.text] for h in hits])
        order = np.argsort(-similarity, kind="stable")[: options.rerank_top]
        return [(hits[i], float(similarity[i])) for i in order]

    def check(self, claim: str, options: CheckOptions | None = None) -> Verdict:
        """Check one claim against the store."""
        options = options or CheckOptions()
        claim = validate_claim(claim)
        if self.store.count_articles() == 0:
            raise UsageError("the store is empty: ingest articles first (wiretrace ingest PATH…)")
        claim_vector, candidates = self.retrieve(claim, options)
        ranked = self.rerank(claim_vector, candidates, options)
        evidence = judge(claim, ranked, self.stance_model, options)
        for item in evidence:
            article = self._article(item.article)
            item.outlet = article.source_name
            item.source = self._source_of(item.article)
            item.source_chain = self._chain(item)
        return decide(claim, evidence)

    def _chain(self, item: Evidence) -> list[str]:
        """Who said it, outer to primary: the attribution of an overlapping extracted claim, or the outlet."""
        best: list[str] = []
        for claim in self.store.get_claims(item.article):
            if claim.start < item.end and item.start < claim.end and len(claim.attribution) > len(best):
                best = list(claim.attribution)
        outlet = item.outlet or ""
        if best and best[0] != outlet and outlet:
            best = [outlet, *best]
        return best or ([outlet] if outlet else [])


def check(store: Store, claim: str, options: CheckOptions | None = None, device: str = "cpu") -> Verdict:
    """Check a claim against the store (loads the models on `device`; use `Checker` to check many)."""
    return Checker(store, device=device).check(claim, options)


# -- judging --------------------------------------------------------------------------------------------
def judge(claim: str, ranked: list[tuple[SentenceHit, float]], model: Any, options: CheckOptions) -> list[Evidence]:
    """Stance of each relevant sentence toward the claim: the stance model, then explicit checks."""
    relevant = [(hit, rel) for hit, rel in ranked if rel >= options.min_relevance]
    if not relevant:
        return []
    texts = list(dict.fromkeys(hit.text for hit, _ in relevant))  # a repeated sentence is read once
    by_text = dict(zip(texts, model.predict_batch([(text, claim) for text in texts]), strict=True))
    probs = [by_text[hit.text] for hit, _ in relevant]
    labels = list(model.labels)
    evidence = []
    for (hit, relevance), row in zip(relevant, probs, strict=True):
        p = {label: float(row[labels.index(label)]) for label in ("entailment", "neutral", "contradiction")}
        notes: list[str] = []
        p = apply_checks(claim, hit.text, p, notes)
        stance, score = _stance_of(p, options.stance_threshold)
        if stance != "neutral" and max(p, key=p.get) == "neutral" and relevance < LEAN_RELEVANCE:
            stance, score = "neutral", p["neutral"]
        evidence.append(Evidence(hit.article, None, hit.text, hit.start, hit.end, stance, score, relevance,
                                 probabilities=p, notes=notes))
    return evidence


def apply_checks(claim: str, sentence: str, p: dict[str, float], notes: list[str]) -> dict[str, float]:
    """Adjust stance probabilities with explicit checks; each adjustment is noted for the explanation."""
    e, n, c = p["entailment"], p["neutral"], p["contradiction"]
    agreement = checks.number_agreement(claim, sentence)
    if agreement is False and checks.overlap(claim, sentence) >= 0.5:
        c, e = max(c, e, 0.6), min(e, 0.1)
        notes.append("numbers differ")
    elif agreement is True and e < c:
        e, c = max(e, 0.5), min(c, 0.2)
        notes.append("numbers agree")
    if _conditional(sentence) and not _conditional(claim) and e > n:
        n, e = n + e * 0.8, e * 0.2
        notes.append("says what would happen if, not what happened")
    if checks.mentions_allegation(sentence) and not checks.mentions_allegation(claim) and e > n:
        n, e = n + e * 0.8, e * 0.2
        notes.append("reports an allegation or rumour, does not assert it")
    share = checks.overlap(claim, sentence)
    if share >= 0.6 and checks.negated(claim) != checks.negated(sentence):
        e, c = min(e, c), max(e, c, 0.6)
        notes.append("negation differs")
    elif share >= 0.85 and agreement is not False and not checks.mentions_allegation(sentence) and c < 0.5:
        # The evidence states the claim in (nearly) its own words: small NLI models under-call this.
        e = max(e, 0.6)
        notes.append("states the claim in its own words")
    total = e + n + c
    return {"entailment": e / total, "neutral": n / total, "contradiction": c / total}


def _conditional(text: str) -> bool:
    return "conditional" in find_hedges(text)


def _stance_of(p: dict[str, float], threshold: float) -> tuple[EvidenceStance, float]:
    if p["entailment"] >= threshold and p["entailment"] >= p["contradiction"]:
        return "supports", p["entailment"]
    if p["contradiction"] >= threshold:
        return "refutes", p["contradiction"]
    return "neutral", p["neutral"]


# -- the verdict ----------------------------------------------------------------------------------------
def decide(claim: str, evidence: list[Evidence]) -> Verdict:
    """Group evidence by independent source and weigh the sides.

    Each source counts once, on one side: the side of its strongest sentence (one article does not
    dispute itself; a weaker sentence of it that leans the other way is outweighed). A side's strength
    is the chance that at least one of its sources is right (1 - prod(1 - p)). Both sides strong means
    `disputed`.
    """
    strongest: dict[str, tuple[float, str]] = {}
    for item in evidence:
        if item.stance != "neutral" and item.score > strongest.get(item.source, (0.0, ""))[0]:
            strongest[item.source] = (item.score, item.stance)
    support = {k: v for k, (v, stance) in strongest.items() if stance == "supports"}
    refute = {k: v for k, (v, stance) in strongest.items() if stance == "refutes"}
    s = 1 - math.prod(1 - v for v in support.values())
    r = 1 - math.prod(1 - v for v in refute.values())
    if support and refute and min(s, r) >= max(0.5 * max(s, r), DISPUTE_MIN):
        verdict, confidence = "disputed", min(s, r) / max(s, r) * 0.5 + 0.4
    elif s > r:
        verdict, confidence = "supported", s * (1 - r * 0.5)
    elif r > s:
        verdict, confidence = "refuted", r * (1 - s * 0.5)
    else:
        best = max((e.relevance for e in evidence), default=0.0)
        verdict, confidence = "not-enough-evidence", 1 - 0.5 * best
    evidence.sort(key=lambda e: (e.stance == "neutral", -e.score))
    return Verdict(claim, verdict, float(min(max(confidence, 0.0), 1.0)), explain(verdict, evidence, support, refute), evidence)


def explain(verdict: str, evidence: list[Evidence], support: dict[str, float], refute: dict[str, float]) -> str:
    """One paragraph naming the sources on each side."""
    names = {e.source: e.outlet or e.article for e in evidence}

    def listing(side: dict[str, float]) -> str:
        return ", ".join(sorted({names[k] for k in side}))

    parts = []
    if support:
        parts.append(f"{len(support)} independent source(s) support it ({listing(support)})")
    if refute:
        parts.append(f"{len(refute)} independent source(s) contradict it ({listing(refute)})")
    if not parts:
        if evidence:
            return "Related sentences were found, but none of them supports or contradicts the claim."
        return "Nothing in the store is about this claim."
    head = {"supported": "Supported", "refuted": "Refuted", "disputed": "Disputed",
            "not-enough-evidence": "Not enough evidence"}[verdict]
    notes = sorted({n for e in evidence if e.stance != "neutral" for n in e.notes})
    tail = f" Checks applied: {'; '.join(notes)}." if notes else ""
    return f"{head}: " + "; ".join(parts) + ". Copies of one report count as one source." + tail


def _parse_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"--since {value!r} is not a date; use YYYY-MM-DD") from exc
