"""The one place that knows the order of the stages.

`ingest` reads files into the store and then brings every later stage up to date, incrementally:
only new articles are processed, so ingesting one more file does not recompute the world.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from wiretrace.ingest import IngestOptions, ProgressCallback, ingest_paths
from wiretrace.models import IngestReport
from wiretrace.store import Store


def ingest(
    store: Store,
    paths: Iterable[str],
    options: IngestOptions | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    update: bool = True,
) -> IngestReport:
    """Ingest files, then update the later stages for the new articles.

    Args:
        store: where articles go.
        paths: files, directories, globs, or '-' for `stdin`.
        options: reader, extraction and batching options.
        stdin: the stream read for '-'.
        progress: called with (path, articles so far) after each document.
        update: run the later stages now (False leaves them for `update_store`).
    """
    # Stage 1: read, clean and store articles (one transaction per batch).
    report = ingest_paths(store, paths, options, stdin=stdin, progress=progress)
    if update and report.ingested:
        update_store(store)
    return report


def update_store(store: Store) -> None:
    """Bring every derived stage up to date with the stored articles."""
    from wiretrace.cluster import cluster_store
    from wiretrace.extract import extract_store
    from wiretrace.verify import index_sentences

    # Stages: near-duplicates -> lead embeddings -> events and stories, for articles not yet in an event.
    cluster_store(store)

    # Stage: sentence full-text index, the retrieval side of `check`.
    index_sentences(store)

    # Stage: claims (statements, quotes with speakers, figures) and entities, for articles not yet
    # extracted by the current extractor version.
    extract_store(store)
