"""Two-level story clustering: articles into events (one happening), events into stories.

Single-pass and incremental, after Miranda et al. 2018 ("Multilingual clustering of streaming news"):
articles are taken in publication order and each joins the most similar recent event, or starts one.
Similarity mixes the lead-embedding cosine to the event centroid with the overlap of capitalized names
(weighted by rarity, so "Trump" says little and "Pagliano" a lot) and subtracts a penalty for the days
between the article and the event. Only events active within a few days are compared, so the cost per
article stays flat as the store grows, and the comparison is exact: no approximate index whose
neighbours could differ run to run (a year of 100k articles keeps a few hundred events active, which one
matrix-vector product scores faster than an index could be updated). Events then join stories the same
way, with a longer window and a lower bar. State (names per event, name document frequencies) lives in
the store's meta table; centroids are rebuilt from cached article vectors, so a new article never
re-clusters the rest.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import numpy as np

from wiretrace.engines.local import map_chunks, usable_cores
from wiretrace.models import Article, CopyLink, Event, Story
from wiretrace.store import Store
from wiretrace.stories.dedupe import DedupeOptions, earliest_key, parse_day, update_copies

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|\b[A-Z]{2,5}\b", re.M)
_NOT_NAME_WORDS = """
the a an but and or if in on at for of to by with from as this that these those it its he she they we
his her their our you your mr mrs ms dr sen rep gov president monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december
after before when while there here what who why how also however still even just now so then yet
according said says
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


@dataclass(frozen=True)
class ClusterOptions:
    """Thresholds of the two clustering levels; defaults tuned on hand-labeled PolNeAR events.

    Attributes:
        event_threshold: minimum score for an article to join an event.
        story_threshold: minimum score for an event to join a story.
        name_weight: share of the score given to name overlap (the rest is embedding cosine).
        event_days: an event takes articles up to this many days after its last one. Two, not more: a
            piece three days after the last report is follow-up (a new event in the same story), and a
            longer window let primary-season coverage chain into one event for a fortnight.
        story_days: a story takes events up to this many days after its last one.
        day_penalty: score subtracted per day between an article and the event's date range.
        top_names: names per article that count for the overlap.
    """

    event_threshold: float = 0.46
    story_threshold: float = 0.6
    name_weight: float = 0.2
    event_days: int = 2
    story_days: int = 30
    day_penalty: float = 0.03
    top_names: int = 15


@dataclass
class Grouping:
    """Everything clustering produces: copy links, events and stories."""

    copies: list[CopyLink] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


@dataclass
class _Cluster:
    """Running state of one event or story: vector sum, name counts and date range."""

    id: str
    members: list[str]
    vector: np.ndarray
    names: Counter
    first: date | None
    last: date | None
    parent: str | None = None
    index: int = -1

    def add(self, member: str, vector: np.ndarray, names: Iterable[str], day: date | None) -> None:
        self.members.append(member)
        self.vector = self.vector + vector
        self.names.update(names)
        self.stretch(day)

    def stretch(self, day: date | None) -> None:
        """Widen the date range to include `day`."""
        if day is not None:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)


def names_in(text: str, top: int = 15) -> list[str]:
    """The `top` most frequent capitalized names of a text, lower-cased (ties broken alphabetically).

    A regex, not spaCy's NER: it is 100 times faster and, for overlap between articles, good enough.
    """
    counts = Counter(
        n.lower() for n in _NAME.findall(text) if n.lower() not in _NOT_NAMES and len(n) > 2
    )
    return [n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _names_of(texts: list[str], top: int) -> list[list[str]]:
    return [names_in(text, top) for text in texts]


class NameFrequencies:
    """Document frequencies of names, so shared rare names weigh more than shared common ones."""

    def __init__(self, docs: int = 0, counts: dict[str, int] | None = None):
        self.docs = docs
        self.counts = Counter(counts or {})

    def add(self, names: Iterable[str]) -> None:
        """Count one more document with these names."""
        self.docs += 1
        self.counts.update(set(names))

    def idf(self, name: str) -> float:
        """Smoothed inverse document frequency; unseen names get the highest weight."""
        return math.log((1 + self.docs) / (1 + self.counts.get(name, 0))) + 1.0


def name_overlap(names: Sequence[str], cluster: _Cluster, freq: NameFrequencies,
                 weights: Sequence[float] | None = None) -> float:
    """Rarity-weighted share of the article's names that the cluster's members usually carry.

    `weights` (the names' idf, in order) may be passed in when one article is scored against many clusters.
    """
    if not names:
        return 0.0
    size = len(cluster.members)
    weights = [freq.idf(n) for n in names] if weights is None else weights
    shared = sum(w * min(1.0, cluster.names.get(n, 0) / size) for n, w in zip(names, weights, strict=True))
    return shared / sum(weights)


def _gap(day: date | None, cluster: _Cluster) -> int:
    if day is None or cluster.first is None or cluster.last is None:
        return 0
    if day < cluster.first:
        return (cluster.first - day).days
    return max((day - cluster.last).days, 0)


_NO_DAY = np.iinfo(np.int64).min // 4
_GEMV_ROWS = 1024  # larger matrix-vector products make OpenBLAS start threads, slower than the product itself


class _Level:
    """One clustering level: clusters, the active window and the join rule.

    Vector sums and date ranges of all clusters are mirrored in numpy arrays, and the clusters active
    around the current day are copied into one centroid matrix, rebuilt when the day changes and
    updated row by row as members join, so scoring an article is one matrix-vector product.
    """

    def __init__(self, prefix: str, threshold: float, days: int, options: ClusterOptions, dim: int):
        self.prefix, self.threshold, self.days, self.options = prefix, threshold, days, options
        self.clusters: list[_Cluster] = []
        self._first = np.zeros(64, dtype=np.int64)
        self._last = np.zeros(64, dtype=np.int64)
        self._active_day: int | None = None
        self._rows = np.zeros(64, dtype=np.int64)  # cluster index of each active row
        self._matrix = np.zeros((64, dim), dtype=np.float32)
        self._norms = np.zeros(64, dtype=np.float32)
        self._count = 0
        self._row_of: dict[int, int] = {}

    def append(self, cluster: _Cluster) -> None:
        """Take a cluster (new or restored) into the level; it is active until the day next changes."""
        cluster.index = len(self.clusters)
        self.clusters.append(cluster)
        if cluster.index >= len(self._first):
            self._first, self._last = (np.resize(a, 2 * len(a)) for a in (self._first, self._last))
        self._activate(cluster.index)
        self.sync(cluster)

    def sync(self, cluster: _Cluster) -> None:
        """Mirror a cluster's changed vector and dates into the arrays."""
        self._first[cluster.index] = cluster.first.toordinal() if cluster.first else _NO_DAY
        self._last[cluster.index] = cluster.last.toordinal() if cluster.last else _NO_DAY
        row = self._row_of.get(cluster.index)
        if row is not None:
            self._matrix[row] = cluster.vector
            self._norms[row] = np.linalg.norm(cluster.vector)

    def add(self, cluster: _Cluster, member: str, vector: np.ndarray, names: Iterable[str], day: date | None) -> None:
        """Add a member to a cluster of this level."""
        cluster.add(member, vector, names, day)
        self.sync(cluster)

    def _activate(self, index: int) -> None:
        if self._count == len(self._rows):
            self._rows = np.resize(self._rows, 2 * self._count)
            self._norms = np.resize(self._norms, 2 * self._count)
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._rows[self._count] = index
        self._row_of[index] = self._count
        self._count += 1

    def _refresh(self, day: date | None) -> None:
        """Rebuild the active rows for `day`: clusters whose date range is within `days` of it."""
        key = day.toordinal() if day else -1
        if key == self._active_day:
            return
        self._active_day = key
        size = len(self.clusters)
        first, last = self._first[:size], self._last[:size]
        active = (first == _NO_DAY) | ((key >= first - self.days) & (key <= last + self.days))
        indices = (np.arange(size) if day is None else np.flatnonzero(active)).tolist()
        self._count = 0
        self._row_of = {}
        for index in indices:
            self._activate(index)
        if indices:
            self._matrix[: self._count] = np.stack([self.clusters[i].vector for i in indices])
            self._norms[: self._count] = np.linalg.norm(self._matrix[: self._count], axis=1)

    def _cosines(self, vector: np.ndarray) -> np.ndarray:
        matrix = self._matrix[: self._count]
        dots = np.concatenate([matrix[i : i + _GEMV_ROWS] @ vector for i in range(0, self._count, _GEMV_ROWS)])
        return dots / np.maximum(self._norms[: self._count], 1e-12)

    def assign(self, member: str, vector: np.ndarray, names: list[str], day: date | None,
               freq: NameFrequencies) -> _Cluster:
        """Add a member to the best-scoring active cluster, or to a new one; returns the cluster."""
        best, best_score = None, self.threshold
        self._refresh(day)
        if self._count:
            cosines = self._cosines(vector)
            weights = [freq.idf(n) for n in names]
            w, penalty = self.options.name_weight, self.options.day_penalty
            for k in np.argsort(-cosines, kind="stable")[:10].tolist():
                cluster = self.clusters[int(self._rows[k])]
                cosine, gap = float(cosines[k]), _gap(day, cluster)
                if (1 - w) * cosine + w - penalty * gap < best_score:
                    continue  # even full name overlap could not lift it to the best so far
                overlap = name_overlap(names, cluster, freq, weights)
                score = (1 - w) * cosine + w * overlap - penalty * gap
                if score >= best_score:
                    best, best_score = cluster, score
        if best is None:
            name = f"{self.prefix}-{member.removeprefix('e-')}"
            best = _Cluster(name, [], np.zeros_like(vector), Counter(), None, None)
            self.append(best)
        self.add(best, member, vector, names, day)
        return best


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _restore(previous: Grouping, vectors: dict[str, np.ndarray], days: dict[str, date | None],
             state: dict, levels: tuple[_Level, _Level], dim: int) -> None:
    """Rebuild both levels' running state from stored events, stories and name counts."""
    event_level, story_level = levels
    names = state.get("names", {})
    for event in previous.events:
        cluster = _Cluster(event.id, [], np.zeros(dim, np.float32), Counter(), None, None, event.story)
        for article in event.articles:
            cluster.add(article, vectors[article], (), days.get(article))
        cluster.names = Counter(names.get(event.id, {}))
        event_level.append(cluster)
    by_id = {c.id: c for c in event_level.clusters}
    for story in previous.stories:
        events = [by_id[e] for e in story.events if e in by_id]
        cluster = _Cluster(story.id, [], np.zeros(dim, np.float32), Counter(), None, None)
        for event in events:
            _widen(cluster, event.id, event)
        story_level.append(cluster)


def _widen(story: _Cluster, member: str | None, event: _Cluster, level: _Level | None = None) -> None:
    """Add an event to a story (or, with `member` None, only stretch the story's dates to the event's)."""
    if member is not None:
        story.add(member, _unit(event.vector), _top(event), event.first)
    story.stretch(event.first)
    story.stretch(event.last)
    if level is not None:
        level.sync(story)


def _top(cluster: _Cluster, count: int = 15) -> list[str]:
    size = len(cluster.members)
    common = [(n, c) for n, c in cluster.names.items() if c * 2 >= size or size == 1]
    return [n for n, _ in sorted(common, key=lambda kv: (-kv[1], kv[0]))[:count]]


def cluster_articles(
    articles: Sequence[Article],
    vectors: dict[str, np.ndarray],
    copies: Sequence[CopyLink] = (),
    options: ClusterOptions | None = None,
    previous: Grouping | None = None,
    state: dict | None = None,
) -> tuple[Grouping, dict]:
    """Assign the articles not yet in an event to events, and new events to stories.

    Args:
        articles: every stored article (old ones are needed for titles, dates and outlets).
        vectors: unit-length lead embedding of every article, by id.
        copies: copy links; a copy joins the event of the article it copies.
        options: thresholds; defaults if None.
        previous: the stored grouping to extend (None clusters from scratch).
        state: the state returned by the previous call (name counts), from the store's meta table.

    Returns:
        The new grouping (copies included) and the state to store for the next call.
    """
    options = options or ClusterOptions()
    previous = previous or Grouping()
    state = state or {}
    days = {a.id: parse_day(a.published) for a in articles}
    freq = NameFrequencies(state.get("docs", 0), state.get("df"))
    dim = len(next(iter(vectors.values()))) if vectors else 0
    events = _Level("e", options.event_threshold, options.event_days, options, dim)
    stories = _Level("s", options.story_threshold, options.story_days, options, dim)
    _restore(previous, vectors, days, state, (events, stories), dim)
    done = {a for e in previous.events for a in e.articles}
    fresh = sorted((a for a in articles if a.id not in done), key=lambda a: earliest_key(days[a.id], a.id))
    _assign_articles(fresh, vectors, days, copies, freq, events, stories, options)
    _assign_events(events, stories, freq)
    grouping = _grouping(articles, vectors, copies, events, stories)
    names = {c.id: dict(c.names) for c in events.clusters}
    return grouping, {"docs": freq.docs, "df": dict(freq.counts), "names": names}


def _assign_articles(
    fresh: Sequence[Article], vectors: dict[str, np.ndarray], days: dict[str, date | None],
    copies: Sequence[CopyLink], freq: NameFrequencies, events: _Level, stories: _Level, options: ClusterOptions,
) -> None:
    """Put each new article in an event; an article joining an event already in a story stretches the story."""
    copy_of = {c.article: c.copy_of for c in copies if c.copy_of}
    event_of = {a: c for c in events.clusters for a in c.members}
    story_by_id = {c.id: c for c in stories.clusters}
    found = map_chunks(partial(_names_of, top=options.top_names), [a.text for a in fresh], usable_cores())
    for article, names in zip(fresh, found, strict=True):
        freq.add(names)
        vector, day = vectors[article.id], days[article.id]
        original = event_of.get(copy_of.get(article.id, ""))
        if original is not None:
            events.add(original, article.id, vector, names, day)
        else:
            original = events.assign(article.id, vector, names, day, freq)
        event_of[article.id] = original
        if original.parent in story_by_id:
            _widen(story_by_id[original.parent], None, original, stories)


def _assign_events(events: _Level, stories: _Level, freq: NameFrequencies) -> None:
    """Put each event without a story into the best recent story, or a new one."""
    for event in events.clusters:
        if event.parent is None:
            story = stories.assign(event.id, _unit(event.vector), _top(event), event.first, freq)
            _widen(story, None, event, stories)
            event.parent = story.id


def _central_title(members: Sequence[str], vector: np.ndarray, by_id: dict[str, Article],
                   vectors: dict[str, np.ndarray]) -> str:
    """The headline of the member closest to the centroid: the most typical telling of the group."""
    titled = [m for m in members if by_id[m].title] or list(members)
    scores = [float(vectors[m] @ vector) for m in titled]
    best = titled[int(np.argmax(scores))]
    return by_id[best].title or by_id[best].text[:80]


def _span(members: Iterable[str], by_id: dict[str, Article]) -> tuple[str | None, str | None]:
    dates = sorted(by_id[m].published for m in members if by_id[m].published)
    return (dates[0], dates[-1]) if dates else (None, None)


def _grouping(articles: Sequence[Article], vectors: dict[str, np.ndarray], copies: Sequence[CopyLink],
              events: _Level, stories: _Level) -> Grouping:
    """Plain `Event` and `Story` records from the running clusters."""
    by_id = {a.id: a for a in articles}
    days = {a.id: parse_day(a.published) for a in articles}
    order = lambda ids: sorted(ids, key=lambda i: earliest_key(days[i], i))  # noqa: E731
    out_events = {}
    for c in events.clusters:
        members = order(c.members)
        out_events[c.id] = Event(c.id, _central_title(members, c.vector, by_id, vectors), members,
                                 *_span(members, by_id), story=c.parent)
    out_stories = []
    for s in stories.clusters:
        members = order(a for e in s.members for a in out_events[e].articles)
        outlets = sorted({by_id[m].outlet for m in members if by_id[m].outlet})
        out_stories.append(Story(s.id, _central_title(members, s.vector, by_id, vectors), list(s.members),
                                 members, outlets, *_span(members, by_id)))
    out_stories.sort(key=lambda s: (-len(s.articles), s.id))
    return Grouping(list(copies), sorted(out_events.values(), key=lambda e: e.id), out_stories)


STATE_KEY = "cluster.state"


def find_copies(store: Store, articles: Sequence[Article], vectors: dict[str, np.ndarray],
                dedupe: DedupeOptions | None = None, rebuild: bool = False) -> tuple[list[CopyLink], Grouping | None]:
    """Copy groups brought up to date for the articles not yet in an event (all of them with `rebuild`).

    Returns the copy links and the stored grouping they extend (None when rebuilding), which the events
    stage continues from.
    """
    stored = None if rebuild else Grouping(store.get_copies(), store.get_events(), store.get_stories())
    done = set() if stored is None else {a for e in stored.events for a in e.articles}
    new = np.array([a.id not in done for a in articles])
    matrix = np.stack([vectors[a.id] for a in articles])
    copies = update_copies(store, articles, matrix, new, dedupe, previous=() if stored is None else stored.copies)
    return copies, stored


def cluster_events(store: Store, articles: Sequence[Article], vectors: dict[str, np.ndarray],
                   copies: list[CopyLink], stored: Grouping | None, options: ClusterOptions | None = None) -> Grouping:
    """Events and stories: new articles join the stored clusters (or all start over when `stored` is None)."""
    state = None if stored is None else json.loads(store.get_meta(STATE_KEY) or "{}")
    grouping, state = cluster_articles(list(articles), vectors, copies, options, stored, state)
    store.put_grouping(grouping.copies, grouping.events, grouping.stories)
    store.set_meta(STATE_KEY, json.dumps(state, sort_keys=True))
    return grouping


def list_stories(store: Store) -> list[dict]:
    """The `stories --json` contract: stories, largest first, each with its events."""
    events = {e.id: e for e in store.get_events()}
    return [
        {
            "id": s.id,
            "title": s.title,
            "articles": s.articles,
            "events": [
                {"id": e.id, "title": e.title, "articles": e.articles, "first_seen": e.first_seen,
                 "last_seen": e.last_seen}
                for e in (events[i] for i in s.events if i in events)
            ],
            "outlets": s.outlets,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
        }
        for s in store.get_stories()
    ]


def list_copies(store: Store, singletons: bool = False) -> list[dict]:
    """The `copies --json` contract: copy groups with their members and original (`copy_of`)."""
    groups: dict[str, list[CopyLink]] = {}
    for link in store.get_copies():
        groups.setdefault(link.group, []).append(link)
    return [
        {
            "group": group,
            "copy_of": group,
            "members": [{"article": c.article, "copy_of": c.copy_of, "similarity": c.similarity} for c in links],
        }
        for group, links in sorted(groups.items())
        if singletons or len(links) > 1
    ]
