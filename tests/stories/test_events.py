"""The event level on regimes the labelled sets hold: no titles, no dates, events over days, look-alikes."""

import numpy as np
import pytest

from wiretrace.ml.embedder import LEAD_TOKENS, EmbedOptions, MiniLMEmbedder
from wiretrace.models import Article
from wiretrace.stories.cluster import cluster_articles
from wiretrace.stories.embed import article_lead
from wiretrace.stories.events import _margin

QUAKE_A = ("A magnitude 6.4 earthquake struck the Ardala valley in northern Peru early on Tuesday, killing at least "
           "112 people and destroying 1,200 homes, Peru's civil defence agency said. Rescuers in Ardala dug through "
           "rubble as aftershocks shook the valley.")
QUAKE_A2 = ("Rescuers searched collapsed homes in Peru's Ardala valley after a 6.4 magnitude quake killed 112 people "
            "on Tuesday, officials said, with 1,200 houses flattened and roads into Ardala cut by landslides.")
QUAKE_B = ("A magnitude 5.1 earthquake shook the Kestrel coast of Chile on Tuesday, injuring 14 people and damaging "
           "a port, Chilean emergency officials said. Kestrel's mayor said the harbour wall cracked.")
TRIAL = ("Jurors in the fraud trial of former mayor Hollis Brant heard on {day} from an accountant who said Brant "
         "moved $2.3 million of city money into a private account. The Brant trial resumes next week.")


def _cluster(articles):
    embedder = MiniLMEmbedder(EmbedOptions(max_tokens=LEAD_TOKENS))
    vectors = embedder.embed([article_lead(a) for a in articles])
    grouping, _ = cluster_articles(articles, {a.id: vectors[i] for i, a in enumerate(articles)})
    return {a: e.id for e in grouping.events for a in e.articles}


@pytest.mark.parametrize("published", ["2023-05-02", None])
@pytest.mark.parametrize("titled", [True, False])
def test_look_alike_events_of_one_kind_stay_apart_and_retellings_join(published, titled):
    titles = ["Peru quake kills 112", "Ardala quake: rescuers search rubble", "Chile quake injures 14"]
    articles = [Article(id=f"q{i}", text=text, title=title if titled else None, published=published)
                for i, (text, title) in enumerate(zip([QUAKE_A, QUAKE_A2, QUAKE_B], titles, strict=True))]
    event = _cluster(articles)
    assert event["q0"] == event["q1"]
    assert event["q2"] != event["q0"]


def test_an_event_that_runs_for_days_keeps_its_later_reports():
    days = ["Monday", "Wednesday", "Friday"]
    articles = [Article(id=f"t{i}", text=TRIAL.format(day=day), published=f"2023-05-{1 + 2 * i:02d}")
                for i, day in enumerate(days)]
    assert len(set(_cluster(articles).values())) == 1


def test_the_same_words_a_month_apart_are_a_new_happening():
    articles = [Article(id=f"t{i}", text=TRIAL.format(day="Monday"), published=day)
                for i, day in enumerate(["2023-05-01", "2023-06-12"])]
    assert len(set(_cluster(articles).values())) == 2


@pytest.mark.parametrize(("cosines", "ranked", "rank", "margin"), [
    ([0.9], [0], 0, 0.0),                     # a lone candidate has no rival
    ([0.5, 0.9, 0.7], [1, 2, 0], 0, 0.2),     # the best leads the runner-up
    ([0.5, 0.9, 0.7], [1, 2, 0], 1, -0.2),    # the others trail the best
    ([0.5, 0.9, 0.7], [1, 2, 0], 2, -0.4),
    ([0.8, 0.8], [0, 1], 0, 0.0),             # two look-alikes as close: no lead
])
def test_cosine_margin_is_the_lead_over_the_best_rival(cosines, ranked, rank, margin):
    assert _margin(np.array(cosines), ranked, rank) == pytest.approx(margin)


def test_releasing_events_out_of_the_window_changes_no_feature(monkeypatch):
    """Counts of events past the active window are dropped (memory at 100k) and refilled if one comes back:
    every article must see the same features against the same candidates as when nothing is released."""
    from wiretrace.stories.events import EventLevel

    articles = [Article(id="q0", text=QUAKE_A, published="2023-05-02"),
                Article(id="q1", text=QUAKE_A2, published="2023-05-03")]
    articles += [Article(id=f"t{i}", text=TRIAL.format(day="Monday"), published=f"2023-{5 + i // 28:02d}-{1 + i % 28:02d}")
                 for i in range(0, 60, 6)]
    articles += [Article(id="q2", text=QUAKE_A2), Article(id="c0", text=QUAKE_B)]  # undated: every event is a candidate
    released, seen = [], []
    release, candidates = EventLevel.release_inactive, EventLevel.candidates

    def counting(self):
        released.extend(i for i in self._filled if i not in set(self._rows[: self._count].tolist()))
        release(self)

    def recording(self, *args):
        out = candidates(self, *args)
        seen.append([(cluster.id, x) for cluster, x in out])
        return out

    monkeypatch.setattr(EventLevel, "candidates", recording)
    monkeypatch.setattr(EventLevel, "release_inactive", counting)
    kept_small = _cluster(articles)
    assert released, "no event was released: the test does not reach the code it is about"
    with_release, seen[:] = list(seen), []
    monkeypatch.setattr(EventLevel, "release_inactive", lambda self: None)
    assert _cluster(articles) == kept_small
    assert seen == with_release
    assert kept_small["q2"] == kept_small["q0"]


@pytest.mark.slow
def test_a_busy_generated_stream_keeps_its_planted_events_apart():
    """bench/pipeline.py's dense stream at its 100k run's rate (300 articles a day, one template for all).

    The dated regression before it was fitted with such a stream (seed 101) scored 0.898 and 0.866 on
    these two seeds; the committed one 0.920 and 0.924. The background sentences come from ../shared.
    """
    import random
    import sys
    from pathlib import Path

    from conftest import shared_path

    shared_path("corpus", "polnear", "train")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from pipeline import bcubed_f1, planted_stream

    embedder = MiniLMEmbedder(EmbedOptions(max_tokens=LEAD_TOKENS))
    scores = []
    for seed in (7, 8):
        articles, gold = [], {}
        for number, day, title, paragraphs, event in planted_stream(900, random.Random(seed), 3):
            key = f"a{number:05d}"
            articles.append(Article(id=key, text="\n\n".join(paragraphs), title=title, published=day.isoformat()))
            gold[key] = event
        vectors = embedder.embed([article_lead(a) for a in articles])
        grouping, _ = cluster_articles(articles, {a.id: vectors[i] for i, a in enumerate(articles)})
        pred = {a: e.id for e in grouping.events for a in e.articles}
        scores.append(bcubed_f1(pred, gold))
    assert sum(scores) / len(scores) >= 0.90, scores


def test_shared_words_cannot_join_articles_whose_leads_are_unrelated():
    """The same words and names with unrelated lead vectors stay two events (`min_lead_cosine`)."""
    from dataclasses import replace

    from wiretrace.stories.levels import ClusterOptions

    text = QUAKE_A + " " + QUAKE_A2
    articles = [Article(id=f"q{i}", text=text, title=None, published="2024-05-07") for i in range(2)]
    first, second = np.zeros(384, np.float32), np.zeros(384, np.float32)
    first[0], second[1] = 1.0, 1.0  # orthogonal leads
    vectors = {"q0": first, "q1": second}
    gated, _ = cluster_articles(articles, vectors)
    assert len(gated.events) == 2
    ungated, _ = cluster_articles(articles, vectors, options=replace(ClusterOptions(), min_lead_cosine=-1.0))
    assert len(ungated.events) == 1  # what the words alone say, and why the gate is there
