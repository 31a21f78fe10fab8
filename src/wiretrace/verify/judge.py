"""Judge each candidate sentence: the stance model's reading of it, then explicit checks.

Small NLI models miss what a rule sees at once: numbers that differ, a negation on one side only, a
sentence that only reports an allegation or says what would happen if, a sentence that restates the
claim word for word. Each check moves probability between entailment, neutral and contradiction and
leaves a note that the explanation shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wiretrace.claims.hedges import find_hedges
from wiretrace.crosscheck import checks, details
from wiretrace.models import EvidenceStance, SentenceHit
from wiretrace.verify.evidence import Evidence
from wiretrace.verify.options import CheckOptions
from wiretrace.verify.roles import swapped_actor

_LABELS = ("entailment", "neutral", "contradiction")


def judge(claim: str, ranked: list[tuple[SentenceHit, float]], model: Any, options: CheckOptions) -> list[Evidence]:
    """Stance of each relevant sentence toward the claim: the stance model, then explicit checks.

    Args:
        claim: the claim, validated.
        ranked: (sentence, cosine to the claim) pairs, best first.
        model: a stance model with `labels` and `predict_batch([(premise, hypothesis)])`.
        options: `min_relevance`, `stance_threshold`, `lean_relevance` and the explicit checks' numbers.

    Returns:
        One `Evidence` per sentence at least `min_relevance` to the claim, in `ranked` order, with no
        outlet or source yet (the caller knows the store).
    """
    relevant = [(hit, rel) for hit, rel in ranked if rel >= options.min_relevance]
    if not relevant:
        return []
    probs = stance_probabilities(claim, [hit.text for hit, _ in relevant], model)
    return [_judged(claim, hit, relevance, p, options) for (hit, relevance), p in zip(relevant, probs, strict=True)]


def stance_probabilities(claim: str, sentences: Sequence[str], model: Any) -> list[dict[str, float]]:
    """The stance model's probabilities for each sentence as premise and the claim as hypothesis."""
    texts = list(dict.fromkeys(sentences))  # a repeated sentence is read once
    by_text = dict(zip(texts, model.predict_batch([(text, claim) for text in texts]), strict=True))
    labels = list(model.labels)
    return [{label: float(by_text[text][labels.index(label)]) for label in _LABELS} for text in sentences]


def _judged(claim: str, hit: SentenceHit, relevance: float, p: dict[str, float], options: CheckOptions) -> Evidence:
    """One sentence's evidence: checks applied, stance taken, a neutral reading's lean kept only if relevant."""
    notes: list[str] = []
    p = apply_checks(claim, hit.text, p, notes, options)
    p = apply_details(claim, hit.text, relevance, p, notes, options)
    stance, score = stance_of(p, options.stance_threshold)
    if stance != "neutral" and max(p, key=p.get) == "neutral" and relevance < options.lean_relevance:
        stance, score = "neutral", p["neutral"]
    return Evidence(hit.article, None, hit.text, hit.start, hit.end, stance, score, relevance,
                    probabilities=p, notes=notes)


def apply_checks(claim: str, sentence: str, p: dict[str, float], notes: list[str],
                 options: CheckOptions | None = None) -> dict[str, float]:
    """Adjust stance probabilities with explicit checks; each adjustment is noted for the explanation.

    Returns the adjusted probabilities, normalised to sum to 1; `notes` gets one line per check that fired.
    """
    options = options or CheckOptions()
    e, n, c = p["entailment"], p["neutral"], p["contradiction"]
    agreement = checks.number_agreement(claim, sentence)
    e, c = _check_numbers(claim, sentence, agreement, e, c, notes, options)
    e, n = _check_hedges(claim, sentence, e, n, notes, options)
    swapped = swapped_actor(claim, sentence)
    if swapped:  # the claim's people in each other's places: no restatement, whatever the words share
        e, c = min(e, options.detail_conflict_entailment), max(c, options.detail_conflict_contradiction)
        notes.append(f"actor differs: '{swapped[0].title()}' where the source says '{swapped[1].title()}'")
    else:
        e, c = _check_wording(claim, sentence, agreement, e, c, notes, options)
    total = e + n + c
    return {"entailment": e / total, "neutral": n / total, "contradiction": c / total}


def apply_details(claim: str, sentence: str, relevance: float, p: dict[str, float], notes: list[str],
                  options: CheckOptions) -> dict[str, float]:
    """Compare the claim with the sentence detail by detail (`crosscheck.details`).

    A changed key detail (a name, date, qualifier, speaker, a reversed word or a negation on one side)
    in a sentence about the claim refutes it; a qualifier of the claim the sentence does not state keeps
    the sentence from supporting it. Each is noted with both words.
    """
    claim_parsed, sentence_parsed = details.read([claim, sentence])
    found = details.compare(claim_parsed, [sentence_parsed], invented=("qualifier",))
    e, n, c = p["entailment"], p["neutral"], p["contradiction"]
    conflicts = [f for f in found if f.type in options.detail_conflict_types and relevance >= (
        options.detail_strict_relevance if f.type in ("entity", "speaker", "antonym")
        else options.detail_conflict_relevance)]
    if conflicts:
        e_cut = min(e, options.detail_conflict_entailment)
        c = min(1.0 - e_cut, max(c + e - e_cut, options.detail_conflict_contradiction))
        e, n = e_cut, max(0.0, 1.0 - e_cut - c)
        notes.append(f"{conflicts[0].type} differs: {conflicts[0].reason}")
    elif any(f.type == "invented" for f in found) and e > options.detail_missing_entailment:
        n, e = n + e - options.detail_missing_entailment, options.detail_missing_entailment
        missing = next(f for f in found if f.type == "invented")
        notes.append(f"does not state the claim's '{missing.claim.text}'")
    total = e + n + c
    return {"entailment": e / total, "neutral": n / total, "contradiction": c / total}


def _check_numbers(claim: str, sentence: str, agreement: bool | None, e: float, c: float, notes: list[str],
                   o: CheckOptions) -> tuple[float, float]:
    """Differing numbers in a sentence about the same thing refute; agreeing ones overrule a contradiction."""
    if agreement is False and checks.overlap(claim, sentence) >= o.number_conflict_min_overlap:
        c, e = max(c, e, o.number_conflict_contradiction), min(e, o.number_conflict_entailment)
        notes.append("numbers differ")
    elif agreement is True and e < c:
        e, c = max(e, o.number_agreement_entailment), min(c, o.number_agreement_contradiction)
        notes.append("numbers agree")
    return e, c


def _check_hedges(claim: str, sentence: str, e: float, n: float, notes: list[str],
                  o: CheckOptions) -> tuple[float, float]:
    """A conditional or a reported allegation does not assert what the plain claim asserts."""
    moved = 1 - o.hedged_entailment_kept
    if _conditional(sentence) and not _conditional(claim) and e > n:
        n, e = n + e * moved, e * o.hedged_entailment_kept
        notes.append("says what would happen if, not what happened")
    if checks.mentions_allegation(sentence) and not checks.mentions_allegation(claim) and e > n:
        n, e = n + e * moved, e * o.hedged_entailment_kept
        notes.append("reports an allegation or rumour, does not assert it")
    return e, n


def _check_wording(claim: str, sentence: str, agreement: bool | None, e: float, c: float, notes: list[str],
                   o: CheckOptions) -> tuple[float, float]:
    """Nearly the claim's words: a negation on one side only refutes, none means a restatement."""
    share = checks.overlap(claim, sentence)
    if share >= o.negation_min_overlap and checks.negated(claim) != checks.negated(sentence):
        e, c = min(e, c), max(e, c, o.negation_contradiction)
        notes.append("negation differs")
    elif (share >= o.restatement_min_overlap and agreement is not False
          and not checks.mentions_allegation(sentence) and c < o.restatement_max_contradiction):
        # The evidence states the claim in (nearly) its own words: small NLI models under-call this.
        e = max(e, o.restatement_entailment)
        notes.append("states the claim in its own words")
    return e, c


def _conditional(text: str) -> bool:
    return "conditional" in find_hedges(text)


def stance_of(p: dict[str, float], threshold: float) -> tuple[EvidenceStance, float]:
    """The side a sentence takes and how strongly: entailment wins ties with contradiction."""
    if p["entailment"] >= threshold and p["entailment"] >= p["contradiction"]:
        return "supports", p["entailment"]
    if p["contradiction"] >= threshold:
        return "refutes", p["contradiction"]
    return "neutral", p["neutral"]
