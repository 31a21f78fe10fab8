"""Check a claim: retrieve evidence sentences, judge each one's stance, and reach a verdict.

Retrieval is hybrid: BM25 over every stored sentence (SQLite FTS5) and dense vectors of the articles
(the same MiniLM vectors clustering uses), fused by reciprocal rank; a MiniLM reranker then orders the
candidate sentences by meaning. Each of the best sentences is judged by wiretrace's stance model plus
explicit checks (numbers, negation, allegations), and the verdict counts independent sources: copies
of one wire report count once.

The stages, in order: `index` (a pipeline stage: the sentence full-text index), `retrieve`
(candidates and rerank), `judge` (stance per sentence), `verdict` (`decide`). Every number they use
is a field of `CheckOptions` (`options`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wiretrace.errors import UsageError
from wiretrace.models import Article
from wiretrace.store import Store
from wiretrace.verify.evidence import Evidence, Verdict
from wiretrace.verify.index import SENTENCE_INDEX_VERSION, index_sentences
from wiretrace.verify.judge import apply_checks, judge
from wiretrace.verify.options import CheckOptions
from wiretrace.verify.retrieve import DenseIndex, allowed_articles, load_dense_index, query_terms, rerank, retrieve
from wiretrace.verify.verdict import VERDICTS, decide, explain, merge_primaries, source_chain

__all__ = [
    "MAX_CLAIM_CHARS", "SENTENCE_INDEX_VERSION", "VERDICTS", "CheckOptions", "Checker", "Evidence", "Verdict",
    "apply_checks", "check", "decide", "explain", "index_sentences", "judge", "query_terms", "validate_claim",
]

MAX_CLAIM_CHARS = 2000


def validate_claim(claim: str) -> str:
    """The claim stripped; raises `UsageError` for an empty or over-long one."""
    text = " ".join((claim or "").split())
    if not text:
        raise UsageError("the claim is empty; give a sentence to check, e.g. wiretrace check \"X did Y\"")
    if len(text) > MAX_CLAIM_CHARS:
        raise UsageError(f"the claim is {len(text):,} characters; the limit is {MAX_CLAIM_CHARS:,} (one or two sentences)")
    return text


def check(store: Store, claim: str, options: CheckOptions | None = None, device: str = "cpu") -> Verdict:
    """Check a claim against the store (loads the models on `device`; use `Checker` to check many)."""
    return Checker(store, device=device).check(claim, options)


class Checker:
    """Holds the loaded models and the article vectors, so repeated checks (web, bench) stay fast."""

    def __init__(self, store: Store, embedder: Any = None, stance_model: Any = None, device: str = "cpu"):
        self.store = store
        self.device = device  # where the models loaded on first use run: "cpu", "cuda" or "auto"
        self._embedder = embedder
        self._stance = stance_model
        self._index: DenseIndex | None = None
        self._articles: dict[str, Article] = {}
        self._sources: dict[str, str] | None = None
        self._side: ThreadPoolExecutor | None = None  # embeds the claim while full-text search runs

    @property
    def embedder(self) -> Any:
        """The sentence embedder (loaded on first use)."""
        if self._embedder is None:
            from wiretrace.ml import sentence_embedder

            self._embedder = sentence_embedder(self.device)
        return self._embedder

    @property
    def stance_model(self) -> Any:
        """The stance model (loaded on first use)."""
        if self._stance is None:
            from wiretrace.ml import stance_model

            self._stance = stance_model(self.device)
        return self._stance

    def check(self, claim: str, options: CheckOptions | None = None) -> Verdict:
        """Check one claim against the store: retrieve, rerank, judge, then decide."""
        options = options or CheckOptions()
        claim = validate_claim(claim)
        if self.store.count_articles() == 0:
            raise UsageError("the store is empty: ingest articles first (wiretrace ingest PATH…)")
        allowed, warnings = allowed_articles(self.store, options)
        index = self._dense_index()  # loaded on this thread, before the side thread reads it
        claim_vector, candidates, contrasting = retrieve(self.store, claim, self.embedder, index, options, allowed,
                                                         self._side_thread())
        ranked = rerank(self.embedder, claim_vector, candidates, options, contrasting)
        evidence = judge(claim, ranked, self.stance_model, options)
        for item in evidence:
            item.outlet = self._article(item.article).source_name
            item.source = self._source_of(item.article)
            item.source_chain = source_chain(item, self.store.get_claims(item.article))
        merge_primaries(evidence)  # outlets retelling one named source count once
        verdict = decide(claim, evidence, options)
        verdict.warnings = warnings
        return verdict

    def _dense_index(self) -> DenseIndex:
        if self._index is None:
            self._index = load_dense_index(self.store, self.embedder)
        return self._index

    def _side_thread(self) -> ThreadPoolExecutor:
        if self._side is None:
            self._side = ThreadPoolExecutor(1, thread_name_prefix="wiretrace-check")
        return self._side

    def _article(self, article_id: str) -> Article:
        if article_id not in self._articles:
            self._articles[article_id] = self.store.get_article(article_id)
        return self._articles[article_id]

    def _source_of(self, article_id: str) -> str:
        """Independent source id: the copy group when the article has copies, else the article."""
        if self._sources is None:
            self._sources = {c.article: c.group for c in self.store.get_copies()}
        return self._sources.get(article_id, article_id)
