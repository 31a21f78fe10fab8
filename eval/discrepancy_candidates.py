"""Dump every discrepancy the cross-check produces on the seeds and on PolNeAR stories, for labelling.

Stories are the hand-labelled PolNeAR events (`labels/polnear-events.tsv`) with two or more articles, each
stored as one story; the "weeks": the other PolNeAR articles of one ISO week as one story (`week-2016-W23`),
made of the events wiretrace finds among them (`pipeline.cluster_store`), so mentions of different events
are read as such (wiretrace's own stories of these articles are mostly single articles, too few to check);
and the seed story (the three retellings of the resignation-ban report). The split is by a hash of the event id (`split_of`), recorded in `labels/discrepancy-splits.tsv`; the seeds
are `train` (they were read by hand while the code was written). Article text stays in ../shared: the TSV
written here (with the two spans and some context for the reader) goes outside the repository.

    python eval/discrepancy_candidates.py --out /tmp/discrepancy-candidates.tsv

Stores (claims extracted once) are kept in `--work` between runs, so a rerun only rebuilds dossiers.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from polnear import read_corpus, read_labels  # noqa: E402

from wiretrace.models import Article, Event, Story  # noqa: E402

SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SPLITS = ROOT / "eval" / "labels" / "discrepancy-splits.tsv"
SEED_STORY = "seeds"
COLUMNS = ("key", "split", "story", "type", "listed", "confidence", "reason", "outlet_a", "outlet_b",
           "article_a", "article_b", "speaker_a", "speaker_b", "hedges_a", "hedges_b", "text_a", "text_b",
           "detail", "context_a", "context_b")


def split_of(story: str) -> str:
    """`train` or `dev` for a story or event id: the parity of the first byte of its SHA-256."""
    return "train" if hashlib.sha256(story.encode("utf-8")).digest()[0] % 2 == 0 else "dev"


def polnear_events(min_articles: int = 2) -> dict[str, list[dict]]:
    """Labelled PolNeAR events with at least `min_articles` articles: event id -> records, by date."""
    labels = read_labels()
    events: dict[str, list[dict]] = {}
    for record in read_corpus():
        if record["id"] in labels:
            events.setdefault(labels[record["id"]], []).append(record)
    return {e: rs for e, rs in sorted(events.items()) if len(rs) >= min_articles}


def build_polnear_store(path: Path) -> None:
    """One store with every labelled multi-article event as its own story; claims extracted."""
    from wiretrace.claims import extract_store
    from wiretrace.store.sqlite import SQLiteStore

    store = SQLiteStore(str(path))
    events, stories, articles = [], [], []
    for name, records in polnear_events().items():
        ids = []
        for r in records:
            title, _, body = r["text"].partition("\n")
            articles.append(Article(id=r["id"], text=body.strip(), title=r["title"] or title.strip(),
                                    outlet=r["outlet"], published=r["published"]))
            ids.append(r["id"])
        events.append(Event(id=f"e-{name}", title=name, story=f"s-{name}", articles=ids))
        stories.append(Story(id=f"s-{name}", title=name, events=[f"e-{name}"], articles=ids,
                             outlets=sorted({r["outlet"] for r in records}), first_seen=records[0]["published"],
                             last_seen=records[-1]["published"]))
    store.put_articles(articles)
    extract_store(store)
    store.put_grouping([], events, stories)
    store.close()


def build_topic_store(path: Path) -> None:
    """The PolNeAR articles outside the labelled multi-article events, clustered into stories by wiretrace."""
    from wiretrace.claims import extract_store
    from wiretrace.pipeline import cluster_store
    from wiretrace.store.sqlite import SQLiteStore

    taken = {r["id"] for records in polnear_events().values() for r in records}
    store = SQLiteStore(str(path))
    articles = []
    for r in read_corpus():
        if r["id"] not in taken:
            title, _, body = r["text"].partition("\n")
            articles.append(Article(id=r["id"], text=body.strip(), title=r["title"] or title.strip(),
                                    outlet=r["outlet"], published=r["published"]))
    store.put_articles(articles)
    cluster_store(store)
    extract_store(store)
    regroup_by_week(store)
    store.close()


def regroup_by_week(store: Any) -> None:
    """One story per ISO week of publication, its events wiretrace's events cut at the week's edges."""
    from datetime import date

    week_of = {a.id: "week-{}-W{:02d}".format(*date.fromisoformat(a.published).isocalendar()[:2])
               for a in store.list_articles()}
    events, stories = [], {}
    for event in store.get_events():
        for week in sorted({week_of[a] for a in event.articles}):
            ids = [a for a in event.articles if week_of[a] == week]
            events.append(Event(id=f"{event.id}-{week}", title=event.title, articles=ids, story=week))
            story = stories.setdefault(week, Story(id=week, title=week, events=[], articles=[], outlets=[]))
            story.events.append(events[-1].id)
            story.articles.extend(ids)
    store.put_grouping(store.get_copies(), events, list(stories.values()))


def build_seed_store(path: Path) -> None:
    """The seeds through the whole pipeline (ingest, stories, claims), as the tests build them."""
    from wiretrace.pipeline import ingest
    from wiretrace.store import open_store

    store = open_store(str(path))
    ingest(store, [str(SEEDS)])
    store.close()


def write_splits(topics: list[str], path: Path = SPLITS) -> None:
    """Record the story split (the hash decides it; the file lets a reader see it)."""
    lines = ["# story<TAB>split: PolNeAR events by the parity of sha256(event)[0]; the seeds are train.",
             f"{SEED_STORY}\ttrain"]
    lines += [f"{name}\t{split_of(name)}" for name in polnear_events()]
    lines += [f"{name}\t{split_of(name)}" for name in topics]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def dossiers(work: Path, split: str = "all", vetting: Any = None) -> Iterator[tuple[str, str, dict[str, Any], dict[str, str]]]:
    """(story label, split, dossier contract, article id -> text) per story, stores built on first use."""
    from wiretrace.crosscheck.dossier import build_dossier
    from wiretrace.ml import sentence_embedder, stance_model
    from wiretrace.store import open_store

    work.mkdir(parents=True, exist_ok=True)
    embedder, model = sentence_embedder("cpu"), stance_model("cpu")
    seed_db, polnear_db = work / "seeds.db", work / "polnear.db"
    if split in ("all", "train"):
        if not seed_db.exists():
            build_seed_store(seed_db)
        store = open_store(str(seed_db))
        ban = next(a.id for a in store.list_articles() if Path(a.path or "").name.startswith("000"))
        story = next(s for s in store.get_stories() if ban in s.articles)
        texts = {a.id: a.text for a in store.list_articles()}
        yield SEED_STORY, "train", build_dossier(store, story.id, embedder, model, vetting=vetting).to_dict(), texts
        store.close()
    if not polnear_db.exists():
        build_polnear_store(polnear_db)
    store = open_store(str(polnear_db))
    texts = {a.id: a.text for a in store.list_articles()}
    for story in sorted(store.get_stories(), key=lambda s: s.id):
        name = story.id.removeprefix("s-")
        if split in ("all", split_of(name)):
            yield name, split_of(name), build_dossier(store, story.id, embedder, model, vetting=vetting).to_dict(), texts
    store.close()
    yield from _topic_dossiers(work / "topics.db", split, embedder, model, vetting)


def _topic_dossiers(db: Path, split: str, embedder: Any, model: Any, vetting: Any) -> Iterator[tuple[str, str, dict, dict]]:
    from wiretrace.crosscheck.dossier import build_dossier
    from wiretrace.store import open_store

    if not db.exists():
        build_topic_store(db)
    store = open_store(str(db))
    texts = {a.id: a.text for a in store.list_articles()}
    if not store.get_stories()[0].id.startswith("week-"):
        regroup_by_week(store)
    for story in sorted(store.get_stories(), key=lambda s: s.id):
        name = story.id
        if len(story.articles) >= 2 and split in ("all", split_of(name)):
            yield name, split_of(name), build_dossier(store, story.id, embedder, model, vetting=vetting).to_dict(), texts
    store.close()


def candidate_rows(story: str, split: str, dossier: dict[str, Any], texts: dict[str, str]) -> list[dict]:
    """One row per discrepancy (listed and leads), with both spans and 200 characters of context."""
    rows = []
    items = [(d, "listed") for d in dossier["discrepancies"]] + [(d, "lead") for d in dossier.get("leads", [])]
    for item, where in items:
        a, b = item["mentions"][:2]
        row = {"key": item["key"], "split": split, "story": story, "type": item["type"], "listed": where,
               "confidence": item.get("confidence", ""), "reason": item.get("reason", ""), "detail": item["detail"]}
        for side, m in (("a", a), ("b", b)):
            text = texts.get(m["article"], "")
            row |= {f"outlet_{side}": m["outlet"], f"article_{side}": m["article"], f"speaker_{side}": m["speaker"],
                    f"hedges_{side}": ",".join(m["hedges"]), f"text_{side}": m["text"],
                    f"context_{side}": text[max(0, m["start"] - 200): m["end"] + 200]}
        rows.append({k: " ".join(str(v or "").split()) for k, v in row.items()})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/discrepancy-candidates.tsv"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/wiretrace-discrepancies"))
    parser.add_argument("--split", choices=("all", "train", "dev"), default="all")
    args = parser.parse_args()
    if args.out.resolve().is_relative_to(ROOT):
        sys.exit("eval/discrepancy_candidates.py: --out must lie outside the repository (it holds article text)")
    count, topics = 0, []
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writeheader()
        for story, split, dossier, texts in dossiers(args.work, args.split):
            rows = candidate_rows(story, split, dossier, texts)
            writer.writerows(rows)
            count += len(rows)
            topics += [story] if story.startswith("week-") else []
            print(f"{split}\t{story}\t{len(rows)} candidates", file=sys.stderr)
    if args.split == "all":
        write_splits(topics)
    print(f"{count} candidates -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
