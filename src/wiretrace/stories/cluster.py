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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import numpy as np

from wiretrace.engines.local import map_windows, usable_cores
from wiretrace.models import Article, CopyLink, Event, Story
from wiretrace.store import Store
from wiretrace.stories.dedupe import DedupeOptions, earliest_key, parse_day, update_copies
from wiretrace.stories.events import EventLevel
from wiretrace.stories.levels import Cluster, ClusterOptions, Level
from wiretrace.stories.names import (
    NameFrequencies,
    _names_of,  # noqa: F401  (re-exported: tests/engines use it from here)
    name_overlap,
    names_in,
)
from wiretrace.stories.signals import WordFrequencies, read_signals

__all__ = ["ClusterOptions", "Grouping", "cluster_articles", "cluster_events", "find_copies", "list_copies", "list_stories",
           "name_overlap", "names_in"]


@dataclass
class Grouping:
    """Everything clustering produces: copy links, events and stories."""

    copies: list[CopyLink] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _restore(previous: Grouping, vectors: dict[str, np.ndarray], days: dict[str, date | None],
             state: dict, levels: tuple[EventLevel, Level], dim: int) -> None:
    """Rebuild both levels' running state from stored events, stories and name counts.

    An event's word and number counts are left to be read from its members' texts if it is ever a candidate.
    """
    event_level, story_level = levels
    names = state.get("names", {})
    for event in previous.events:
        cluster = Cluster(event.id, [], np.zeros(dim, np.float32), Counter(), None, None, event.story, filled=False)
        for article in event.articles:
            cluster.add(article, vectors[article], (), days.get(article))
        cluster.names = Counter(names.get(event.id, {}))
        event_level.append(cluster)
    by_id = {c.id: c for c in event_level.clusters}
    for story in previous.stories:
        events = [by_id[e] for e in story.events if e in by_id]
        cluster = Cluster(story.id, [], np.zeros(dim, np.float32), Counter(), None, None)
        for event in events:
            _widen(cluster, event.id, event)
        story_level.append(cluster)


def _widen(story: Cluster, member: str | None, event: Cluster, level: Level | None = None) -> None:
    """Add an event to a story (or, with `member` None, only stretch the story's dates to the event's)."""
    if member is not None:
        story.add(member, _unit(event.vector), _top(event), event.first)
    story.stretch(event.first)
    story.stretch(event.last)
    if level is not None:
        level.sync(story)


def _top(cluster: Cluster, count: int = 15) -> list[str]:
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
    words = WordFrequencies.from_state(state.get("words"))
    dim = len(next(iter(vectors.values()))) if vectors else 0
    by_id = {a.id: a for a in articles}
    read = lambda i: read_signals([_signal_text(by_id[i])], options.top_names)[0]  # noqa: E731
    events = EventLevel(options, dim, options.event_model, read, vectors)
    stories = Level("s", options.story_threshold, options.story_days, options, dim)
    _restore(previous, vectors, days, state, (events, stories), dim)
    done = {a for e in previous.events for a in e.articles}
    fresh = sorted((a for a in articles if a.id not in done), key=lambda a: earliest_key(days[a.id], a.id))
    _assign_articles(fresh, vectors, days, copies, (freq, words), events, stories, options)
    _assign_events(events, stories, freq)
    grouping = _grouping(articles, vectors, copies, events, stories)
    names = {c.id: dict(c.names) for c in events.clusters}
    return grouping, {"docs": freq.docs, "df": dict(freq.counts), "names": names, "words": words.to_state()}


def _signal_text(article: Article) -> str:
    """Title and body: what names, numbers and words are read from."""
    return f"{article.title}\n{article.text}" if article.title else article.text


def _assign_articles(
    fresh: Sequence[Article], vectors: dict[str, np.ndarray], days: dict[str, date | None],
    copies: Sequence[CopyLink], freqs: tuple[NameFrequencies, WordFrequencies], events: EventLevel,
    stories: Level, options: ClusterOptions,
) -> None:
    """Put each new article in an event; an article joining an event already in a story stretches the story."""
    copy_of = {c.article: c.copy_of for c in copies if c.copy_of}
    event_of = {a: c for c in events.clusters for a in c.members}
    story_by_id = {c.id: c for c in stories.clusters}
    names, words = freqs
    found = map_windows(partial(read_signals, top_names=options.top_names), (_signal_text(a) for a in fresh),
                        len(fresh), usable_cores())
    for article, signals in zip(fresh, found, strict=True):
        names.add(signals.names)
        words.add(signals.words, signals.buckets)
        vector, day = vectors[article.id], days[article.id]
        original = event_of.get(copy_of.get(article.id, ""))
        if original is not None:
            events.take(original, article.id, vector, signals, day)
        else:
            original = events.assign_article(article.id, vector, signals, day, names, words)
        event_of[article.id] = original
        if original.parent in story_by_id:
            _widen(story_by_id[original.parent], None, original, stories)


def _assign_events(events: Level, stories: Level, freq: NameFrequencies) -> None:
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
              events: Level, stories: Level) -> Grouping:
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
