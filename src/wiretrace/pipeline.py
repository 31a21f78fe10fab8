"""The one place that knows the order of the stages.

`ingest` reads files into the store and then brings every later stage up to date, incrementally:
only new articles are processed, so ingesting one more file does not recompute the world.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from wiretrace.ingest import IngestOptions, ProgressCallback, ingest_paths
from wiretrace.ml.device import resolve_device
from wiretrace.ml.embedder import Embedder
from wiretrace.models import IngestReport
from wiretrace.store import Store

if TYPE_CHECKING:
    from wiretrace.engines.ray import RayOptions
    from wiretrace.settings import Settings
    from wiretrace.stories.cluster import ClusterOptions, Grouping
    from wiretrace.stories.dedupe import DedupeOptions


def ingest(
    store: Store,
    paths: Iterable[str],
    options: IngestOptions | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    update: bool = True,
    device: str | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    """Ingest files, then update the later stages for the new articles.

    Args:
        store: where articles go.
        paths: files, directories, globs, or '-' for `stdin`.
        options: reader, extraction and batching options.
        stdin: the stream read for '-'.
        progress: called with (path, articles so far) after each document.
        update: run the later stages now (False leaves them for `update_store`).
        device: where the embedding model runs: "cpu", "cuda" or "auto" (default: `settings.device`).
        settings: every stage's options (`options`, when given, wins for stage 1).
    """
    settings = settings or _default_settings()
    device = device or settings.device
    options = options or settings.ingest
    if update:  # an unusable --device fails now, not after every file has been read
        resolve_device(device)
    # Stage 1: read, clean and store articles (one transaction per batch).
    report = ingest_paths(store, paths, options, stdin=stdin, progress=progress)
    # A run killed during the later stages left its articles stored but not processed; the re-run finds
    # them "unchanged" and must still finish the work.
    if update and (report.ingested or (report.unchanged and stages_pending(store))):
        for _ in range(3):  # a second ingest may have added articles while this one clustered: go again
            update_store(store, device=device, settings=settings)
            if not stages_pending(store):
                break
    return report


def ingest_ray(
    store: Store,
    paths: Iterable[str],
    options: IngestOptions | None = None,
    ray_options: RayOptions | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    update: bool = True,
    settings: Settings | None = None,
) -> IngestReport:
    """`ingest` with the per-article stages (read, clean, sketch, embed, claims) on a Ray cluster.

    The same report and the same store as a local run: the cluster computes, this process writes, and
    the stages that need every article at once (copies, events, stories, sentence index) run here.
    """
    from wiretrace.engines.ray import run_on_ray

    settings = settings or _default_settings()
    options = options or settings.ingest
    # Stages 1-2: read, clean, sketch, embed and extract on the cluster; stored here in input order.
    report, embedder = run_on_ray(store, paths, options, ray_options, stdin=stdin, progress=progress,
                                  dedupe=settings.dedupe, claims=settings.claims)
    # Later stages, here, over the vectors the workers computed.
    if update and (report.ingested or (report.unchanged and stages_pending(store))):
        update_store(store, embedder=embedder, settings=settings)
    return report


def stages_pending(store: Store) -> bool:
    """Whether some stored article is missing from a later stage (events, sentence index, claims)."""
    from wiretrace.claims import EXTRACTOR_VERSION
    from wiretrace.verify import SENTENCE_INDEX_VERSION

    count = store.count_articles()
    in_events = {a for event in store.get_events() for a in event.articles}
    return (len(in_events) < count or len(store.indexed_articles(SENTENCE_INDEX_VERSION)) < count
            or len(store.extracted_articles(EXTRACTOR_VERSION)) < count)


def _default_settings() -> Settings:
    from wiretrace.settings import Settings

    return Settings()


def update_store(store: Store, device: str | None = None, embedder: Embedder | None = None,
                 settings: Settings | None = None) -> None:
    """Bring every derived stage up to date with the stored articles.

    The lead embeddings come from `embedder`, or the default model on `device` ("cpu", "cuda", "auto";
    default `settings.device`). Each stage runs with its part of `settings`.
    """
    from wiretrace.claims import start_extraction
    from wiretrace.ml import lead_embedder
    from wiretrace.verify import index_sentences

    settings = settings or _default_settings()
    # Stage 6 starts first: claims (statements, quotes with speakers, figures) and entities of the
    # articles not yet extracted by the current extractor version. They need nothing from stages 2-5,
    # so its worker processes parse while this one clusters and indexes; they are stored last.
    with start_extraction(store, settings.claims) as claims:
        # Stages 2-4: lead embeddings -> copies -> events and stories, for articles not yet in an event.
        cluster_store(store, settings.cluster, embedder=embedder or lead_embedder(device or settings.device),
                      dedupe=settings.dedupe)

        # Stage 5: sentence full-text index, the retrieval side of `check`.
        index_sentences(store)

        claims.store_results()


def cluster_store(
    store: Store,
    options: ClusterOptions | None = None,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    dedupe: DedupeOptions | None = None,
) -> Grouping:
    """Stages 2-4: bring copy groups, events and stories up to date with the stored articles.

    Only articles not yet in an event are clustered (their copies found, their leads embedded), so
    ingesting one more file does not recompute the world; `rebuild` starts over from nothing, which is
    what `wiretrace cluster` does after thresholds change.
    """
    from wiretrace.ml import lead_embedder
    from wiretrace.stories.cluster import Grouping, cluster_events, find_copies
    from wiretrace.stories.embed import embed_articles

    articles = store.list_articles()
    if not articles:
        return Grouping()
    # Stage 2: lead embeddings (stored vectors are reused; only new articles are embedded).
    vectors = embed_articles(store, articles, embedder or lead_embedder())
    # Stage 3: copies, near-duplicate and rewritten (needs the vectors for rewritten copies).
    copies, stored = find_copies(store, articles, vectors, dedupe, rebuild)
    # Stage 4: events and stories, copies counting with their originals.
    return cluster_events(store, articles, vectors, copies, stored, options)
