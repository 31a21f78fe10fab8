"""Every number `check` uses, in one frozen options dataclass.

How the values were chosen, in the field docstrings below:
- *tuned*: swept on the labelled train halves in ../shared/eval with `eval/verify.py` (README "Quality
  and speed" has the figures they give);
- *measured*: chosen from `bench/check.py` latency runs (README "speed" table);
- *hand-set*: chosen by reading the seed verdict table `tests/verify/test_check_seeds.py`, which every
  change must keep passing; no sweep of these is recorded, so they are candidates for one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckOptions:
    """How a claim is checked; copy with `dataclasses.replace`, never mutate.

    The fields run in stage order: filters and retrieval (`verify.retrieve`), the stance of each
    sentence and the explicit checks (`verify.judge`), then the verdict (`verify.verdict`).
    """

    # -- filters -----------------------------------------------------------------------------------
    story: str | None = None
    """Only evidence from this story's articles (an id or a unique prefix of one)."""
    since: str | None = None
    """Only evidence from articles published on or after this ISO date (YYYY-MM-DD)."""

    # -- retrieval ---------------------------------------------------------------------------------
    bm25_candidates: int = 30
    """Sentences taken from the full-text search, after wiretrace ranks its pool itself. Hand-set."""
    fts_pool: int = 300
    """Matching sentences fetched from the store's full-text index and ranked here by `lexical_rank`:
    SQLite's bm25() and PostgreSQL's ts_rank_cd order hits differently, so each engine only finds
    candidates and the order is the same on both (identical whenever fewer sentences match than this).
    Hand-set: 10x `bm25_candidates`, fetching it costs under a millisecond on the 100k bench store."""
    lexical_k1: float = 1.2
    """BM25 term-saturation constant of `lexical_rank` (the usual default)."""
    lexical_b: float = 0.75
    """BM25 length-normalisation constant of `lexical_rank` (the usual default)."""
    dense_articles: int = 6
    """Articles taken from the dense (embedding) search; their sentences sharing a content word with the
    claim join the candidates. Hand-set."""
    dense_overfetch: int = 3
    """Article vectors partially sorted per wanted article, so that some survive the --story/--since
    filter; a partial sort of a few beats a full sort of 100k scores (measured)."""
    rrf_k: int = 60
    """Reciprocal-rank fusion constant: a candidate scores the sum of 1 / (rrf_k + rank) over the BM25 and
    the dense lists. 60 is the value of Cormack, Clarke and Buettcher (SIGIR 2009), kept untuned; a larger
    one flattens the difference between ranks."""
    max_query_terms: int = 8
    """Words of the claim sent to full-text search (the longest; the store ranks by all of them but, on a
    large store, only among sentences holding one of the rarest). Measured: each term costs time on a
    100k-article store (README check latency); raised from 6 to 8 with the rarest-words ranking."""
    rerank_candidates: int = 12
    """Fused candidates embedded by the MiniLM reranker, the main cost of a check. Measured: cut from 24
    to 16 to 12 for latency; the seed verdict table passes at 12."""
    rerank_top: int = 8
    """Best reranked sentences judged by the stance model. Hand-set."""
    contrast_candidates: int = 4
    """Sentences using the opposite of one of the claim's qualifiers or words ("unofficial" for "official",
    `crosscheck.lexicon`) judged besides the reranked ones, whatever their rank: restatements of the rest
    of the claim would otherwise crowd them out. Hand-set on a seed claim of the form "X signed an
    official decree banning Y" (the seeds call the decree unofficial)."""
    contrast_min_shared: int = 1
    """Content words such a sentence must share with the claim to be about it. Hand-set on the seeds."""

    # -- judging each sentence ---------------------------------------------------------------------
    min_relevance: float = 0.25
    """Cosine to the claim below which a sentence is not about it at all. Tuned (was 0.35)."""
    stance_threshold: float = 0.3
    """Probability a side needs for a sentence to support or refute (and more than the other side, for
    support). Below 1/2, so a sentence read mostly as neutral can still lean a side if it is clearly
    about the claim (`lean_relevance`). Tuned (0.5, then 0.4, then 0.3 with leaning sentences)."""
    lean_relevance: float = 0.5
    """Cosine to the claim a sentence whose likeliest reading is neutral needs for its lean to a side to
    count. Hand-set together with `stance_threshold` 0.3."""

    # -- explicit checks (each one adjusts the stance model's probabilities and leaves a note) --------
    number_conflict_min_overlap: float = 0.5
    """Share of the claim's content words a sentence must hold before its differing numbers refute the
    claim (below it the numbers are likely about something else). Hand-set."""
    number_conflict_contradiction: float = 0.6
    """Contradiction probability differing numbers raise a sentence to, at least. Hand-set."""
    number_conflict_entailment: float = 0.1
    """Entailment probability differing numbers cut a sentence to, at most. Hand-set."""
    number_agreement_entailment: float = 0.5
    """Entailment probability agreeing numbers raise a sentence to, at least, when the model leaned to
    contradiction. Hand-set."""
    number_agreement_contradiction: float = 0.2
    """Contradiction probability agreeing numbers cut such a sentence to, at most. Hand-set."""
    hedged_entailment_kept: float = 0.2
    """Share of its entailment a conditional ("would ... if") or a reported allegation or rumour keeps
    when the claim is neither; the rest moves to neutral. Hand-set."""
    negation_min_overlap: float = 0.6
    """Share of the claim's content words a sentence must hold for a negation on one side only to turn
    it against the claim. Hand-set."""
    negation_contradiction: float = 0.6
    """Contradiction probability such a negation raises the sentence to, at least. Hand-set."""
    restatement_min_overlap: float = 0.85
    """Share of the claim's content words at which a sentence states the claim in (nearly) its own words,
    which small NLI models under-call. Hand-set."""
    restatement_entailment: float = 0.6
    """Entailment probability a restatement is raised to, at least. Hand-set."""
    restatement_max_contradiction: float = 0.5
    """A restatement the model reads as contradiction with this probability or more is left alone.
    Hand-set."""

    detail_conflict_types: tuple[str, ...] = ("date", "qualifier", "antonym", "speaker", "actor")
    """Finding types of `crosscheck.details.compare` that turn a sentence against the claim (numbers and
    negation have their own checks above; an invented detail only keeps a sentence from supporting).
    Hand-set on the seed table: "entity" (a government seat named for its country) and token-level "negation" ("banned from
    resigning" read as a negated "resign") refuted true seed claims, so `check` leaves them out. "actor" (the
    sentence's same verb done by another named person) needs only `detail_conflict_relevance`: the shared
    verb already says the sentence is about the claim's deed."""
    detail_conflict_relevance: float = 0.4
    """Cosine to the claim a sentence needs before a changed detail in it refutes the claim: below it the
    name or date is likely about something else. Hand-set on the seed table."""
    detail_strict_relevance: float = 0.6
    """The same for a changed name, speaker or a reversed word: a sentence may speak of the claim's person
    by title alone ("the Russian president"), or of another event with the opposite verb, so only a
    sentence very close to the claim counts. Hand-set on the seeds."""
    detail_conflict_contradiction: float = 0.7
    """Contradiction probability a changed key detail raises the sentence to, at least. Hand-set."""
    detail_conflict_entailment: float = 0.05
    """Entailment probability a changed key detail cuts the sentence to, at most. Hand-set."""
    detail_missing_entailment: float = 0.2
    """Entailment probability, at most, of a sentence that does not state one of the claim's qualifiers
    ("official", "confirmed", `crosscheck.lexicon.QUALIFIERS`): it supports the rest of the claim, not
    all of it. Below `stance_threshold`, so such a sentence does not support. Hand-set."""

    # -- the verdict ---------------------------------------------------------------------------------
    dispute_ratio: float = 0.5
    """`disputed` needs the weaker side's strength to be at least this share of the stronger's. Hand-set
    (was 0.8 before leaning sentences)."""
    dispute_min: float = 0.4
    """`disputed` also needs the weaker side to reach this strength: leaning sentences alone do not
    dispute. Hand-set."""
    disputed_confidence_base: float = 0.4
    """Confidence of a `disputed` verdict is this plus `disputed_confidence_span` times weaker / stronger
    side, so it stays between 0.65 and 0.9 with `dispute_ratio` 0.5. Hand-set."""
    disputed_confidence_span: float = 0.5
    """See `disputed_confidence_base`. Hand-set."""
    opposition_discount: float = 0.5
    """A `supported` or `refuted` verdict's confidence is its side's strength times (1 - this times the
    other side's strength). Hand-set."""
    no_evidence_relevance_discount: float = 0.5
    """A `not-enough-evidence` verdict's confidence is 1 - this times the best relevance found: related
    but undecided sentences make it less sure. Hand-set."""
