"""Synthetic news NLI pairs built from real article sentences (FactCC-style).

Public NLI corpora are made of image captions, fiction and forum text; wiretrace reads news. This module
turns real news sentences into premise/hypothesis pairs whose label is known by construction, so the
stance model sees the distortions that matter when a claim travels from outlet to outlet:

* contradiction: a number changed, an entity swapped, a negation added or removed, the speaker of a
  quote swapped, a date shifted;
* entailment: the sentence compressed (attribution, parentheticals or trailing clauses dropped);
* neutral: a hedge removed ("likely", "may" turned into a flat assertion: the source does not say it
  happened, nor that it did not), or a different sentence from the same or another article.

A misattributed quote or a swapped entity is strictly "neutral" in textbook NLI (the premise does not say
the other person did not say it), but for provenance tracing it is a distortion of the source, which is
what "contradiction" means to wiretrace. Hedge removal is labelled neutral rather than contradiction
because "X will likely win" does not contradict "X will win"; wiretrace reports both neutral and
contradiction as "not supported", so the distortion is still flagged.

Every transformation is a pure function of its inputs (and a seeded ``random.Random``), so the same
corpus and seed give the same pairs. spaCy is only needed for named entities and is imported lazily.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from wiretrace.ml.stance.synth_patterns import (
    _ABBREVIATION_END,
    _ACCORDING_HEAD,
    _ADVERB,
    _ATTRIBUTION_HEAD,
    _ATTRIBUTION_TAIL,
    _AUX_RE,
    _HEDGES,
    _LEADING_ADVERBIAL,
    _LEADING_CLAUSE,
    _NEGATIONS,
    _NUMBER_RE,
    _NUMBER_WORD_RE,
    _PARENTHETICAL,
    _SPEECH_CUE,
    _TRAILING_CLAUSE,
    _YEAR_RE,
    ENTITY_TYPES,
    LABELS,
    MONTHS,
    NUMBER_WORDS,
    SPACY_MODEL,
    WEEKDAYS,
)

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class SynthPair:
    """One synthetic pair; ``kind`` records the transformation for per-kind error analysis."""

    premise: str
    hypothesis: str
    label: str
    kind: str
    source: str = "synth_news"


@dataclass(frozen=True)
class SynthOptions:
    """How many pairs to build and from which sentences.

    Attributes:
        n_pairs: target number of pairs (balanced over the three labels).
        seed: seed of the random generator; same corpus + seed -> same pairs.
        min_words: shortest sentence used as a premise (headlines and fragments are shorter).
        max_words: longest sentence used (long sentences get truncated by the model anyway).
        context_prob: chance that the premise also carries the following sentence, so the model sees
            multi-sentence evidence and not only single sentences.
    """

    n_pairs: int = 6000
    seed: int = 13
    min_words: int = 8
    max_words: int = 45
    context_prob: float = 0.3


@dataclass(frozen=True)
class Sentence:
    """A sentence with its named entities as (text, label) tuples."""

    text: str
    entities: tuple[tuple[str, str], ...] = ()


# ---------------------------------------------------------------- reading
def split_sentences(text: str) -> list[str]:
    """Split article text into sentences with a regex; good enough to pick candidate premises.

    The first line (the title) is dropped because titles are not full sentences.
    """
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()][1:]
    out: list[str] = []
    for para in paragraphs:
        parts = re.split(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[“\"A-Z])", para)
        out.extend(_merge_abbreviations([" ".join(p.split()) for p in parts if p.strip()]))
    return out


def _merge_abbreviations(parts: list[str]) -> list[str]:
    """Glue back splits made after "Mr." or "U.S." (the regex cannot tell them from sentence ends)."""
    merged: list[str] = []
    for part in parts:
        if merged and _ABBREVIATION_END.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def read_articles(text_dir: Path) -> list[list[str]]:
    """Read every ``*.txt`` article of a folder (sorted, for determinism) as a list of sentences."""
    files = sorted(Path(text_dir).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{text_dir}: no *.txt articles found")
    return [split_sentences(f.read_text(encoding="utf-8")) for f in files]


def is_candidate(sentence: str, options: SynthOptions) -> bool:
    """Keep ordinary declarative sentences of reasonable length (no questions, no boilerplate)."""
    n = len(sentence.split())
    return options.min_words <= n <= options.max_words and sentence[-1:] in ".”\"’" and "http" not in sentence


# ---------------------------------------------------------------- contradiction transformations
def _format_like(value: float, template: str) -> str:
    if "," in template:
        return f"{int(value):,}"
    if "." in template:
        decimals = len(template.split(".")[1])
        return f"{value:.{decimals}f}"
    return str(int(value))


def change_number(sentence: str, rng: random.Random) -> str | None:
    """Replace one number (not a year) with a clearly different value in the same format."""
    matches = [m for m in _NUMBER_RE.finditer(sentence) if not _YEAR_RE.fullmatch(m.group(0))]
    word_matches = list(_NUMBER_WORD_RE.finditer(sentence))
    if not matches and not word_matches:
        return None
    if matches:
        m = rng.choice(matches)
        old = float(m.group(0).replace(",", ""))
        factor = rng.choice((0.5, 2.0, 3.0, 0.25, 10.0, 1.5))
        new = old * factor if old >= 4 else old + rng.choice((2, 3, 5, 7))
        new_text = _format_like(new, m.group(0))
        if new_text == m.group(0):
            new_text = _format_like(old + 1, m.group(0))
    else:
        m = rng.choice(word_matches)
        others = [w for w in NUMBER_WORDS if w != m.group(0).lower()]
        new_text = rng.choice(others)
        if m.group(0)[0].isupper():
            new_text = new_text.capitalize()
    return sentence[: m.start()] + new_text + sentence[m.end() :]


def toggle_negation(sentence: str) -> str | None:
    """Remove the first negation if there is one, else negate the first auxiliary verb."""
    for pattern, repl in _NEGATIONS:
        if pattern.search(sentence):
            return pattern.sub(repl, sentence, count=1)
    m = _AUX_RE.search(sentence)
    if m is None:
        return None
    return sentence[: m.end()] + " not" + sentence[m.end() :]


def shift_date(sentence: str, rng: random.Random) -> str | None:
    """Move a weekday, month or year mentioned in the sentence to another one."""
    options: list[tuple[re.Match[str], str]] = []
    for names in (WEEKDAYS, MONTHS):
        for m in re.finditer(r"\b(" + "|".join(names) + r")\b", sentence):
            options.append((m, rng.choice([n for n in names if n != m.group(0)])))
    for m in _YEAR_RE.finditer(sentence):
        options.append((m, str(int(m.group(0)) + rng.choice((-3, -2, -1, 1, 2, 4)))))
    if not options:
        return None
    m, new = rng.choice(options)
    return sentence[: m.start()] + new + sentence[m.end() :]


def swap_entity(
    sentence: Sentence, pool: dict[str, list[str]], rng: random.Random, types: Sequence[str] = ENTITY_TYPES
) -> str | None:
    """Replace one named entity with another entity of the same type from ``pool``."""
    ents = [(t, lab) for t, lab in sentence.entities if lab in types and t in sentence.text]
    rng.shuffle(ents)
    for text, label in ents:
        choices = [c for c in pool.get(label, []) if c not in sentence.text and text not in c and c not in text]
        if choices:
            return sentence.text.replace(text, rng.choice(sorted(set(choices))), 1)
    return None


def swap_speaker(sentence: Sentence, pool: dict[str, list[str]], rng: random.Random) -> str | None:
    """Attribute the statement to someone else: swap the PERSON next to a speech verb."""
    people = [t for t, lab in sentence.entities if lab == "PERSON" and t in sentence.text]
    for person in people:
        near = re.search(
            re.escape(person) + r"\W{0,3}\s*(?:\w+\s+){0,1}" + _SPEECH_CUE + r"|" + _SPEECH_CUE
            + r"\s+(?:\w+\s+){0,2}" + re.escape(person),
            sentence.text,
        )
        if near:
            return swap_entity(Sentence(sentence.text, ((person, "PERSON"),)), pool, rng, ("PERSON",))
    return None


# ---------------------------------------------------------------- entailment and neutral transformations
def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _clean(text: str) -> str:
    text = re.sub(r"\s+([,.])", r"\1", " ".join(text.split()))
    text = text.rstrip(" ,;:")
    if text and text[-1] not in ".!?”\"’":
        text += "."
    return text


def compress(sentence: str, rng: random.Random) -> str | None:
    """Drop attribution, parentheticals, a leading adverbial or a trailing clause, keeping the core.

    Only deletions that keep the remaining content asserted by the sentence are used: conditions
    ("if", "unless") are never dropped because that would change what is claimed.
    """
    steps = [
        _drop_attribution, _drop_parenthetical, _drop_leading_adverbial, _drop_trailing_clause,
        _drop_leading_clause, _drop_adverb,
    ]
    rng.shuffle(steps)
    out = sentence
    for step in steps[: rng.choice((1, 2, 2, 3))]:
        out = step(out) or out
    out = _clean(out)
    if out == _clean(sentence) or len(out.split()) < 5:
        return None
    return out


def _drop_attribution(s: str) -> str | None:
    for pattern in (_ATTRIBUTION_TAIL, _ACCORDING_HEAD, _ATTRIBUTION_HEAD):
        m = pattern.search(s)
        if m and '"' not in s and "“" not in s:
            rest = s[: m.start()] + "." if pattern is _ATTRIBUTION_TAIL else s[m.end() :]
            return _capitalize(rest)
    return None


def _drop_parenthetical(s: str) -> str | None:
    m = _PARENTHETICAL.search(s)
    return s[: m.start()] + s[m.end() :] if m else None


def _drop_leading_adverbial(s: str) -> str | None:
    m = _LEADING_ADVERBIAL.match(s)
    return _capitalize(s[m.end() :]) if m else None


def _drop_leading_clause(s: str) -> str | None:
    m = _LEADING_CLAUSE.match(s)
    return _capitalize(s[m.end() :]) if m else None


def _drop_adverb(s: str) -> str | None:
    m = _ADVERB.search(s)
    return s[: m.start()] + s[m.end() :] if m else None


def _drop_trailing_clause(s: str) -> str | None:
    m = _TRAILING_CLAUSE.search(s)
    if not m or len(s[: m.start()].split()) < 6 or s.count("“") != s.count("”"):
        return None
    return s[: m.start()] + "."


def remove_hedge(sentence: str) -> str | None:
    """Turn a hedged statement into a flat assertion ("will likely" -> "will", "may" -> "will")."""
    for pattern, repl in _HEDGES:
        if pattern.search(sentence):
            return _capitalize(pattern.sub(repl, sentence, count=1))
    return None


# ---------------------------------------------------------------- building pairs
def tag_entities(articles: list[list[str]]) -> list[list[Sentence]]:
    """Run spaCy NER over every sentence; lazily imported because only training needs it."""
    import spacy

    nlp = spacy.load(SPACY_MODEL, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    flat = [s for art in articles for s in art]
    docs = nlp.pipe(flat, batch_size=256)
    tagged = [Sentence(s, tuple((e.text, e.label_) for e in d.ents)) for s, d in zip(flat, docs, strict=True)]
    out: list[list[Sentence]] = []
    i = 0
    for art in articles:
        out.append(tagged[i : i + len(art)])
        i += len(art)
    return out


def entity_pool(sentences: Iterable[Sentence]) -> dict[str, list[str]]:
    """Collect entity strings by type (the swap candidates for one article)."""
    pool: dict[str, list[str]] = defaultdict(list)
    for s in sentences:
        for text, label in s.entities:
            if label in ENTITY_TYPES and text not in pool[label] and len(text) > 2:
                pool[label].append(text)
    return pool


def _contradict(sent: Sentence, pool: dict[str, list[str]], rng: random.Random) -> tuple[str, str] | None:
    rare, common = ["number", "speaker", "date"], ["entity", "negation"]
    rng.shuffle(rare)
    rng.shuffle(common)
    # Entity swaps and negations apply to almost any sentence; trying the rarer kinds first keeps the mix
    # closer to what real distortions look like (changed figures, misattributed quotes, wrong dates).
    kinds = rare + common
    base = sent
    if rng.random() < 0.4:
        short = compress(sent.text, rng)
        if short:
            base = Sentence(short, tuple(e for e in sent.entities if e[0] in short))
    for kind in kinds:
        out = {
            "number": lambda: change_number(base.text, rng),
            "entity": lambda: swap_entity(base, pool, rng),
            "negation": lambda: toggle_negation(base.text),
            "speaker": lambda: swap_speaker(base, pool, rng),
            "date": lambda: shift_date(base.text, rng),
        }[kind]()
        if out and out != base.text:
            return out, kind
    return None


def _neutral(
    art: list[Sentence], idx: int, window: int, others: list[list[Sentence]], rng: random.Random
) -> tuple[str, str] | None:
    hedged = remove_hedge(art[idx].text)
    if hedged and hedged != art[idx].text:
        return hedged, "hedge_removed"
    roll = rng.random()
    far = [j for j in range(len(art)) if abs(j - idx) > max(2, window)]
    if roll < 0.75 and far:
        return art[rng.choice(far)].text, "same_article"
    other = rng.choice(others)
    return (rng.choice(other).text, "other_article") if other else None


def build_pairs(tagged: list[list[Sentence]], options: SynthOptions) -> list[SynthPair]:
    """Build about ``options.n_pairs`` pairs, balanced over labels, from entity-tagged articles.

    Each candidate sentence is tried as the premise of one pair per label (as in SNLI, where one premise
    gets an entailed, a neutral and a contradicted hypothesis), so the model has to compare the two texts
    rather than judge the hypothesis alone. Labels are capped at a third of the total each.
    """
    rng = random.Random(options.seed)
    candidates = [(a, i) for a, art in enumerate(tagged) for i, s in enumerate(art) if is_candidate(s.text, options)]
    rng.shuffle(candidates)
    pools = [entity_pool(art) for art in tagged]
    quota = {lab: options.n_pairs // 3 + (1 if k < options.n_pairs % 3 else 0) for k, lab in enumerate(LABELS)}
    pairs: list[SynthPair] = []
    for a, i in candidates:
        if not any(quota.values()):
            break
        art = tagged[a]
        window = 1 if (rng.random() < options.context_prob and i + 1 < len(art)) else 0
        premise = " ".join(s.text for s in art[i : i + 1 + window])
        made = {
            "entailment": _entail(art, i, window, rng),
            "contradiction": _contradict(art[i], pools[a], rng),
            "neutral": _neutral(art, i, window, tagged, rng),
        }
        for label in LABELS:
            hyp = made[label]
            if quota[label] and hyp and hyp[0].strip() and hyp[0] != premise:
                pairs.append(SynthPair(premise, hyp[0], label, hyp[1]))
                quota[label] -= 1
    logger.info("built %d synthetic pairs from %d candidate sentences", len(pairs), len(candidates))
    return pairs


def _entail(art: list[Sentence], idx: int, window: int, rng: random.Random) -> tuple[str, str] | None:
    short = compress(art[idx].text, rng)
    if short:
        return short, "compression"
    if window and rng.random() < 0.5:
        # The premise holds two sentences: the second one alone is entailed (extra context must not hurt).
        return art[idx + 1].text, "extract"
    return None


def build_from_dir(text_dir: Path, options: SynthOptions) -> list[SynthPair]:
    """Read, tag and transform a folder of articles (the whole recipe)."""
    return build_pairs(tag_entities(read_articles(text_dir)), options)


def write_jsonl(pairs: Iterable[SynthPair], path: Path) -> int:
    """Write pairs in the NLI JSONL shape (premise, hypothesis, label, source, kind); returns the count."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic news NLI set, e.g. the held-out test set from ../shared/corpus/polnear/dev/text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text_dir", type=Path, help="folder of *.txt articles (title on the first line)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write (keep it out of the repo)")
    parser.add_argument("--n", type=int, default=1500, help="number of pairs")
    parser.add_argument("--seed", type=int, default=101)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    n = write_jsonl(build_from_dir(args.text_dir, SynthOptions(n_pairs=args.n, seed=args.seed)), args.out)
    print(f"wrote {n} pairs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
