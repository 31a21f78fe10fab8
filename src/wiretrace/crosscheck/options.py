"""The cross-check's thresholds, in one frozen dataclass so a run's settings are one value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlignOptions:
    """Thresholds of the alignment.

    All were set by hand on the seed stories (`../shared/corpus/seeds`) and the demo story, read
    dossier by dossier, and kept where the groups, stances and discrepancies read right; the bench story
    of `bench/dossier.py` (PolNeAR primaries) set the cross-event threshold and the reading caps.

    Attributes:
        link_cosine: two mentions this similar in meaning (MiniLM cosine) belong together.
        link_cosine_lexical: lower cosine that still links when they also share many words.
        link_overlap: share of content words that, with `link_cosine_lexical`, links two mentions.
        group_cosine: a mention joins a group only if its mean cosine to the members reaches this.
        contradict: contradiction probability that makes a mention `contradict`.
        entail: entailment probability that counts as "entails" in one direction.
        min_statement_score: statements less check-worthy than this are left out.
        related_cosine: groups this similar are read against each other for contradictions.
        cross_event_contradict: contradiction probability needed between mentions of different events of
            one story; the stance model calls another place or day a contradiction, so across events
            only a much stronger reading counts (set on the bench story's primaries).
        overlap_agree: content-word overlap with the representative (`checks.overlap`) at which a mention
            that entails neither way still counts as a restatement, `partial`.
        overlap_same: overlap at which such a mention is the same wording, `agree`.
        figure_cosine: figures of one unit whose sentences are this similar count the same quantity.
        max_related_pairs: at most this many related group pairs (closest first) are read by the model.
        max_readings: readings per group pair: the whole closest texts, then clause pairs.
        max_texts: distinct texts of a group compared when relating groups (its text, then mentions').
    """

    link_cosine: float = 0.72
    link_cosine_lexical: float = 0.55
    link_overlap: float = 0.4
    group_cosine: float = 0.55
    contradict: float = 0.55
    entail: float = 0.5
    min_statement_score: float = 0.4
    related_cosine: float = 0.5
    cross_event_contradict: float = 0.8
    overlap_agree: float = 0.8
    overlap_same: float = 0.9
    figure_cosine: float = 0.6
    max_related_pairs: int = 200
    max_readings: int = 6
    max_texts: int = 3
