import json
from pathlib import Path

import numpy as np
import pytest

from wiretrace.ml.embedder import MiniLMEmbedder
from wiretrace.models import Article
from wiretrace.pipeline import cluster_store, ingest
from wiretrace.store import open_store
from wiretrace.stories.cluster import (
    ClusterOptions,
    cluster_articles,
    list_copies,
    list_stories,
    names_in,
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from conftest import shared_path

    seeds = shared_path("corpus", "seeds")
    store = open_store(str(tmp_path_factory.mktemp("seeds") / "s.db"))
    ingest(store, [str(seeds)])
    by_file = {Path(a.path).name[:3]: a.id for a in store.list_articles()}
    return store, by_file


def _event_of(groups, article):
    return next(g["id"] for g in groups if article in g["articles"])


def test_seed_retellings_are_one_event_and_one_story(seeded):
    store, ids = seeded
    stories = list_stories(store)
    events = [e for s in stories for e in s["events"]]
    ban = {ids["000"], ids["001"], ids["002"]}
    assert len({_event_of(events, a) for a in ban}) == 1
    assert len({_event_of(stories, a) for a in ban}) == 1
    for other in (ids["003"], ids["004"]):
        assert _event_of(events, other) != _event_of(events, ids["000"])
        assert _event_of(stories, other) != _event_of(stories, ids["000"])


def test_stories_json_contract(seeded):
    store, _ = seeded
    story = list_stories(store)[0]
    assert set(story) >= {"id", "title", "articles", "events", "outlets"}
    assert set(story["events"][0]) == {"id", "title", "articles", "first_seen", "last_seen"}
    assert list_copies(store) == []


def test_incremental_update_keeps_ids_and_equals_rebuild(seeded):
    store, _ = seeded
    before = json.dumps(list_stories(store))
    cluster_store(store)  # nothing new: nothing moves
    assert json.dumps(list_stories(store)) == before
    cluster_store(store, rebuild=True)
    assert json.dumps(list_stories(store)) == before


def _article(i, title, day, text=None):
    body = text or f"{title}. Officials in Washington said on Monday that the plan would go ahead as announced."
    return Article(id=f"a{i}", text=body, title=title, published=f"2016-03-{day:02d}")


def _vectors(articles):
    embedder = MiniLMEmbedder()
    vectors = embedder.embed([a.title for a in articles])
    return {a.id: vectors[i] for i, a in enumerate(articles)}


@pytest.mark.parametrize(
    ("titles", "days", "same"),
    [
        (["Senate passes sweeping Pagliano immunity bill", "Senate approves Pagliano immunity bill in late vote"],
         [1, 1], True),
        (["Senate passes sweeping Pagliano immunity bill", "Senate passes sweeping Pagliano immunity bill"],
         [1, 25], False),  # the same words three weeks apart are a new happening
        (["Senate passes sweeping Pagliano immunity bill", "Golf courses close across Florida as players leave"],
         [1, 1], False),
    ],
)
def test_event_assignment(titles, days, same):
    articles = [_article(i, t, d) for i, (t, d) in enumerate(zip(titles, days, strict=True))]
    grouping, _ = cluster_articles(articles, _vectors(articles))
    assert (len(grouping.events) == 1) == same


def test_clustering_is_deterministic_and_order_free():
    articles = [_article(i, t, 1 + i % 3) for i, t in enumerate(
        ["Trump wins Nevada caucuses", "Trump takes Nevada caucuses easily", "Clinton unveils gun plan",
         "Clinton gun-control plan announced", "Zimmerman gun auction pulled"])]
    vectors = _vectors(articles)
    first, state = cluster_articles(articles, vectors)
    second, _ = cluster_articles(list(reversed(articles)), vectors)
    assert [(e.id, e.articles) for e in first.events] == [(e.id, e.articles) for e in second.events]
    assert state["docs"] == len(articles)


def test_incremental_matches_batch_for_later_articles():
    articles = [_article(i, t, d) for i, (t, d) in enumerate(
        [("Trump wins Nevada caucuses", 1), ("Clinton unveils gun plan", 1), ("Trump takes Nevada caucuses", 2)])]
    vectors = _vectors(articles)
    batch, _ = cluster_articles(articles, vectors)
    part, state = cluster_articles(articles[:2], vectors)
    step, _ = cluster_articles(articles, vectors, previous=part, state=state)
    assert [(e.id, e.articles) for e in step.events] == [(e.id, e.articles) for e in batch.events]


def test_names_skip_sentence_starts_and_stopwords():
    names = names_in("The Kremlin said Monday. Vladimir Putin met FSB officers in St Petersburg.")
    assert {"kremlin", "putin", "fsb", "st petersburg"} <= set(names)
    assert "the" not in names and "monday" not in names


def test_cluster_options_are_frozen():
    with pytest.raises(AttributeError):
        ClusterOptions().event_days = 1  # type: ignore[misc]
    assert np.isclose(ClusterOptions().story_threshold, 0.6)
