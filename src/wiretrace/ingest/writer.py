"""The batch writer: the one place finished articles go into the store, for every engine.

A local run (`ingest_paths`) and a Ray run (`engines.ray`) both hand it their results in input order;
it writes `batch_size` articles per transaction, counts an article seen earlier in the same run (or
already stored) as unchanged, and lets the caller store what it computed alongside each new article
(the Ray workers' signatures, vectors and claims) in the same flush, so an article never sits in the
store without the derived rows its engine brought.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wiretrace.models import Article, IngestFailure, IngestReport
from wiretrace.store import Store

ProgressCallback = Callable[[str, int], None]
DerivedWriter = Callable[[Store, Sequence[Any]], None]
"""Stores the extras that came with the articles a flush found new (not those already stored)."""


def write_batches(
    store: Store,
    results: Iterable[IngestFailure | tuple[Article, Any]],
    batch_size: int,
    report: IngestReport | None = None,
    progress: ProgressCallback | None = None,
    derived: DerivedWriter | None = None,
) -> IngestReport:
    """Store `(article, extra)` results, `batch_size` per transaction; failures go to the report.

    Returns `report` (a new one when None) with each article id under `ingested` or `unchanged` in the
    order the results came, and each failure under `failed`.
    """
    report = report if report is not None else IngestReport()
    pending: list[tuple[Article, Any]] = []
    seen: set[str] = set()

    def flush() -> None:
        added = store.put_articles([article for article, _ in pending])
        if derived is not None:
            derived(store, [extra for (_, extra), new in zip(pending, added, strict=True) if new])
        for (article, _), new in zip(pending, added, strict=True):
            (report.ingested if new else report.unchanged).append(article.id)
        pending.clear()

    for result in results:
        if isinstance(result, IngestFailure):
            report.failed.append(result)
            path = result.path
        else:
            article, _ = result
            path = article.path
            if article.id in seen:
                report.unchanged.append(article.id)
            else:
                seen.add(article.id)
                pending.append(result)
                if len(pending) >= batch_size:
                    flush()
        if progress is not None:
            progress(path or "", len(report.ingested) + len(report.unchanged) + len(pending))
    if pending:
        flush()
    return report
