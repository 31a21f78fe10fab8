"""Signals that two tellings are one happening, and the small model that weighs them.

An article is compared with an event (the members it already has) on six signals: the lead-embedding
cosine to the event's centroid and to its average member (average link: one odd member cannot pull the
event toward everything near it), how much of the article's distinctive vocabulary its members share (TF-IDF
weights over the whole text, so title-less wire copy still has its words), how many of its rare names and
its numbers they carry (and whether both sides have names, or numbers, and share none: two earthquakes on
one day differ in their places and tolls), the days between them, a soft factor rather than a wall, and how far
the event's centroid cosine leads the next candidate's (a ratio test: among many look-alike events a close one
says less). A logistic regression fitted on labelled pairs (`eval/fit_events.py`, train splits only) turns
them into a probability; its coefficients are the committed `assets/same-event.json`.
"""

from __future__ import annotations

import base64
import heapq
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wiretrace.stories.names import names_in

MODEL_FILE = Path(__file__).parent / "assets" / "same-event.json"
FEATURES = ("centroid_cosine", "mean_cosine", "max_cosine", "term_cover", "term_cosine", "max_term_cosine",
            "name_cover", "number_cover", "names_disjoint", "numbers_disjoint", "log_gap_days", "undated",
            "log_size", "cosine_margin")
_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d(?:%|\b)|(?<![\w.])\d(?:%|\b)")
_STOP = frozenset("""
the and for that with this from have has had was were are been being will would could should can not but its
his her their our they them she him who whom which what when where while also said says say about after
before into over than then there here more most other some such only just very any all one two new out
upon onto off per via yet nor too own same both each few those these because between during without within
""".split())
BUCKETS = 1 << 18  # hashed vocabulary: the state stays bounded however many articles are stored


@dataclass(frozen=True)
class TextSignals:
    """What is read from one article's text once: its names, numbers and word counts."""

    names: tuple[str, ...]
    numbers: frozenset[str]
    words: dict[str, int]
    buckets: tuple[int, ...] | None = None  # `bucket` of each word, in `words` order (read with the words)

    def tf_vector(self) -> dict[str, float]:
        """Sublinear term frequencies at unit length: a member's side of the term cosine.

        No idf here, so a stored member's vector depends on its text alone and a restored event adds up to
        exactly what it held when it was built; the rarity weighting comes from the article's side.
        """
        weights = {w: 1.0 + math.log(c) for w, c in self.words.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {w: v / norm for w, v in weights.items()}


def read_signals(texts: list[str], top_names: int = 15) -> list[TextSignals]:
    """The signals of each text (title and body joined); a module-level function so that it pickles."""
    out = []
    for text in texts:
        lowered = text.lower()
        numbers = frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text))
        words = Counter(w for w in _WORD.findall(lowered) if w not in _STOP)
        words = dict(words)
        out.append(TextSignals(tuple(names_in(text, top_names)), numbers, words, tuple(map(bucket, words))))
    return out


def bucket(word: str) -> int:
    """A word's slot in the hashed document-frequency table (crc32: the same in every process)."""
    return zlib.crc32(word.encode("utf-8")) % BUCKETS


@dataclass
class WordFrequencies:
    """Document frequencies of words in hashed buckets, so rare shared words weigh more than common ones."""

    docs: int = 0
    counts: np.ndarray = field(default_factory=lambda: np.zeros(BUCKETS, dtype=np.int32))

    def add(self, words: dict[str, int], buckets: Sequence[int] | None = None) -> None:
        """Count one more document holding these words (`buckets`: their buckets, when already known)."""
        self.docs += 1
        self.counts[list(buckets) if buckets is not None else [bucket(w) for w in words]] += 1

    def keywords(self, words: dict[str, int], top: int, buckets: Sequence[int] | None = None) -> dict[str, float]:
        """The `top` words by TF-IDF (sublinear tf, smoothed idf), with their weights; ties alphabetical.

        `buckets` are the words' buckets in `words` order, when already known (the counts are then read in
        one numpy take instead of one scalar read a word, most of this function's time at 100k articles).
        """
        slots = list(buckets) if buckets is not None else [bucket(w) for w in words]
        held = self.counts[slots].tolist() if slots else []
        docs = 1 + self.docs
        weights = [(w, (1.0 + math.log(c)) * (math.log(docs / (1 + d)) + 1.0))
                   for (w, c), d in zip(words.items(), held, strict=True)]
        return dict(heapq.nsmallest(top, weights, key=lambda kv: (-kv[1], kv[0])))

    def to_state(self) -> dict:
        """A JSON-able form (the counts zlib-compressed, base64)."""
        packed = base64.b64encode(zlib.compress(self.counts.astype("<i4").tobytes(), 6)).decode("ascii")
        return {"docs": self.docs, "counts": packed}

    @classmethod
    def from_state(cls, state: dict | None) -> WordFrequencies:
        """Back from `to_state`'s form; an empty table when there is none."""
        if not state:
            return cls()
        raw = zlib.decompress(base64.b64decode(state["counts"]))
        return cls(int(state["docs"]), np.frombuffer(raw, dtype="<i4").astype(np.int32))


@dataclass(frozen=True)
class Regression:
    """One logistic regression over `FEATURES` and the least probability for an article to join.

    Attributes:
        weights: one coefficient per feature, in `FEATURES` order.
        bias: the intercept.
        threshold: the least probability for an article to join its best event (else it starts one),
            chosen on the train splits by B3-F1 of the whole clustering, not of single decisions.
    """

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5

    def probability(self, features: list[float]) -> float:
        """σ(bias + weights · features)."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class SameEventModel:
    """The probability that an article belongs to an event: one regression for dated pairs, one for undated.

    Two, not one with an "undated" feature: with dates, a day apart is strong evidence and loosely worded
    retellings of one happening still belong together (PolNeAR's debate coverage); without them only the
    words can tell two look-alike events apart (NeuS), so the same cosine means less. A linear model with
    a shared slope cannot say both.

    Attributes:
        dated: used when the article and the event both have dates.
        undated: used otherwise.
        trained_on: what the coefficients and thresholds were fitted on, for the record.
    """

    dated: Regression
    undated: Regression
    trained_on: str = ""

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SameEventModel:
        """The committed model (or another file of the same shape)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: features {data['features']} are not {list(FEATURES)}; refit it")
        parts = {k: Regression(tuple(float(w) for w in data[k]["weights"]), float(data[k]["bias"]),
                               float(data[k]["threshold"])) for k in ("dated", "undated")}
        return cls(parts["dated"], parts["undated"], str(data.get("trained_on", "")))

    def regression(self, features: list[float]) -> Regression:
        """The regression for this pair: undated when the `undated` feature is set."""
        return self.undated if features[_UNDATED] else self.dated


_UNDATED = FEATURES.index("undated")
