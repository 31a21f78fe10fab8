"""Ingest throughput on a generated corpus: text and HTML articles per second.

Usage:
    python bench/ingest.py [--docs 10000] [--workers 2] [--seed 0] [--keep DIR]

Writes `--docs` documents (half plain text as scraped, half HTML pages templated with realistic
boilerplate: navigation, share bars, related links, cookie banners, footers, scripts) to a temporary
folder, ingests each half with `ingest_paths` into a fresh SQLite store (stage only, no later stages),
and times plain `trafilatura.extract` on the same HTML in the same run for the ratio.

Both sides get the same cores: trafilatura runs in as many processes as wiretrace has workers (each
reading its files from disk, as wiretrace does), and each line prints the whole job's rate and the rate
per process. wiretrace does more per page than the baseline: cleaning, metadata and the store writes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

PLACES = ["Carrowby", "Port Elsby", "Vennholm", "Northgate", "Skarra", "Harrow End", "Millbrook", "Tamsel"]
PEOPLE = ["Ines Valtari", "Dorran Pike", "Mareike Solberg", "Kasimir Orde", "Lena Marsh", "Edda Rask",
          "Mats Grenholm", "Anders Kjellvik", "Brynja Holt", "Tobias Eklund-Rhee"]
BODIES = ["the harbour council", "the provincial assembly", "the water board", "the transport authority",
          "the environment agency", "the chamber of commerce", "the hospital trust", "the fire service"]
TOPICS = ["budget", "ferry service", "school closures", "bridge repairs", "flood defences", "bus routes",
          "housing plan", "fishing quotas", "hospital waiting times", "river clean-up"]
VERBS = ["approved", "rejected", "delayed", "criticised", "defended", "announced", "reviewed", "questioned"]
SAID = ["said", "told reporters", "said in a statement", "told the council", "wrote in a letter"]


def sentence(rng: random.Random) -> str:
    """One news-like sentence."""
    kind = rng.randrange(4)
    person, body, topic, place = rng.choice(PEOPLE), rng.choice(BODIES), rng.choice(TOPICS), rng.choice(PLACES)
    number = f"{rng.randint(2, 9_000):,}"
    if kind == 0:
        return f"{body.capitalize()} {rng.choice(VERBS)} the {topic} for {place} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}."
    if kind == 1:
        return f'"We cannot wait another year for the {topic}," {person} {rng.choice(SAID)}.'
    if kind == 2:
        return f"About {number} residents of {place} would be affected by the {topic}, according to {body}."
    return f"{person} said {body} had {rng.choice(VERBS)} plans worth {number} crowns after months of talks."


def article(rng: random.Random, number: int) -> tuple[str, list[str]]:
    """A title and 6-12 paragraphs; the number makes every article unique."""
    title = f"{rng.choice(PLACES)} {rng.choice(TOPICS)} {rng.choice(VERBS)} ({number})"
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 12))]
    paragraphs[0] = f"Report {number}: {paragraphs[0]}"
    return title, paragraphs


def text_document(title: str, paragraphs: list[str], rng: random.Random) -> str:
    """Scraped plain text: title first, boilerplate left in."""
    junk = rng.sample(["Share this article", "Advertisement", "Comments are closed.", "Tags\nlocal, council, news"], 2)
    return "\n\n".join([title, "March 12, 2024", *paragraphs[:3], junk[0], *paragraphs[3:], junk[1]]) + "\n"


def html_document(title: str, paragraphs: list[str], rng: random.Random, number: int) -> str:
    """A whole HTML page in one of three layouts, with the usual boilerplate around the story."""
    outlet = rng.choice(["Northgate Herald", "Valley Sentinel", "C9 News", "Tamsel Observer"])
    slug = f"{number}-" + "-".join(title.lower().split()[:4])
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in ["News", "Sport", "Business", "Opinion", "Weather"])
    related = "".join(f'<li><a href="/news/{rng.randint(1, 99999)}">{rng.choice(PLACES)} {rng.choice(TOPICS)} update</a></li>'
                      for _ in range(5))
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    wrappers = [
        f'<article class="story"><h1>{title}</h1><div class="byline">By {rng.choice(PEOPLE)}</div>{body}</article>',
        f'<div class="article"><h1 class="headline">{title}</h1><p class="meta">12 March 2024</p>'
        f'<div class="article-text">{body}</div></div>',
        f'<main><div class="post"><h2 class="title">{title}</h2><div class="entry-content">{body}'
        f'<div class="share">Share on Facebook Share on X</div></div></div></main>',
    ]
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-03-12T10:00:00Z">
<link rel="canonical" href="https://{outlet.lower().replace(' ', '')}.example/news/{slug}">
<script>window.dataLayer=[];function track(e){{dataLayer.push(e)}}</script><style>body{{font:16px serif}}</style></head>
<body><div class="cookie-banner">We use cookies. <button>Accept all</button></div>
<header><a class="logo" href="/">{outlet}</a><nav><ul>{nav}</ul></nav></header>
{wrappers[number % 3]}
<aside class="related"><h3>Related</h3><ul>{related}</ul></aside>
<div class="newsletter">Sign up for our morning briefing.</div>
<footer><p><a href="/about">About</a> · <a href="/privacy">Privacy</a></p><p>© 2024 {outlet}. All rights reserved.</p></footer>
</body></html>
"""


def generate(root: Path, docs: int, seed: int) -> tuple[Path, Path]:
    """Write docs/2 text files and docs/2 HTML files under root."""
    rng = random.Random(seed)
    text_dir, html_dir = root / "text", root / "html"
    text_dir.mkdir(parents=True, exist_ok=True)
    html_dir.mkdir(parents=True, exist_ok=True)
    for number in range(docs):
        title, paragraphs = article(rng, number)
        if number % 2:
            (html_dir / f"{number:06d}.html").write_text(html_document(title, paragraphs, rng, number), encoding="utf-8")
        else:
            (text_dir / f"{number:06d}.txt").write_text(text_document(title, paragraphs, rng), encoding="utf-8")
    return text_dir, html_dir


def time_ingest(folder: Path, db: Path, workers: int) -> tuple[int, int, float]:
    """(articles ingested, failures, seconds) for one ingest into a fresh store."""
    from wiretrace.ingest import IngestOptions, ingest_paths
    from wiretrace.store import open_store

    store = open_store(str(db))
    try:
        started = time.perf_counter()
        report = ingest_paths(store, [str(folder)], IngestOptions(workers=workers))
        return len(report.ingested), len(report.failed), time.perf_counter() - started
    finally:
        store.close()


def _extract_file(path: Path) -> None:
    import trafilatura

    trafilatura.extract(path.read_text(encoding="utf-8"))


def time_trafilatura(folder: Path, processes: int) -> tuple[int, float]:
    """(pages, seconds) for plain `trafilatura.extract` on every HTML file, in `processes` processes."""
    files = sorted(folder.glob("*.html"))
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_extract_file, files[:processes])  # start-up and imports are not timed
        started = time.perf_counter()
        pool.map(_extract_file, files, chunksize=16)
        return len(files), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents to generate (half text, half HTML)")
    parser.add_argument("--workers", type=int, default=2, help="wiretrace ingest worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the generated corpus")
    parser.add_argument("--keep", type=Path, help="write the corpus and stores here instead of a temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wiretrace-bench-") as tmp:
        root = args.keep or Path(tmp)
        started = time.perf_counter()
        text_dir, html_dir = generate(root, args.docs, args.seed)
        print(f"generated {args.docs:,} documents in {time.perf_counter() - started:.1f} s under {root}")
        text_n, text_failed, text_s = time_ingest(text_dir, root / "text.db", args.workers)
        html_n, html_failed, html_s = time_ingest(html_dir, root / "html.db", args.workers)
        traf_n, traf_s = time_trafilatura(html_dir, args.workers)
    html_rate, traf_rate, cores = html_n / html_s, traf_n / traf_s, args.workers
    for name, n, seconds, failed in (("wiretrace text", text_n, text_s, text_failed),
                                     ("wiretrace html", html_n, html_s, html_failed)):
        print(f"{name}: {n:6,} articles in {seconds:6.1f} s = {n / seconds:7.1f} articles/s whole job,"
              f" {n / seconds / cores:7.1f} per process ({failed} failed, {cores} processes)")
    print(f"trafilatura.extract: {traf_n:6,} pages in {traf_s:6.1f} s = {traf_rate:7.1f} pages/s whole job,"
          f" {traf_rate / cores:7.1f} per process ({cores} processes)")
    print(f"ratio wiretrace html / trafilatura.extract, same {cores} processes: {html_rate / traf_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
