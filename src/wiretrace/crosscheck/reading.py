"""Reading: each mention's stance toward its group, and contradictions between related groups.

Stances come from the stance model read in both directions: `agree` when each entails the other,
`partial` when only one way holds (one adds or drops detail), and `contradict`. Groups that talk about
the same thing but did not align (a denial rarely shares the wording of what it denies) are read against
each other for `fact` discrepancies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from wiretrace.crosscheck import checks
from wiretrace.crosscheck.discrepancies import figures_conflict
from wiretrace.crosscheck.mentions import ClaimGroup, Discrepancy, Mention, effective_date
from wiretrace.crosscheck.options import AlignOptions
from wiretrace.models import MentionStance


def assign_stances(group: list[Mention], rep: Mention, model: Any, options: AlignOptions) -> None:
    """Each mention's stance toward the group's representative, from both reading directions."""
    others = [m for m in group if m is not rep]
    rep.stance = "agree"
    if not others:
        return
    pairs = [(rep.claim.text, m.claim.text) for m in others] + [(m.claim.text, rep.claim.text) for m in others]
    probs = model.predict_batch(pairs)
    labels = list(model.labels)
    e, c = labels.index("entailment"), labels.index("contradiction")
    half = len(others)
    for k, mention in enumerate(others):
        forward, backward = probs[k], probs[half + k]
        contradiction = max(float(forward[c]), float(backward[c]))
        mention.probabilities = {"forward_entail": float(forward[e]), "backward_entail": float(backward[e]),
                                 "contradiction": contradiction}
        mention.stance = _stance(rep, mention, options)


def _stance(rep: Mention, mention: Mention, options: AlignOptions) -> MentionStance:
    """A mention's stance from its two entailment readings and contradiction, then its wording."""
    p = mention.probabilities
    forward, backward = p["forward_entail"], p["backward_entail"]
    if p["contradiction"] >= contradict_threshold(rep, mention, options) and not restated(rep, mention, options):
        return "contradict"
    if forward >= options.entail and backward >= options.entail:
        return "agree"
    overlap = checks.overlap(rep.claim.text, mention.claim.text)
    if max(forward, backward) >= options.entail or overlap >= options.overlap_agree:
        return "partial" if overlap < options.overlap_same else "agree"
    return "partial"


def restated(a: Mention, b: Mention, options: AlignOptions) -> bool:
    """One wording restated, or one quote translated or paraphrased: no contradiction whatever the model says."""
    alike = checks.shared_words(a.claim.text, b.claim.text)
    quotes = a.claim.kind == "quote" and b.claim.kind == "quote"
    return alike >= options.restated_overlap or quotes and alike >= options.restated_overlap / 2


def assign_figure_stances(members: list[Mention], rep: Mention) -> None:
    """Figures against the group's reference: another value at the same time contradicts, another time is partial."""
    for m in members:
        if figures_conflict(rep, m):
            m.stance = "contradict"
        else:
            m.stance = "agree" if effective_date(m) == effective_date(rep) else "partial"


def contradict_threshold(a: Mention, b: Mention, options: AlignOptions) -> float:
    """The contradiction probability needed between two mentions.

    Mentions from different events of one story usually speak of different happenings (another state's
    primary, a later day); the stance model, trained to call a swapped place or name a contradiction,
    flags those too, so across events it takes a much stronger contradiction.
    """
    if a.event is not None and b.event is not None and a.event != b.event:
        return options.cross_event_contradict
    return options.contradict


# -- contradictions between groups ------------------------------------------------------------------------
def contradictions_between(
    groups: Sequence[ClaimGroup], embedder: Any, model: Any, options: AlignOptions
) -> list[Discrepancy]:
    """`fact` discrepancies between claim groups that talk about the same thing but did not align.

    A denial rarely shares enough wording with the claim it denies to be grouped with it ("no risk to
    drinking water" / "ammonia reached the drinking water supply"), so related groups from different
    sources are read against each other by the stance model: whole, and clause by clause with the
    reporting frame removed (`checks.clauses`), because a denial is often one clause of a longer
    statement. Two groups are related when any of their mentions are (up to `options.max_texts`
    distinct texts of each), and are read through their closest pair of texts: a group's representative
    text may be a bare quote ("no risk to drinking water.") while the sentence around another mention of
    it names the subject. The two mentions shown come from different sources.
    """
    textual = [g for g in groups if g.kind != "figure"]
    if len(textual) < 2:
        return []
    texts_of = [list(dict.fromkeys([g.text, *(m.claim.text for m in g.mentions)]))[: options.max_texts]
                for g in textual]
    distinct = list(dict.fromkeys(t for texts in texts_of for t in texts))
    vectors = dict(zip(distinct, embedder.embed(distinct), strict=True))
    candidates = related_pairs(textual, texts_of, vectors, options)
    if not candidates:
        return []
    closest = [closest_texts(texts_of[i], texts_of[j], vectors) for i, j in candidates]
    scores = strongest_contradictions(closest, model, options)
    found = []
    for (i, j), texts, score in zip(candidates, closest, scores, strict=True):
        shown = _shown_pair(textual[i], textual[j], texts, options)
        if shown and score >= contradict_threshold(*shown, options):
            a, b = shown
            found.append(Discrepancy("fact", textual[i].id, [a, b],
                                     f"{b.outlet} contradicts {a.outlet} (stance model, p={score:.2f})"))
    return found


def related_pairs(
    groups: Sequence[ClaimGroup], texts_of: list[list[str]], vectors: dict[str, np.ndarray], options: AlignOptions
) -> list[tuple[int, int]]:
    """Group pairs (i < j) whose closest texts reach `related_cosine`, not both from one single source.

    Most similar first, at most `max_related_pairs`; a group pair's similarity is that of its closest texts.
    """
    rows = np.array([vectors[t] for texts in texts_of for t in texts])  # each group's texts, contiguous
    starts = np.cumsum([0] + [len(texts) for texts in texts_of])[:-1]
    by_text = rows @ rows.T
    sims = np.maximum.reduceat(np.maximum.reduceat(by_text, starts, axis=0), starts, axis=1)
    sources = [{m.source for m in g.mentions} for g in groups]
    candidates = []
    for i, j in zip(*np.nonzero(np.triu(sims >= options.related_cosine, k=1)), strict=True):
        if not (sources[i] & sources[j] and len(sources[i] | sources[j]) == 1):
            candidates.append((-float(sims[i, j]), int(i), int(j)))
    return [(i, j) for _neg, i, j in sorted(candidates)[: options.max_related_pairs]]


def closest_texts(texts_a: list[str], texts_b: list[str], vectors: dict[str, np.ndarray]) -> tuple[str, str]:
    """The most similar pair of texts, one of each group (ties: the first)."""
    return max(((a, b) for a in texts_a for b in texts_b), key=lambda ab: float(vectors[ab[0]] @ vectors[ab[1]]))


def strongest_contradictions(closest: list[tuple[str, str]], model: Any, options: AlignOptions) -> list[float]:
    """Each text pair's strongest contradiction: read whole and clause by clause (frames removed), both ways."""
    pairs: list[tuple[str, str]] = []
    owner: list[int] = []
    for n, whole in enumerate(closest):
        readings = [whole] + [(a, b) for a in checks.clauses(whole[0]) for b in checks.clauses(whole[1])
                              if (a, b) != whole]
        for a, b in readings[: options.max_readings]:
            pairs += [(a, b), (b, a)]
            owner += [n, n]
    probs = model.predict_batch(pairs)
    c = list(model.labels).index("contradiction")
    best = [0.0] * len(closest)
    for k, n in enumerate(owner):
        best[n] = max(best[n], float(probs[k][c]))
    return best


def _shown_pair(
    first: ClaimGroup, second: ClaimGroup, texts: tuple[str, str], options: AlignOptions
) -> tuple[Mention, Mention] | None:
    """The two mentions to show, from different sources: the laxest threshold first, then those read."""
    apart = [(a, b) for a in first.mentions for b in second.mentions if a.source != b.source]
    apart.sort(key=lambda pair: (contradict_threshold(*pair, options),
                                 (pair[0].claim.text, pair[1].claim.text) != texts))
    return apart[0] if apart else None
