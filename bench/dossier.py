"""Time to build a dossier for a 50-article story on CPU, after the models are loaded, vs baselines.

The story is real: the PolNeAR articles (../shared) that the hand labels in `eval/labels` put in the
2016 primary-election events (primaries, caucuses, debates, conventions), 50 of them in date order,
stored as one story of those events. Claims are extracted first (not timed: that is `bench/claims.py`).
What is timed is `build_dossier` (claim grouping, stances, discrepancies, provenance, figures, timeline)
and rendering it as JSON, Markdown and HTML.

Baselines measured in the same run:
- embedding floor: only embedding every claim of the story once, which any alignment must do;
- all-pairs NLI: reading every cross-article pair of claims with the same stance model, the obvious way
  to cross-check without grouping; timed on a sample of pairs and scaled to the story's pair count.

    python bench/dossier.py --articles 50 --repeat 3
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from polnear import read_corpus, read_labels  # noqa: E402

from wiretrace.claims import extract_store  # noqa: E402
from wiretrace.crosscheck.dossier import build_dossier  # noqa: E402
from wiretrace.ml.embedder import MiniLMEmbedder  # noqa: E402
from wiretrace.ml.stance.model import load_stance_model  # noqa: E402
from wiretrace.models import Article, Event, Story  # noqa: E402
from wiretrace.report import render  # noqa: E402
from wiretrace.store.sqlite import SQLiteStore  # noqa: E402

ELECTION_EVENTS = ("primar", "caucus", "tuesday", "debate", "convention")


def story_articles(size: int) -> tuple[list[Article], dict[str, str]]:
    """Up to `size` labeled election-event articles, in date order, and their event labels."""
    labels = read_labels()
    chosen, events = [], {}
    for record in read_corpus():
        event = labels.get(record["id"], "")
        if any(word in event for word in ELECTION_EVENTS):
            title, _, body = record["text"].partition("\n")
            chosen.append(Article(id=record["id"][:16] + f"{len(chosen):04d}", text=body.strip(),
                                  title=record["title"] or title.strip(), outlet=record["outlet"],
                                  published=record["published"]))
            events[chosen[-1].id] = event
        if len(chosen) == size:
            break
    return chosen, events


def build_store(path: str, articles: list[Article], events: dict[str, str]) -> str:
    """A store holding the articles, their claims and one story made of their labeled events."""
    store = SQLiteStore(path)
    store.put_articles(articles)
    extract_store(store)
    by_event: dict[str, list[str]] = {}
    for article in articles:
        by_event.setdefault(events[article.id], []).append(article.id)
    event_rows = [Event(id=f"e-{name}", title=name, story="s-election-2016", articles=ids)
                  for name, ids in sorted(by_event.items())]
    story = Story(id="s-election-2016", title="2016 primary elections", events=[e.id for e in event_rows],
                  articles=[a.id for a in articles], outlets=sorted({a.outlet or "" for a in articles}),
                  first_seen=articles[0].published, last_seen=articles[-1].published)
    store.put_grouping([], event_rows, [story])
    store.close()
    return story.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pair-sample", type=int, default=1000, help="pairs timed for the all-pairs baseline")
    args = parser.parse_args()

    articles, events = story_articles(args.articles)
    if not articles:
        sys.exit("bench/dossier.py: no labeled PolNeAR articles found; it needs ../shared")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        story_id = build_store(path, articles, events)
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        embedder, model = MiniLMEmbedder(), load_stance_model()
        load = time.perf_counter() - t0
        store = SQLiteStore(path)
        claims = [c for a in articles for c in store.get_claims(a.id)]
        print(f"story: {len(articles)} articles, {len(set(events.values()))} events, {len(claims)} claims, "
              f"{len({a.outlet for a in articles})} outlets (store built in {setup:.1f} s, models loaded in "
              f"{load:.1f} s)")

        timings, dossier = [], None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            dossier = build_dossier(store, story_id, embedder=embedder, model=model)
            built = time.perf_counter() - t0
            t0 = time.perf_counter()
            sizes = {fmt: len(render(dossier, fmt)) for fmt in ("json", "md", "html")}
            timings.append((built, time.perf_counter() - t0))
        best_build, best_render = min(t[0] for t in timings), min(t[1] for t in timings)
        assert dossier is not None
        kinds = Counter(d.type for d in dossier.discrepancies)
        lead_kinds = Counter(d.type for d in dossier.leads)
        print(f"dossier: {len(dossier.groups)} claim groups shown, {len(dossier.discrepancies)} discrepancies "
              f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), {len(dossier.leads)} leads "
              f"({', '.join(f'{k} {n}' for k, n in sorted(lead_kinds.items()))}); "
              f"json {sizes['json'] // 1024} KiB, md {sizes['md'] // 1024} KiB, html {sizes['html'] // 1024} KiB")

        t0 = time.perf_counter()
        embedder.embed([c.text for c in claims])
        floor = time.perf_counter() - t0

        textual = [c for c in claims if c.kind != "figure"]
        cross = [(a.text, b.text) for i, a in enumerate(textual) for b in textual[i + 1:] if a.article != b.article]
        sample = random.Random(5).sample(cross, min(args.pair_sample, len(cross)))
        t0 = time.perf_counter()
        model.predict_batch(sample)
        per_pair = (time.perf_counter() - t0) / max(len(sample), 1)
        all_pairs = per_pair * len(cross) * 2  # both reading directions, as the cross-check reads them
        store.close()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"| what (best of {args.repeat}) | seconds | vs wiretrace |")
    print("|---|---|---|")
    print(f"| wiretrace build_dossier | {best_build:.2f} | 1.00 |")
    print(f"| wiretrace render json+md+html | {best_render:.2f} | |")
    print(f"| baseline: embedding floor (embed {len(claims)} claims once) | {floor:.2f} | "
          f"{floor / best_build:.2f} |")
    print(f"| baseline: all-pairs NLI ({len(cross):,} cross-article pairs x 2, from {len(sample)} timed) | "
          f"{all_pairs:.0f} | {all_pairs / best_build:.1f} |")
    print(f"\npeak RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
