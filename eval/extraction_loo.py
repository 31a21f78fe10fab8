"""Leave-one-outlet-out scoring of wiretrace's HTML extraction (`eval/extraction.py --loo`).

Every tunable choice wiretrace's HTML path has (trafilatura's mode, the standfirst, each family of
lines cleaning drops) is a field of `HtmlOptions` or `CleanOptions`; the grid below is every
combination of them. For each outlet the combination with the best mean F1 on the *other* outlets'
pages is chosen (a tie goes to fewer rules on, so a rule that only helps the held-out outlet is off
there), then run on the held-out outlet's pages through `build_article`, the real ingest path, timed
page by page against trafilatura on the same pages.
"""

from __future__ import annotations

import dataclasses
import itertools
import statistics
import time
from collections.abc import Callable

from wiretrace.errors import NoArticle
from wiretrace.ingest import IngestOptions, build_article
from wiretrace.ingest.clean import CleanOptions, clean_text
from wiretrace.ingest.html import HtmlOptions, extract_page
from wiretrace.models import RawDocument

Page = tuple[str, str, dict]
# trafilatura's mode, the standfirst and link-only lines: (fast, favor_precision, dek, dek_covered, link_share).
EXTRACT_GRID = [
    HtmlOptions(fast=fast, favor_precision=precision, dek=dek, dek_covered=covered, link_share=links)
    for fast, precision, (dek, covered), links in itertools.product(
        (True, False), (False, True), ((False, 0.8), (True, 0.8), (True, 0.95)), (None, 0.7, 0.9)
    )
]
CLEAN_FIELDS = [f.name for f in dataclasses.fields(CleanOptions)]


def outlet_of(file_name: str) -> str:
    """The outlet a Fundus file belongs to: its name before the first `_`."""
    return file_name.split("_", 1)[0]


def _rules_on(extract: HtmlOptions, clean: CleanOptions) -> int:
    """How many rules a combination switches on (fallback extractors count as one)."""
    return (sum(dataclasses.astuple(clean)) + extract.dek + extract.favor_precision + (not extract.fast)
            + (extract.link_share is not None))


def grid_scores(pages: list[Page], score: Callable[[str, str], float]) -> dict[tuple, list[float]]:
    """Per-page F1 of every combination: (HtmlOptions, CleanOptions) -> scores in page order.

    Extraction runs once per `HtmlOptions` and page; each `CleanOptions` then cleans its output, the
    two calls `build_article` makes for a whole HTML page. Many options extract the same text from a
    page, so a (page, text, cleaning) is scored once.
    """
    cleans = [CleanOptions(**dict(zip(CLEAN_FIELDS, on, strict=True)))
              for on in itertools.product((False, True), repeat=len(CLEAN_FIELDS))]
    golds = ["\n".join(truth["body"]) for _, _, truth in pages]
    scores: dict[tuple, list[float]] = {}
    done: dict[tuple, float] = {}
    for extract in EXTRACT_GRID:
        extracted = [_extract(html, truth.get("url"), extract) for _, html, truth in pages]
        for clean in cleans:
            row = []
            for i, (body, title) in enumerate(extracted):
                key = (i, body, title, clean)
                if key not in done:
                    done[key] = score(clean_text(body, title, clean) if body else "", golds[i])
                row.append(done[key])
            scores[(extract, clean)] = row
    return scores


def _extract(html: str, url: str | None, options: HtmlOptions) -> tuple[str, str | None]:
    try:
        page = extract_page(html, url=url, options=options)
    except NoArticle:
        return "", None
    return page.text, page.title


def choose(scores: dict[tuple, list[float]], keep: list[int]) -> tuple:
    """The combination with the best mean F1 on the pages at `keep`; fewer rules on breaks a tie."""
    def merit(key: tuple) -> tuple[float, int]:
        return round(statistics.fmean(scores[key][i] for i in keep), 6), -_rules_on(*key)

    return max(scores, key=merit)


def leave_one_outlet_out(pages: list[Page], baseline: Callable[[str, str | None], str],
                         score: Callable[[str, str], float]) -> dict:
    """Held-out F1 and pages/s of wiretrace (options chosen on the other outlets) and of `baseline`."""
    scores = grid_scores(pages, score)
    outlets = sorted({outlet_of(name) for name, _, _ in pages})
    folds, seconds = [], {"wiretrace": 0.0, "trafilatura": 0.0}
    for outlet in outlets:
        held = [i for i, (name, _, _) in enumerate(pages) if outlet_of(name) == outlet]
        extract, clean = choose(scores, [i for i in range(len(pages)) if i not in held])
        options = IngestOptions(extract=extract, clean=clean)
        fold = {"outlet": outlet, "pages": len(held), "wiretrace": [], "trafilatura": [],
                "chosen": _describe(extract, clean)}
        for i in held:
            _, html, truth = pages[i]
            gold = "\n".join(truth["body"])
            for name, run in (("wiretrace", lambda h, u, o=options: _ingest(h, u, o)), ("trafilatura", baseline)):
                started = time.perf_counter()
                text = run(html, truth.get("url"))
                seconds[name] += time.perf_counter() - started
                fold[name].append(score(text, gold))
        fold["wiretrace_f1"] = round(statistics.fmean(fold.pop("wiretrace")), 4)
        fold["trafilatura_f1"] = round(statistics.fmean(fold.pop("trafilatura")), 4)
        folds.append(fold)
    return {
        "folds": folds,
        "mean_f1": {name: round(statistics.fmean(f[f"{name}_f1"] for f in folds), 4) for name in seconds},
        "pages_per_s": {name: round(len(pages) / s, 1) for name, s in seconds.items()},
        "chosen_on_all": _describe(*choose(scores, list(range(len(pages))))),
    }


def _ingest(html: str, url: str | None, options: IngestOptions) -> str:
    try:
        return build_article(RawDocument(source="eval", format="html", html=html, url=url), options).text
    except NoArticle:
        return ""


def _describe(extract: HtmlOptions, clean: CleanOptions) -> str:
    """The choices of a combination, as `field=value` pairs."""
    parts = [f"{k}={v}" for k, v in dataclasses.asdict(extract).items()]
    return " ".join(parts + [f"{k}={v}" for k, v in dataclasses.asdict(clean).items()])


def print_loo(result: dict) -> None:
    """The leave-one-outlet-out table, then the means, speeds and the choice on all outlets."""
    print(f"{'held-out outlet':18} {'pages':>5} {'wiretrace F1':>12} {'trafilatura F1':>14}  chosen on the other outlets")
    for f in result["folds"]:
        print(f"{f['outlet']:18} {f['pages']:5d} {f['wiretrace_f1']:12.3f} {f['trafilatura_f1']:14.3f}  {f['chosen']}")
    mean, speed = result["mean_f1"], result["pages_per_s"]
    print(f"{'mean':18} {'':5} {mean['wiretrace']:12.3f} {mean['trafilatura']:14.3f}")
    print(f"pages/s: wiretrace {speed['wiretrace']}, trafilatura {speed['trafilatura']} (same pages, interleaved)")
    print(f"chosen on all outlets (the defaults): {result['chosen_on_all']}")
