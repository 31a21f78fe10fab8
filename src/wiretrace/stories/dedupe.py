"""Near-duplicates and syndicated copies: which articles are one report, printed more than once.

Two checks, because copies come in two kinds. Verbatim or lightly edited copies share most word
3-grams: MinHash LSH finds them without comparing every pair. Rewritten wire copies (trimmed, re-ordered,
re-headlined) share few 3-grams (true copies in the NEWS-COPY study average only 30% 3-gram Jaccard), so
a second check pairs articles whose leads embed close together, that appeared within a few days of each
other, and whose rare words (names, numbers) the shorter one mostly takes from the longer. Articles on the
same event written independently share the names but not the wording, which is what the 3-gram
containment floor of the second check keeps out.

A copy group counts as one source downstream; its earliest member is the likely original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import numpy as np

from wiretrace.engines.local import map_chunks, usable_cores
from wiretrace.models import Article, CopyLink
from wiretrace.store import Store

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class DedupeOptions:
    """Thresholds of the two copy checks; defaults tuned on the PolNeAR wire copies.

    Attributes:
        num_perm: MinHash permutations (signature length).
        bands: LSH bands; with 64 permutations, 16 bands of 4 rows catch pairs above ~0.5 Jaccard.
        shingle: words per shingle.
        jaccard: estimated 3-gram Jaccard at or above which two articles are copies.
        containment: share of the shorter article's 3-grams found in the longer one that also makes a copy
            (a trimmed wire story is contained in the full one even when the Jaccard is low).
        rewrite_cosine: lead-embedding cosine at or above which the rewritten-copy check runs.
        rewrite_rare: share of the shorter article's rare words the longer one must contain.
        rewrite_min_containment: 3-gram containment floor of the rewritten-copy check.
        max_days: publication dates further apart than this are never rewritten copies.
        seed: seeds the MinHash permutations, so signatures and groups are reproducible.
    """

    num_perm: int = 64
    bands: int = 16
    shingle: int = 3
    jaccard: float = 0.5
    containment: float = 0.6
    rewrite_cosine: float = 0.9
    rewrite_rare: float = 0.6
    rewrite_min_containment: float = 0.15
    max_days: int = 3
    seed: int = 1


@dataclass
class Fingerprint:
    """What the copy checks need of one article: shingle hashes, MinHash signature, rare words, date."""

    article: str
    shingles: np.ndarray
    signature: np.ndarray
    rare: frozenset[str] = field(default_factory=frozenset)
    day: date | None = None


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits), the unit of shingles."""
    return _WORD.findall(text.lower())


_MAX_WORD = 64  # characters of a word that count for its hash; longer tokens are URLs or junk
_WORD_KEYS = np.random.default_rng(0x5EED).integers(1, 2**63, size=_MAX_WORD, dtype=np.uint64) | np.uint64(1)
_GRAM_KEYS = np.random.default_rng(0x6EA5).integers(1, 2**63, size=16, dtype=np.uint64) | np.uint64(1)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: spreads a linear hash's bits so that its top 32 bits are uniform."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def word_hashes(tokens: Sequence[str]) -> np.ndarray:
    """64-bit hashes of words, computed by numpy on their code points (no Python call per word).

    Each word is a row of UTF-32 code points, padded with zeros; its hash is the dot product with fixed
    random odd keys, wrapping modulo 2**64. Zero padding adds nothing, so a word hashes the same in any
    batch, run or platform.
    """
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    codes = np.array(tokens)
    if codes.dtype.itemsize > 4 * _MAX_WORD:
        codes = codes.astype(f"<U{_MAX_WORD}")
    width = codes.dtype.itemsize // 4
    points = np.ascontiguousarray(codes, dtype=f"<U{width}").view("<u4").reshape(len(tokens), width)
    return points.astype(np.uint64) @ _WORD_KEYS[:width]


def shingle_hashes(text: str, size: int = 3) -> np.ndarray:
    """Sorted unique 32-bit hashes (as uint64) of the word `size`-grams, stable across runs and platforms."""
    tokens = words(text)
    if len(tokens) < size:
        tokens = tokens + [""] * (size - len(tokens))
    hashes = word_hashes(tokens)
    count = len(tokens) - size + 1
    grams = hashes[:count] * _GRAM_KEYS[0]
    for offset in range(1, size):
        grams = grams + hashes[offset : offset + count] * _GRAM_KEYS[offset % len(_GRAM_KEYS)]
    return np.unique(_mix(grams) >> np.uint64(32))


def _permutations(options: DedupeOptions) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(options.seed)
    a = rng.integers(1, 2**63, size=options.num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=options.num_perm, dtype=np.uint64)
    return a, b


def minhash(shingles: np.ndarray, options: DedupeOptions) -> np.ndarray:
    """MinHash signature by multiply-shift hashing: one vectorized pass, no Python loop per permutation.

    `(a * x + b) mod 2**64 >> 32` with odd `a` is a universal hash family for 32-bit `x`, and costs a
    multiply and a shift where datasketch's Mersenne-prime scheme also needs a modulo.
    """
    return minhash_many([shingles], options)[0]


# Shingles hashed per numpy pass: 64 permutations x 8 bytes x this = 4 MB, which stays in cache; 100,000
# (51 MB per temporary) was 3.5x slower on PolNeAR (0.85 s vs 0.24 s for 840 articles).
_MINHASH_BATCH = 8_000


def minhash_many(shingle_sets: Sequence[np.ndarray], options: DedupeOptions) -> np.ndarray:
    """Signatures of many shingle sets, shape (len, num_perm), uint32; batched so numpy, not Python, loops."""
    a, b = _permutations(options)
    out = np.empty((len(shingle_sets), options.num_perm), dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        stop, total = start, 0
        while stop < len(shingle_sets) and (stop == start or total + len(shingle_sets[stop]) <= _MINHASH_BATCH):
            total += len(shingle_sets[stop])
            stop += 1
        chunk = shingle_sets[start:stop]
        flat = np.concatenate(chunk)
        offsets = np.concatenate([[0], np.cumsum([len(c) for c in chunk])[:-1]])
        hashed = np.multiply(a[:, None], flat[None, :])  # in place from here: no second temporary
        hashed += b[:, None]
        hashed >>= np.uint64(32)
        out[start:stop] = np.minimum.reduceat(hashed, offsets, axis=1).T
        start = stop
    return out


def signatures_of(texts: Sequence[str], options: DedupeOptions, workers: int = 1) -> np.ndarray:
    """MinHash signatures of texts, one row each; with `workers` > 1, large batches in processes."""
    if workers > 1:
        rows = map_chunks(partial(_signature_rows, options=options), texts, workers)
        return np.stack(rows) if rows else np.zeros((0, options.num_perm), dtype=np.uint32)
    return minhash_many([shingle_hashes(t, options.shingle) for t in texts], options)


def _signature_rows(texts: list[str], options: DedupeOptions) -> list[np.ndarray]:
    return list(signatures_of(texts, options))


_CAPITAL = re.compile(r"\b(?:[A-Z][\w'’-]+|\d[\d,.]*\d|\d)\b")


def rare_words(text: str) -> frozenset[str]:
    """Capitalized words and numbers: what a rewrite keeps (names, figures) while it changes the wording."""
    return frozenset(w.lower() for w in _CAPITAL.findall(text) if len(w) > 1 or w.isdigit())


def parse_day(published: str | None) -> date | None:
    """The date part of an ISO timestamp, or None when absent or unreadable."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def fingerprint(article: Article, options: DedupeOptions) -> Fingerprint:
    """The fingerprint of one article (title excluded: outlets re-headline copies)."""
    shingles = shingle_hashes(article.text, options.shingle)
    return Fingerprint(
        article.id, shingles, minhash(shingles, options), rare_words(article.text), parse_day(article.published)
    )


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Exact shingle Jaccard of two fingerprints."""
    shared = np.intersect1d(a.shingles, b.shingles, assume_unique=True).size
    return shared / max(a.shingles.size + b.shingles.size - shared, 1)


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Share of the smaller shingle set found in the other (symmetric by construction)."""
    shared = np.intersect1d(a.shingles, b.shingles, assume_unique=True).size
    return shared / max(min(a.shingles.size, b.shingles.size), 1)


def _rare_containment(a: Fingerprint, b: Fingerprint) -> float:
    small, large = (a.rare, b.rare) if len(a.rare) <= len(b.rare) else (b.rare, a.rare)
    return len(small & large) / max(len(small), 1)


def _days_apart(a: Fingerprint, b: Fingerprint) -> int:
    if a.day is None or b.day is None:
        return 0
    return abs((a.day - b.day).days)


def copy_score(a: Fingerprint, b: Fingerprint, cosine: float | None, options: DedupeOptions) -> float:
    """Similarity of a pair if it is a copy, else 0.0; symmetric in `a` and `b`.

    Args:
        a: one article's fingerprint.
        b: the other's.
        cosine: lead-embedding cosine of the pair, or None when no vectors were given.
        options: thresholds.
    """
    jac, cont = jaccard(a, b), containment(a, b)
    if jac >= options.jaccard or cont >= options.containment:
        return max(jac, cont)
    rewritten = (
        cosine is not None
        and cosine >= options.rewrite_cosine
        and cont >= options.rewrite_min_containment
        and _days_apart(a, b) <= options.max_days
        and _rare_containment(a, b) >= options.rewrite_rare
    )
    return float(cosine) if rewritten else 0.0


def lsh_pairs(signatures: np.ndarray, new: np.ndarray, options: DedupeOptions) -> set[tuple[int, int]]:
    """Index pairs (i < j, at least one new) that share an LSH band: the verbatim-copy candidates.

    Each band's rows are hashed to one 64-bit key and sorted, so buckets are runs of equal keys; only
    buckets with two or more members reach Python. A key collision adds a candidate, never loses one,
    and candidates are scored exactly afterwards.
    """
    rows = options.num_perm // options.bands
    pairs: set[tuple[int, int]] = set()
    if len(signatures) < 2:
        return pairs
    for band in range(options.bands):
        block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
        keys = _mix(block @ _GRAM_KEYS[:rows])
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        sizes = np.diff(np.concatenate([starts, [len(keys)]]))
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            members = sorted(order[start : start + size].tolist())
            pairs.update(_pairs_touching_new(members, new))
    return pairs


def _pairs_touching_new(members: list[int], new: np.ndarray) -> Iterable[tuple[int, int]]:
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            if new[i] or new[j]:
                yield (i, j)


def window_pairs(
    vectors: np.ndarray, days: Sequence[date | None], new: np.ndarray, threshold: float, max_days: int
) -> dict[tuple[int, int], float]:
    """Pairs (i < j, at least one new) published within `max_days` whose vectors' cosine is >= threshold.

    Blocking by date keeps this linear in the corpus for a steady flow of news: each new article is
    compared only with the few days around it, exactly (no approximate index, so no missed or random
    neighbours). Two new articles are compared once, from the later one's day. Undated articles are
    compared with everything.
    """
    ordinal = np.array([d.toordinal() if d else -1 for d in days], dtype=np.int64)
    dated = np.flatnonzero(ordinal >= 0)
    dated = dated[np.argsort(ordinal[dated], kind="stable")]
    undated = np.flatnonzero(ordinal < 0)
    found: dict[tuple[int, int], float] = {}
    for day in np.unique(ordinal[new & (ordinal >= 0)]):
        lo, hi = np.searchsorted(ordinal[dated], [day - max_days, day + max_days + 1])
        near = dated[lo:hi]
        near = near[(ordinal[near] <= day) | ~new[near]]
        rows = np.flatnonzero(new & (ordinal == day))
        _collect(vectors, rows, np.concatenate([near, undated]), threshold, found)
    rows = np.flatnonzero(new & (ordinal < 0))
    for start in range(0, len(rows), 512):
        _collect(vectors, rows[start : start + 512], np.arange(len(vectors)), threshold, found)
    return found


def _collect(vectors: np.ndarray, rows: np.ndarray, cols: np.ndarray, threshold: float, found: dict) -> None:
    sims = vectors[rows] @ vectors[cols].T
    for r, c in zip(*np.nonzero(sims >= threshold), strict=True):
        i, j = int(rows[r]), int(cols[c])
        if i != j:
            found[(min(i, j), max(i, j))] = float(sims[r, c])


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def earliest_key(day: date | None, article_id: str) -> tuple[bool, date, str]:
    """Sort key putting the earliest-published article first (undated last, ties by id)."""
    return (day is None, day or date.max, article_id)


def link_copies(
    ids: Sequence[str], days: Sequence[date | None], scores: dict[tuple[int, int], float], previous: Sequence[CopyLink]
) -> list[CopyLink]:
    """Copy groups from accepted pairs (and groups already stored): one `CopyLink` per article.

    The group id is the earliest member's id, so a group keeps its id as later copies join it.
    """
    index = {a: i for i, a in enumerate(ids)}
    union = _UnionFind(len(ids))
    for i, j in scores:
        union.union(i, j)
    for link in previous:
        if link.copy_of is not None and link.copy_of in index and link.article in index:
            union.union(index[link.article], index[link.copy_of])
    best: dict[int, float] = {}
    for (i, j), score in scores.items():
        best[i], best[j] = max(best.get(i, 0.0), score), max(best.get(j, 0.0), score)
    groups: dict[int, list[int]] = {}
    for i in range(len(ids)):
        groups.setdefault(union.find(i), []).append(i)
    links = []
    for members in groups.values():
        members.sort(key=lambda i: earliest_key(days[i], ids[i]))
        links.extend(_group_links(members, ids, scores, best))
    return sorted(links, key=lambda c: (c.group, c.article))


def _group_links(
    members: list[int], ids: Sequence[str], scores: dict[tuple[int, int], float], best: dict[int, float]
) -> list[CopyLink]:
    """Links of one group: similarity to the original where that pair was scored, else the best pair."""
    first = members[0]
    links = [CopyLink(ids[first], ids[first], None, 1.0)]
    for i in members[1:]:
        score = scores.get((min(i, first), max(i, first))) or best.get(i, 1.0)
        links.append(CopyLink(ids[i], ids[first], ids[first], round(float(score), 4)))
    return links


def find_copies(
    articles: Sequence[Article],
    options: DedupeOptions | None = None,
    vectors: np.ndarray | None = None,
    new: np.ndarray | None = None,
    signatures: np.ndarray | None = None,
    previous: Sequence[CopyLink] = (),
    workers: int = 1,
) -> list[CopyLink]:
    """Copy links for all `articles`, comparing only pairs that involve a `new` one.

    Args:
        articles: every article to group (old and new).
        options: thresholds; defaults if None.
        vectors: unit-length lead embeddings, one row per article; None skips the rewritten-copy check.
        new: which articles to compare (default: all); pairs of two old articles were judged before.
        signatures: MinHash signatures, one row per article, so old ones need not be recomputed.
        previous: stored links, whose groups are kept.
        workers: processes that shingle the candidates' texts (and sign them, without `signatures`).

    Returns:
        One `CopyLink` per article, sorted by group then article.
    """
    options = options or DedupeOptions()
    new = np.ones(len(articles), dtype=bool) if new is None else np.asarray(new, dtype=bool)
    days = [parse_day(a.published) for a in articles]
    if signatures is None:
        signatures = signatures_of([a.text for a in articles], options, workers)
    candidates = dict.fromkeys(lsh_pairs(signatures, new, options))
    if vectors is not None and len(articles):
        candidates.update(window_pairs(vectors, days, new, options.rewrite_cosine, options.max_days))
    # Fingerprints of every article in a candidate pair (the signature is known: only shingles and rare
    # words are computed again), in processes when there are many.
    needed = sorted({k for pair in candidates for k in pair})
    parts = map_chunks(partial(_fingerprint_parts, size=options.shingle), [articles[k].text for k in needed], workers)
    prints = {k: Fingerprint(articles[k].id, shingles.astype(np.uint64), signatures[k], rare, days[k])
              for k, (shingles, rare) in zip(needed, parts, strict=True)}
    scores = {}
    for (i, j), cosine in sorted(candidates.items()):
        score = copy_score(prints[i], prints[j], cosine, options)
        if score > 0:
            scores[(i, j)] = score
    return link_copies([a.id for a in articles], days, scores, previous)


def _fingerprint_parts(texts: list[str], size: int) -> list[tuple[np.ndarray, frozenset[str]]]:
    """Shingle hashes (as uint32, half the bytes to send back from a worker) and rare words of texts."""
    return [(shingle_hashes(text, size).astype(np.uint32), rare_words(text)) for text in texts]


def signature_key(options: DedupeOptions) -> str:
    """Name under which MinHash signatures are cached in the store's embedding table.

    "minhash2": shingles are hashed by `word_hashes`, not crc32 as before, so older cached signatures
    (key "minhash-…") are not comparable and are left unread.
    """
    return f"minhash2-w{options.shingle}-p{options.num_perm}-s{options.seed}"


def update_copies(
    store: Store, articles: Sequence[Article], vectors: np.ndarray | None, new: np.ndarray,
    options: DedupeOptions | None = None,
    previous: Sequence[CopyLink] = (),
) -> list[CopyLink]:
    """`find_copies` with MinHash signatures cached in the store (as float32 bit patterns)."""
    options = options or DedupeOptions()
    key = signature_key(options)
    cached = store.get_embeddings(key)
    missing = [a for a in articles if a.id not in cached]
    computed = signatures_of([a.text for a in missing], options, workers=usable_cores())
    fresh = dict(zip([a.id for a in missing], computed, strict=True))
    if fresh:
        store.put_embeddings(key, {k: v.view(np.float32) for k, v in fresh.items()})
    signatures = np.stack([fresh[a.id] if a.id in fresh else cached[a.id].view(np.uint32) for a in articles])
    return find_copies(articles, options, vectors, new, signatures, previous, workers=usable_cores())
