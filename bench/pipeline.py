"""Files on disk to stories: wall time, per-stage throughput and peak memory at 1k / 10k / 100k articles.

Usage:
    python bench/pipeline.py [--sizes 1000 10000 100000] [--workers 2] [--keep DIR] [--profile FILE]

Writes a generated corpus of news-like articles (half plain text as scraped, half HTML pages, as in
bench/ingest.py) grouped into planted events of 1-8 articles over a year, each event with its own people,
place and subject told in templated sentences, mixed with real background sentences from PolNeAR
(../shared) so that articles of one event are not near-verbatim; 5% of articles are lightly edited copies. Then, timed, in a fresh process per size: ingest
the files into a fresh SQLite store (`ingest_paths`, `--workers` processes), and `cluster_store`: MinHash
copy detection, lead embeddings with the real MiniLM model, events and stories, all stored; then the two
stages `wiretrace ingest` runs after them: the sentence full-text index and claims extraction (claims only
for sizes up to `--claims-up-to`, as they take hours at 100k on 2 cores).

Named baselines, measured in the same child process on the same store's texts:
- sentence index: SQLite FTS5 over the whole article texts in one transaction (no sentence splitting);
- claims: spaCy's whole `en_core_web_sm` pipeline (`nlp.pipe`, one process) over a seeded sample of at most
  `--baseline-sample` articles; claims are compared with it per article.

Peak memory is the larger of this process's max RSS and the largest ingest worker's. After the timed
part, the events found are scored against the planted ones (B-cubed F1; `planted.json` in the corpus).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear" / "train"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import BODIES, PLACES, html_document  # noqa: E402

FIRST = ("Ines Dorran Mareike Kasimir Lena Edda Mats Anders Brynja Tobias Sigrun Oskar Lotta Per Hanne Ivar "
         "Maja Rune Tilde Eskil Frida Jonas Agnes Viktor").split()
LAST = ("Valtari Pike Solberg Orde Marsh Rask Grenholm Kjellvik Holt Eklund Brandt Lindqvist Aalto Varga "
        "Hedlund Moreau Castell Ferreira Novak Ibsen Sandvik Okafor Tanaka Lindahl").split()
SUBJECTS = ("budget vote", "ferry strike", "school closure", "bridge collapse", "flood warning", "bus fare rise",
            "housing plan", "fishing quota", "hospital merger", "river spill", "tax audit", "port expansion",
            "wind farm", "rail delay", "mayoral race", "court ruling", "police inquiry", "water shortage")
ACTIONS = ("approved", "rejected", "delayed", "criticised", "defended", "announced", "reviewed", "questioned")
FILLER = ("Officials did not respond to requests for comment.", "The decision is expected to be reviewed next year.",
          "Residents have raised concerns at several public meetings.", "Critics say the process was rushed.",
          "The council meets again next month.", "Similar measures were adopted elsewhere in the region.")


def _event(rng: random.Random, number: int) -> dict:
    place = f"{rng.choice(PLACES)}" if rng.random() < 0.5 else f"{rng.choice(LAST)}by"
    return {"people": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)], "place": place,
            "body": rng.choice(BODIES), "subject": rng.choice(SUBJECTS), "action": rng.choice(ACTIONS),
            "amount": f"{rng.randint(2, 900) * 1000:,}", "number": number}


def _sentence(rng: random.Random, ev: dict) -> str:
    person, other = rng.sample(ev["people"], 2)
    kind = rng.randrange(6)
    if kind == 0:
        return f"{ev['body'].capitalize()} {ev['action']} the {ev['subject']} in {ev['place']} on Monday."
    if kind == 1:
        return f'"We will not accept this {ev["subject"]}," {person} said.'
    if kind == 2:
        return f"About {ev['amount']} residents of {ev['place']} would be affected, according to {ev['body']}."
    if kind == 3:
        return f"{person} said {other} had {ev['action']} plans worth {ev['amount']} crowns after talks in {ev['place']}."
    if kind == 4:
        return f"{other}, who leads {ev['body']}, told reporters the {ev['subject']} would go ahead."
    return rng.choice(FILLER)


_REAL: list[str] = []


def _real_sentences() -> list[str]:
    """Sentences of real PolNeAR articles (background prose), or none where ../shared is absent."""
    if not _REAL:
        for path in sorted(POLNEAR.rglob("*.txt"))[:400]:
            text = path.read_text(encoding="utf-8")
            _REAL.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if 8 <= len(s.split()) <= 40 and "\n" not in s)
    return _REAL


def _article(rng: random.Random, ev: dict) -> tuple[str, list[str]]:
    """A title and 5-10 paragraphs: the event's facts first, then real background sentences mixed in."""
    title = f"{ev['place']} {ev['subject']} {ev['action']} as {rng.choice(ev['people'])} speaks out"
    real = _real_sentences()
    paragraphs = []
    for k in range(rng.randint(5, 10)):
        facts = [_sentence(rng, ev) for _ in range(2 if k == 0 else 1)]
        background = [rng.choice(real) for _ in range(rng.randint(1, 3))] if real and k else []
        paragraphs.append(" ".join(facts + background))
    return title, paragraphs


def planted_stream(n: int, rng: random.Random, days: int = 365) -> Iterator[tuple[int, date, str, list[str], int]]:
    """`n` generated articles as (number, published day, title, paragraphs, planted event), in event order.

    Events fall on a random day of `days` from 2016-01-01 and their articles within 3 days of it; 5% of
    articles are lightly edited copies of the one before. `eval/fit_events.py` draws its dense train stream
    from here with another seed (and fewer days, for the same articles a day in less time). `rng` may be
    drawn from between articles (`generate` draws the pages' boilerplate from it, as it always has).
    """
    written, events = 0, 0
    while written < n:
        ev = _event(rng, events)
        day = date(2016, 1, 1) + timedelta(days=rng.randrange(days))
        last = None
        for _ in range(min(rng.randint(1, 8), n - written)):
            if last is not None and rng.random() < 0.05:
                title, paragraphs = last[0], [*last[1][:-1], last[1][-1] + " Additional reporting by staff."]
            else:
                title, paragraphs = _article(rng, ev)
            paragraphs[0] = f"{paragraphs[0]} (Report {written}.)"  # every document unique
            published = day + timedelta(days=rng.randrange(3))
            yield written, published, title, paragraphs, events
            last = (title, paragraphs)
            written += 1
        events += 1


def generate(root: Path, n: int, seed: int = 0) -> int:
    """Write `n` documents under root/text and root/html; returns the number of planted events."""
    rng = random.Random(seed)
    text_dir, html_dir = root / "text", root / "html"
    text_dir.mkdir(parents=True, exist_ok=True)
    html_dir.mkdir(parents=True, exist_ok=True)
    planted: dict[str, int] = {}
    events = 0
    for written, published, title, paragraphs, event in planted_stream(n, rng):
        if written % 2:
            page = html_document(title, paragraphs, rng, written).replace(
                "2024-03-12T10:00:00Z", f"{published.isoformat()}T10:00:00Z").replace("12 March 2024", "")
            (html_dir / f"{written:06d}.html").write_text(page, encoding="utf-8")
            planted[f"{written:06d}.html"] = event
        else:
            text = "\n\n".join([title, published.strftime("%B %d, %Y"), *paragraphs, "Share this article"])
            (text_dir / f"{written:06d}.txt").write_text(text + "\n", encoding="utf-8")
            planted[f"{written:06d}.txt"] = event
        events = event + 1
    (root / "planted.json").write_text(json.dumps(planted), encoding="utf-8")
    return events


def bcubed_f1(pred: dict[str, str], gold: dict[str, int]) -> float:
    """B-cubed F1 of predicted groups against the planted events (as eval/stories.py computes it)."""
    pred_sets: dict[str, set[str]] = {}
    gold_sets: dict[int, set[str]] = {}
    for k in gold:
        pred_sets.setdefault(pred[k], set()).add(k)
        gold_sets.setdefault(gold[k], set()).add(k)
    shared = {k: len(pred_sets[pred[k]] & gold_sets[gold[k]]) for k in gold}
    p = sum(shared[k] / len(pred_sets[pred[k]]) for k in gold) / len(gold)
    r = sum(shared[k] / len(gold_sets[gold[k]]) for k in gold) / len(gold)
    return 2 * p * r / (p + r)


stage_rss: dict[str, int] = {}  # max RSS (MiB) after each later stage, filled by `_later_stages`


def _max_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure(root: Path, workers: int, profile: str | None, claims: bool = True, sample: int = 1000) -> dict:
    """Ingest root's files into a fresh store and cluster them, timing each stage (run in a child)."""
    from wiretrace.ingest import IngestOptions, ingest_paths
    from wiretrace.ml import lead_embedder
    from wiretrace.pipeline import cluster_store
    from wiretrace.store import open_store
    from wiretrace.stories import cluster, embed

    stages: dict[str, float] = {}
    stage_rss.clear()

    def timed(name, func):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    embed.embed_articles = timed("embed", embed.embed_articles)
    cluster.find_copies = timed("copies", cluster.find_copies)
    cluster.cluster_events = timed("events+stories", cluster.cluster_events)
    db = root / "bench.db"
    db.unlink(missing_ok=True)
    store = open_store(str(db))
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    report = ingest_paths(store, [str(root / "text"), str(root / "html")], IngestOptions(workers=workers))
    stages["ingest"] = time.perf_counter() - started
    stage_rss["ingest"] = round(_max_rss_mib())
    loaded = time.perf_counter()
    embedder = lead_embedder()
    stages["model load"] = time.perf_counter() - loaded
    grouping = cluster_store(store, embedder=embedder)
    total = time.perf_counter() - started
    stage_rss["copies, embeddings, events, stories"] = round(_max_rss_mib())
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    stages["store read+write"] = total - sum(stages.values())
    baselines = _later_stages(store, root, stages, claims, sample)
    everything = time.perf_counter() - started - baselines.pop("_untimed", 0.0)
    planted_file = root / "planted.json"
    quality = None
    if planted_file.exists():  # outside the timed part: how well the planted events were found
        planted = json.loads(planted_file.read_text(encoding="utf-8"))
        by_name = {Path(a.path or "").name: a.id for a in store.list_articles()}
        gold = {by_name[name]: event for name, event in planted.items() if name in by_name}
        pred = {a: e.id for e in grouping.events for a in e.articles}
        quality = round(bcubed_f1({k: pred.get(k, k) for k in gold}, gold), 3)
    store.close()
    return {"articles": len(report.ingested), "failed": len(report.failed), "seconds": round(total, 1),
            "seconds_all_stages": round(everything, 1),
            "stages": {k: round(v, 1) for k, v in stages.items()}, "events": len(grouping.events),
            "stories": len(grouping.stories), "copies": sum(1 for c in grouping.copies if c.copy_of and c.copy_of != c.article),
            "max_rss_mib": round(_max_rss_mib()), "planted_bcubed_f1": quality, "baselines": baselines,
            "stage_rss_mib": stage_rss}


def _later_stages(store, root: Path, stages: dict[str, float], claims: bool, sample: int) -> dict:  # noqa: ANN001
    """Time the sentence index and claims as `update_store` runs them, and their baselines, in this process.

    Each stage's max RSS is read after it (RSS only grows, so a stage's figure includes the ones before).
    """
    import sqlite3

    from wiretrace.claims import ExtractOptions, extract_store
    from wiretrace.claims.nlp import load_model
    from wiretrace.verify import index_sentences

    started = time.perf_counter()
    index_sentences(store)
    stages["sentence index"] = time.perf_counter() - started
    stage_rss["sentence index"] = round(_max_rss_mib())
    texts = [a.text for a in store.list_articles()]
    baselines: dict[str, float] = {}
    untimed = time.perf_counter()
    fts = sqlite3.connect(str(root / "fts-baseline.db"))
    started = time.perf_counter()
    with fts:
        fts.execute("CREATE VIRTUAL TABLE IF NOT EXISTS t USING fts5(body)")
        fts.executemany("INSERT INTO t(body) VALUES (?)", ((t,) for t in texts))
    baselines["sentence index: SQLite FTS5 of whole texts"] = round(time.perf_counter() - started, 1)
    fts.close()
    if not claims:
        baselines["_untimed"] = time.perf_counter() - untimed
        return baselines
    options = ExtractOptions()
    load_model(options.model)
    baselines["_untimed"] = time.perf_counter() - untimed  # the FTS5 baseline and the model load
    started = time.perf_counter()
    extract_store(store, options)
    stages["claims"] = time.perf_counter() - started
    stage_rss["claims"] = round(_max_rss_mib())
    after_claims = time.perf_counter()
    chosen = random.Random(7).sample(texts, min(sample, len(texts)))
    import spacy

    nlp = spacy.load(options.model)
    started = time.perf_counter()
    for _ in nlp.pipe(chosen, batch_size=64):
        pass
    baselines["claims: spaCy full pipeline, per article"] = (time.perf_counter() - started) / len(chosen)
    baselines["_untimed"] += time.perf_counter() - after_claims
    return baselines


def baseline_lines(r: dict) -> str:
    """The later stages against their baselines: ratio > 1 means wiretrace's stage is faster."""
    b, st, n = r["baselines"], r["stages"], r["articles"]
    parts = []
    fts = b.get("sentence index: SQLite FTS5 of whole texts")
    if fts is not None and st.get("sentence index"):
        parts.append(f"sentence index {st['sentence index']:.1f} s vs SQLite FTS5 of whole texts {fts:.1f} s "
                     f"({fts / st['sentence index']:.2f}x)")
    spacy_each = b.get("claims: spaCy full pipeline, per article")
    if spacy_each and st.get("claims"):
        ours, theirs = n / st["claims"], 1 / spacy_each
        parts.append(f"claims {ours:.1f} articles/s vs spaCy full pipeline {theirs:.1f} articles/s "
                     f"({ours / theirs:.2f}x)")
    elif "claims" not in st:
        parts.append("claims not timed at this size (--claims-up-to)")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2, help="ingest worker processes (default 2)")
    parser.add_argument("--keep", type=Path, help="write corpora and stores here instead of a temporary folder")
    parser.add_argument("--profile", help="write cProfile stats of the timed run to FILE (one size)")
    parser.add_argument("--claims-up-to", type=int, default=10_000,
                        help="time claims extraction for sizes up to N articles (default 10000)")
    parser.add_argument("--baseline-sample", type=int, default=1000,
                        help="articles the spaCy baseline parses (default 1000)")
    parser.add_argument("--no-claims", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.workers, args.profile, not args.no_claims, args.baseline_sample)))
        return 0
    with tempfile.TemporaryDirectory(prefix="wiretrace-pipeline-") as tmp:
        for n in args.sizes:
            root = (args.keep or Path(tmp)) / f"n{n}"
            if not (root / "planted.json").exists():
                started = time.perf_counter()
                events = generate(root, n)
                print(f"generated {n:,} documents ({events:,} planted events) in {time.perf_counter() - started:.1f} s",
                      flush=True)
            command = [sys.executable, __file__, "--child", str(root), "--workers", str(args.workers)]
            command += ["--profile", args.profile] if args.profile else []
            command += ["--no-claims"] if n > args.claims_up_to else []
            command += ["--baseline-sample", str(args.baseline_sample)]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            rates = "  ".join(f"{k} {v:.1f} s ({r['articles'] / v:,.0f}/s)" if v > 0 else f"{k} {v:.1f} s"
                              for k, v in r["stages"].items())
            print(f"files->stories n={n:<7} {r['articles']:,} articles in {r['seconds']:.1f} s "
                  f"= {r['articles'] / r['seconds']:.0f} articles/s, max RSS {r['max_rss_mib']} MiB; "
                  f"{r['events']:,} events, {r['stories']:,} stories, {r['copies']:,} copies; "
                  f"events vs planted: B3-F1 {r['planted_bcubed_f1']}", flush=True)
            print(f"  stages: {rates}; all stages {r['seconds_all_stages']:.1f} s", flush=True)
            print("  max RSS after: " + ", ".join(f"{k} {v} MiB" for k, v in r["stage_rss_mib"].items()), flush=True)
            print("  " + baseline_lines(r), flush=True)
            if not args.keep:
                subprocess.run(["rm", "-rf", str(root)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
