"""FNC-1 headline/body pairs turned into sentence-level NLI pairs for the stance model.

FNC-1 is real news: a headline and an article body labelled agree, disagree, discuss or unrelated. The
stance model reads a premise of at most 128 tokens, so each pair becomes the body's best-matching
sentence (by shared content words) as premise and the headline as hypothesis: agree -> entailment,
disagree -> contradiction, discuss and unrelated -> neutral (a body that reports a claim without taking
a side does not entail it).

FNC-1's files reuse headlines and bodies across the train/dev split (a headline comes with dozens of
bodies), so training on every train row would let the model memorise dev headlines. Rows are therefore
split by *topic*: headlines and bodies joined by a related (non-unrelated) row form one component, and a
seeded hash keeps a share of the components out of training altogether. `unseen_rows` picks the dev rows
whose headline and body the model never saw, the clean subset ``eval/fnc.py --unseen`` reports.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wiretrace.ml.stance.synth import split_sentences

SHARED = Path("..") / "shared"
FNC_LABEL = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral", "unrelated": "neutral"}
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to in on for and or but is are was were be been has have had it its this that with as at by"
    " from he she they his her their after over says said will would could can may not no".split()
)
csv.field_size_limit(1 << 26)


@dataclass(frozen=True)
class FncOptions:
    """Which FNC-1 rows become training pairs.

    Attributes:
        stances: the training stances file (never ``dev_stances.csv``).
        bodies: the bodies file both splits share.
        holdout_share: share of topics (components) kept out of training, so a clean dev subset exists.
        max_per_stance: cap per FNC stance (seeded sample); FNC-1 is 73% unrelated, which the NLI data
            already covers, while its 756 disagree rows are the rare real-news contradictions wanted most.
        context_share: share of premises that get the second-best sentence appended (longer premises).
        min_overlap: content words a premise must share with the headline; below it the pair is dropped
            for agree/disagree (the body's stance is then in no single sentence) and kept for the rest.
        seed: sampling seed.
    """

    stances: Path = SHARED / "eval" / "fnc1" / "train_stances.csv"
    bodies: Path = SHARED / "eval" / "fnc1" / "bodies.csv"
    holdout_share: float = 0.25
    max_per_stance: tuple[tuple[str, int], ...] = (("agree", 4000), ("disagree", 1000), ("discuss", 3000), ("unrelated", 1500))
    context_share: float = 0.3
    min_overlap: int = 2
    seed: int = 13


@dataclass(frozen=True)
class FncPair:
    """One training pair built from an FNC-1 row."""

    premise: str
    hypothesis: str
    label: str
    stance: str


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    """(headline, body id, stance) rows of an FNC-1 stances file."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)]


def read_bodies(path: Path) -> dict[str, str]:
    """Body id -> article text."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}


def topics(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """Node ('h:' headline or 'b:' body id) -> its topic: the components of related rows (union-find).

    Unrelated rows join an arbitrary headline with an arbitrary body, so they do not join topics.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for headline, body, stance in rows:
        a, b = find("h:" + headline), find("b:" + body)
        if stance != "unrelated" and a != b:
            parent[max(a, b)] = min(a, b)
    return {node: find(node) for node in list(parent)}


def held_out(topic: str, share: float, seed: int) -> bool:
    """Whether a topic stays out of training: a seeded hash, stable across runs and machines."""
    digest = hashlib.sha1(f"{seed}:{topic}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def training_rows(rows: list[tuple[str, str, str]], options: FncOptions) -> list[tuple[str, str, str]]:
    """The rows whose headline and body both belong to training topics."""
    topic = topics(rows)

    def trained(node: str) -> bool:
        return not held_out(topic[node], options.holdout_share, options.seed)

    return [r for r in rows if trained("h:" + r[0]) and trained("b:" + r[1])]


def unseen_rows(eval_rows: list[tuple[str, str, str]], options: FncOptions | None = None) -> list[tuple[str, str, str]]:
    """The evaluation rows whose headline and body never occur in the rows the model trained on."""
    options = options or FncOptions()
    used = training_rows(read_rows(options.stances), options)
    headlines = {r[0] for r in used}
    bodies = {r[1] for r in used}
    return [r for r in eval_rows if r[0] not in headlines and r[1] not in bodies]


def content_words(text: str) -> set[str]:
    """Lower-cased words without the commonest function words."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def best_sentences(headline: str, body: str, n: int = 2) -> list[tuple[int, str]]:
    """The body's sentences sharing the most content words with the headline: (overlap, sentence)."""
    want = content_words(headline)
    scored = []
    # the splitter drops an article's first line as its title; an FNC-1 body has no title line
    for i, sentence in enumerate(split_sentences("-\n" + body)):
        sentence = sentence.strip()
        if 20 <= len(sentence) <= 400:
            scored.append((len(want & content_words(sentence)), -i, sentence))
    scored.sort(reverse=True)
    return [(overlap, sentence) for overlap, _, sentence in scored[:n]]


def build_pairs(options: FncOptions | None = None) -> list[FncPair]:
    """Sentence-level NLI pairs from the training topics of the FNC-1 training file."""
    options = options or FncOptions()
    rows = training_rows(read_rows(options.stances), options)
    return pairs_of(rows, read_bodies(options.bodies), options, dict(options.max_per_stance))


def pairs_of(rows: list[tuple[str, str, str]], bodies: dict[str, str], options: FncOptions,
             caps: dict[str, int] | None = None) -> list[FncPair]:
    """One pair per row (at most ``caps[stance]`` rows per stance, a seeded sample), in stance order."""
    rng = random.Random(options.seed)
    by_stance: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        by_stance.setdefault(row[2], []).append(row)
    pairs: list[FncPair] = []
    for stance in FNC_LABEL:
        chosen = by_stance.get(stance, [])
        cap = (caps or {}).get(stance, len(chosen))
        chosen = rng.sample(chosen, cap) if len(chosen) > cap else chosen
        for headline, body_id, _ in chosen:
            best = best_sentences(headline, bodies.get(body_id, ""))
            if not best or (stance in ("agree", "disagree") and best[0][0] < options.min_overlap):
                continue
            premise = best[0][1]
            if len(best) > 1 and rng.random() < options.context_share:
                premise = f"{premise} {best[1][1]}"
            pairs.append(FncPair(premise, headline.strip(), FNC_LABEL[stance], stance))
    return pairs


def summary(pairs: list[FncPair]) -> dict[str, int]:
    """Pairs per FNC stance (for logs and the model card)."""
    return dict(sorted(Counter(p.stance for p in pairs).items()))


def main(argv: list[str] | None = None) -> int:
    """Write the sentence pairs of an FNC-1 stances file's unseen rows as NLI-shaped JSONL (for eval/stance.py).

    ``python -m wiretrace.ml.stance.fnc ../shared/eval/fnc1/dev_stances.csv --out FNC_DEV.jsonl``
    """
    import argparse
    import json

    p = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    p.add_argument("stances", type=Path)
    p.add_argument("--bodies", type=Path, default=FncOptions().bodies)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    options = FncOptions()
    rows = unseen_rows(read_rows(a.stances), options)
    pairs = pairs_of(rows, read_bodies(a.bodies), options)
    with a.out.open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps({"premise": pair.premise, "hypothesis": pair.hypothesis, "label": pair.label,
                                 "kind": pair.stance}) + "\n")
    print(f"{a.out}: {len(pairs)} pairs {summary(pairs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
