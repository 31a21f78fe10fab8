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
        restated_overlap: a mention this much the same words as the representative (each way), or a quote
            half as much the same as a quote representative (a translation, a paraphrase), is never
            `contradict`: the stance model misreads small wording changes, and the group would be shown
            disputed (the seeds' two translations of one quote; PolNeAR train labels).
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
    restated_overlap: float = 0.8


_HEDGE_WORDS = frozenset("reportedly allegedly alleged purportedly rumored rumoured unconfirmed unofficial likely".split())


@dataclass(frozen=True)
class VetOptions:
    """How candidate discrepancies are vetted, scored and split into listed items and leads.

    Set on the train split of `eval/labels/discrepancies.tsv` (PolNeAR stories and the seeds, 428
    candidates read by hand; `python eval/discrepancies.py --split train`), never on dev. On train the
    unvetted candidates were 11 real in 292: most were different quantities of one unit, different people's
    different quotes, "likely voters" or a hedge on another clause, and weekdays of different events.

    Attributes:
        figure_overlap: two figures count one quantity only when their sentences (numbers left out) share
            this share of content words, each way; half of it makes a lead.
        quote_overlap: a speaker conflict needs the two texts to be this much the same words (the same quote
            given to two people); half of it makes a lead.
        quote_wording: and, to be listed, two quotes sharing this share of the shorter one's word pairs
            (the same wording, not the same topic: "I need you tomorrow" and "vote tomorrow" share a word).
        quote_words: of at least this many words each (a short phrase is said by many).
        hedge_words: hedges whose dropping is listed, kept by their precision on train ("reportedly" and
            "allegedly" were right, "likely", "probably", "apparently", "unofficial", "alleged" (an adjective,
            mostly on another clause) never were).
        hedge_overlap: the hedged and the plain sentence must share this much (the same claim).
        date_overlap: a date conflict needs sentences this alike (the same event).
        paraphrase_overlap: a `fact` contradiction between texts this alike, each way, is a restatement the
            stance model misread (and two quotes of this overlap, a translation or paraphrase).
        confidence: per type, the train precision (Laplace-smoothed) of candidates that pass the type's rule
            and of those that pass only its loose half: (passed, loose).
        list_confidence: items at or above this are listed (more likely real than not); `lead_confidence`
            to here are leads.
        lead_confidence: below this an item is dropped.
    """

    figure_overlap: float = 0.5
    quote_overlap: float = 0.5
    quote_wording: float = 0.5
    quote_words: int = 8
    hedge_words: frozenset[str] = _HEDGE_WORDS
    hedge_overlap: float = 0.4
    date_overlap: float = 0.4
    paraphrase_overlap: float = 0.8
    # calibrated on train (`python eval/discrepancies.py --split train --calibrate`): real/candidates of
    # each bucket in the comments; an empty bucket gets the prior 0.5 (no evidence either way)
    confidence: tuple[tuple[str, float, float], ...] = (
        ("speaker", 0.75, 0.08),  # 2/2, 0/11
        ("number", 0.33, 0.2),  # 0/1, 0/3
        ("hedge", 0.67, 0.14),  # 1/1, 1/12
        ("date", 0.33, 0.38),  # 0/1, 2/6
        ("fact", 0.5, 0.05),  # 0/0 (a `fact` never passes strict), 2/56
    )
    list_confidence: float = 0.5
    lead_confidence: float = 0.05

    def confidence_of(self, kind: str, strict: bool) -> float:
        """The calibrated confidence of a candidate of `kind` that passed its rule (`strict`) or its loose half."""
        for name, passed, loose in self.confidence:
            if name == kind:
                return passed if strict else loose
        return 0.0
