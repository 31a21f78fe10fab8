"""Scale-out ingest: the per-article stages as Ray Data batches across a Ray cluster.

`run_on_ray` (called by `pipeline.ingest_ray`) runs, on whatever cluster `ray.init()` reaches (the
`address` option, else `RAY_ADDRESS`, else a local cluster started for the run), two passes: read ->
clean over the input files no fingerprint knows (`ingest.fingerprints`), then near-duplicate sketch
(MinHash) -> lead embedding -> claim extraction over only the articles the store lacks, since an article's
id, the hash of its clean text, is the first point at which it is known to be stored. Inputs under
`RayOptions.driver_clean_bytes` are read and cleaned on the driver instead, and with no new article Ray is
never started. The finished articles come back in input order and go into the store through the batch
writer a local run uses (`ingest.writer`), one transaction per batch, so any store works: SQLite on one
machine, PostgreSQL as the shared store of a real cluster. Clustering and the sentence index, which need
every article at once, then run on the driver as in a local run (`pipeline.update_store`), finding
vectors, signatures and claims cached.

The stages (`engines.ray_stages`) call the same pure functions as the local pipeline, and none of them
depends on which other articles share its batch, so a Ray run stores the same articles, copies, stories
and claims as `pipeline.ingest`.

Workers read large inputs themselves: on a multi-node cluster the paths must name a filesystem every
node mounts (standard input is read by the driver). Ray is the optional extra `[ray]`.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np

from wiretrace.claims import EXTRACTOR_VERSION, ExtractOptions
from wiretrace.engines.ray_stages import (
    _as_item,
    _clean,
    _embed,
    _extract,
    _failure,
    _GpuEmbed,
    _Item,
    _pack,
    _read,
    _sketch,
)
from wiretrace.errors import EngineUnavailable, InputError, ModelError, UsageError
from wiretrace.ingest import IngestOptions, ProgressCallback
from wiretrace.ingest.fingerprints import file_fingerprint, known_articles, record_files
from wiretrace.ingest.readers import expand_paths, read_documents
from wiretrace.ingest.writer import write_batches
from wiretrace.ml.device import DEVICES
from wiretrace.models import Article, IngestFailure, IngestReport
from wiretrace.store import Store
from wiretrace.stories.dedupe import DedupeOptions, signature_key


@dataclass(frozen=True)
class RayOptions:
    """How the Ray engine runs.

    Attributes:
        address: the cluster to join ("auto", "ray://host:10001", "host:6379"); None: `RAY_ADDRESS`, else
            a local cluster started for this run and stopped after it.
        num_cpus: CPUs of that local cluster (None: all of this machine's); ignored when joining one.
        device: where the embedding model runs: "cpu", "cuda" (one embedding actor per GPU of the
            cluster, which must have some) or "auto" (GPU actors where the cluster has GPUs, else CPU).
        batch_size: documents per Ray Data batch of the clean and sketch stages.
        embed_batch_size: articles per embedding batch on CPU (four times as many on a GPU).
        extract_batch_size: articles per claim-extraction batch (one spaCy pass).
        connect_timeout_s: how long to try reaching a named cluster's head before a one-line error
            (`WIRETRACE_RAY_CONNECT_TIMEOUT`); Ray itself retries for minutes.
        verbose: show Ray's own log lines and warnings (off: a CLI user cannot act on them).
        driver_clean_bytes: input files not known by their fingerprint and this small in all are read and
            cleaned here, and Ray starts only if some article is new: starting Ray Data's tasks costs more
            than cleaning them (a re-run over 81 PolNeAR and seed text files, 0.54 MB, that a local run
            stored: 1.4 s in all cleaning here, 15.7 s with read and clean tasks on a 2-CPU local cluster,
            6.8 s of that its start). Larger inputs are read and cleaned on the cluster.
    """

    address: str | None = None
    num_cpus: int | None = None
    device: str = "cpu"
    batch_size: int = 16
    embed_batch_size: int = 64
    extract_batch_size: int = 32
    connect_timeout_s: float = field(default_factory=lambda: float(os.environ.get(CONNECT_TIMEOUT_ENV) or 15))
    verbose: bool = False
    driver_clean_bytes: int = 4_000_000


CONNECT_TIMEOUT_ENV = "WIRETRACE_RAY_CONNECT_TIMEOUT"


def require_ray() -> Any:
    """The `ray` module, or a one-line `UsageError` naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray without its [data] part lacks Ray Data
    except ImportError as exc:
        raise UsageError("--engine ray needs Ray Data: pip install 'wiretrace[ray]'") from exc
    return ray


def run_on_ray(
    store: Store,
    paths: Iterable[str],
    options: IngestOptions | None = None,
    ray_options: RayOptions | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    dedupe: DedupeOptions | None = None,
    claims: ExtractOptions | None = None,
) -> tuple[IngestReport, Any]:
    """The per-article stages on a Ray cluster, written here in input order (`pipeline.ingest_ray` runs the rest).

    An input file ingested before with the same options, whose articles are all still stored, is not sent:
    its articles are reported unchanged (`ingest.fingerprints`), and when no file is left Ray never starts.

    Args:
        store: where everything is written (by this process only).
        paths: files, directories, globs, or '-' for `stdin` (read here, cleaned on the cluster).
        options: reader, cleaning and store-batch options (`workers` is the cluster's business here).
        ray_options: cluster address, local cluster size, device and batch sizes.
        stdin: the stream read for '-'.
        progress: called with (path, articles so far) as results come back.
        dedupe: the run's copy-detection options (the signatures the workers compute and their cache key).
        claims: the run's claim-extraction options.

    Returns:
        The ingest report and an embedder for the later stages that serves the vectors the workers computed
        (the driver may have no GPU: it loads a model only for a vector no worker computed).
    """
    options = options or IngestOptions()
    ray_options = ray_options or RayOptions()
    if ray_options.device not in DEVICES:
        raise UsageError(f"unknown device {ray_options.device!r}; use one of: {', '.join(DEVICES)}")
    dedupe, claims = dedupe or DedupeOptions(), claims or ExtractOptions()
    ray = require_ray()
    report = IngestReport()
    sources, fingerprints = _unknown_sources(store, _sources(paths, options, stdin), options, report, progress)
    if not sources:
        return report, _CachedEmbedder(None, "cpu" if ray_options.device == "cpu" else "auto")
    driver_device = "cpu" if ray_options.device == "cpu" else "auto"
    cleaned = _clean_here(sources, options) if _source_bytes(sources) <= ray_options.driver_clean_bytes else None
    if cleaned is not None and not _new_items(store, cleaned):  # every article stored: no cluster needed
        _write(store, cleaned, _Computed([], iter(())), options, report, progress, dedupe, fingerprints)
        return report, _CachedEmbedder(None, driver_device)
    started = _connect(ray, ray_options)
    context = ray.data.DataContext.get_current()
    saved = context.execution_options.preserve_order, context.enable_progress_bars
    context.execution_options.preserve_order = True  # the store must see articles in input order
    context.enable_progress_bars = False
    try:
        # Read and clean on the cluster, then sketch, embed and extract only what the store lacks: the
        # article id (its clean text's hash) is the first point at which a file not known by its
        # fingerprint (stored by a local run, or grown by a record) can be found unchanged.
        if cleaned is None:
            cleaned = [pickle.loads(row["item"]) for row in _cleaned(ray, sources, options, ray_options)]
        new = _new_items(store, cleaned)
        computed = _Computed(new, _derived(ray, new, ray_options, dedupe, claims))
        _write(store, cleaned, computed, options, report, progress, dedupe, fingerprints)
    finally:
        context.execution_options.preserve_order, context.enable_progress_bars = saved
        if started:
            ray.shutdown()
    return report, _CachedEmbedder(computed.embedder, driver_device)


def _connect(ray: Any, ray_options: RayOptions) -> bool:
    """Join (or start) a cluster unless this process already has; True when this call did."""
    if ray.is_initialized():
        return False
    address = ray_options.address or os.environ.get("RAY_ADDRESS")
    if address and address != "auto":
        probe_head(address, ray_options.connect_timeout_s)
    if not ray_options.verbose:
        _quiet_ray()
    init: dict[str, Any] = {"address": address} if address else {"num_cpus": ray_options.num_cpus}
    try:
        ray.init(**init, log_to_driver=ray_options.verbose, include_dashboard=False,
                 logging_level="INFO" if ray_options.verbose else "ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineUnavailable(f"cannot reach the Ray cluster at {address or 'a new local cluster'!r}: {first}") from exc
    if not ray_options.verbose:
        import ray.data

        ray.data.DataContext.get_current().enable_progress_bars = False
    return True


def probe_head(address: str, timeout_s: float) -> None:
    """Fail within `timeout_s` with one line when nothing listens at the cluster head's host:port.

    Ray's own connect retries for minutes and prints C++ warnings while it does; a closed port or an
    unknown host is known at once by one TCP connection.
    """
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"Ray address {address!r} is not HOST:PORT (or ray://HOST:PORT, or 'auto')")
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=max(0.5, min(5.0, timeout_s))).close()
            return
        except OSError as exc:
            if time.monotonic() >= deadline:
                reason = exc.strerror or type(exc).__name__
                raise EngineUnavailable(f"cannot reach the Ray cluster at {address!r}: {reason}") from exc
            time.sleep(0.5)


def _quiet_ray() -> None:
    """Ray's warnings a CLI user cannot act on (token authentication, progress bars, deduplication) off."""
    import logging

    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("RAY_LOG_TO_STDERR", "0")
    os.environ.setdefault("GLOG_minloglevel", "2")  # the C++ core's own warnings
    for name in ("ray", "ray.data", "ray._private", "ray.util"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _sources(paths: Iterable[str], options: IngestOptions, stdin: BinaryIO | None) -> list[dict]:
    """One row per file to read, in input order; a bad pattern, or stdin's documents, travel as items."""
    sources: list[dict] = []
    for pattern in paths:
        try:
            files = list(expand_paths([pattern]))
        except InputError as exc:
            sources.append({"path": "", "items": _pack([_Item(failure=_failure(exc))])})
            continue
        for path in files:
            if path == "-":  # the workers cannot see this process's standard input
                sources.append({"path": "", "items": _pack([_as_item(d) for d in read_documents(path, options.read, stdin)])})
            else:
                sources.append({"path": path, "items": b""})
    return sources


def _unknown_sources(store: Store, sources: list[dict], options: IngestOptions, report: IngestReport,
                     progress: ProgressCallback | None) -> tuple[list[dict], dict[int, str | None]]:
    """The sources still to ingest, each numbered, and their fingerprints; known files go to `report`."""
    left: list[dict] = []
    fingerprints: dict[int, str | None] = {}
    for source in sources:
        fingerprint = file_fingerprint(source["path"], options) if source["path"] else None
        ids = known_articles(store, fingerprint)
        if ids is None:
            source["index"] = len(fingerprints)
            fingerprints[source["index"]] = fingerprint
            left.append(source)
            continue
        report.unchanged.extend(ids)
        if progress is not None:
            progress(source["path"], len(report.unchanged))
    return left, fingerprints


def _source_bytes(sources: list[dict]) -> int:
    """Bytes the sources hold: their files' sizes, and the pickled documents the driver read itself."""
    total = 0
    for source in sources:
        try:
            total += os.path.getsize(source["path"]) if source["path"] else len(source["items"])
        except OSError:  # the reader reports it
            continue
    return total


def _clean_here(sources: list[dict], options: IngestOptions) -> list[_Item]:
    """The read and clean stages run in this process, in input order, as the cluster would run them."""
    rows = [row for source in sources for row in _read(source, options)]
    if not rows:
        return []
    return [pickle.loads(blob) for blob in _clean({"item": np.array([r["item"] for r in rows], dtype=object)}, options)["item"]]


def _cleaned(ray: Any, sources: list[dict], options: IngestOptions, ray_options: RayOptions) -> Iterator[dict]:
    """Rows in input order, each a pickled `_Item` holding its clean article or its failure."""
    # A few blocks per CPU, not one per file: each block is a task, and a task's start costs more than
    # cleaning a small file (81 files on 2 CPUs: 6.2 s as 81 blocks).
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    ds = ray.data.from_items(sources, override_num_blocks=min(len(sources), _BLOCKS_PER_CPU * cpus))
    ds = ds.flat_map(_read, fn_kwargs={"options": options})
    return iter(ds.map_batches(_clean, batch_size=ray_options.batch_size, fn_kwargs={"options": options}).iter_rows())


_BLOCKS_PER_CPU = 4  # enough that a slow file does not hold up a CPU's share of the others


def _new_items(store: Store, items: list[_Item]) -> list[_Item]:
    """The items whose article the store lacks, each article once, in input order: all phase two is sent."""
    firsts = {item.article.id: item for item in reversed(items) if item.article is not None}
    ids = [item.article.id for item in items if item.article is not None and firsts[item.article.id] is item]
    stored: set[str] = set()
    for start in range(0, len(ids), _LOOKUP_BATCH):
        stored.update(a.id for a in store.list_articles(ids[start:start + _LOOKUP_BATCH]))
    return [firsts[i] for i in ids if i not in stored]


_LOOKUP_BATCH = 500  # ids per store query, under SQLite's bound-parameter limit (999 on old builds)


def _derived(ray: Any, items: list[_Item], ray_options: RayOptions, dedupe: DedupeOptions,
             claims: ExtractOptions) -> Iterator[dict]:
    """Rows in the order of `items`, each a pickled `_Item` with its signature, vector and claims added."""
    if not items:
        return iter(())
    gpus = int(ray.cluster_resources().get("GPU", 0))
    device = ray_options.device
    if device == "cuda" and not gpus:
        raise UsageError("device 'cuda': the Ray cluster has no GPU (no node declares a 'GPU' resource)")
    blocks = -(-len(items) // ray_options.batch_size)  # one block per sketch batch: every worker gets some
    ds = ray.data.from_items([{"item": _pack(item)} for item in items], override_num_blocks=blocks)
    ds = ds.map_batches(_sketch, batch_size=ray_options.batch_size, fn_kwargs={"options": dedupe})
    if device != "cpu" and gpus:  # one actor per GPU, so the model loads once per GPU
        ds = ds.map_batches(_GpuEmbed, fn_constructor_kwargs={"device": device}, concurrency=gpus, num_gpus=1,
                            batch_size=4 * ray_options.embed_batch_size)
    else:
        ds = ds.map_batches(_embed, batch_size=ray_options.embed_batch_size)
    ds = ds.map_batches(_extract, batch_size=ray_options.extract_batch_size, fn_kwargs={"options": claims})
    return iter(ds.iter_rows())


# -- the driver ----------------------------------------------------------------------------------------
class _Computed:
    """Phase two's results, taken from its stream as the writer stores each batch's new articles."""

    def __init__(self, sent: list[_Item], rows: Iterator[dict]):
        self.sent = {item.article.id for item in sent}
        self.rows = rows
        self.waiting: dict[str, _Item] = {}
        self.embedder: str | None = None

    def take(self, article_id: str) -> _Item | None:
        """The finished item of this article; None when it was not sent (the store held it when looked up)."""
        if article_id not in self.sent:
            return None
        while article_id not in self.waiting:
            row = next(self.rows, None)
            if row is None:
                return None
            item: _Item = pickle.loads(row["item"])
            self.waiting[item.article.id] = item
            self.embedder = self.embedder or item.embedder
        return self.waiting.pop(article_id)


def _write(store: Store, cleaned: list[_Item], computed: _Computed, options: IngestOptions, report: IngestReport,
           progress: ProgressCallback | None, dedupe: DedupeOptions, fingerprints: dict[int, str | None]) -> None:
    """Store the clean articles through the batch writer `ingest_paths` uses, then record the files.

    Only articles new to the store get vectors, signatures and claims written: one already there keeps
    what its first ingest computed. An article stored by another process since the lookup is reported
    unchanged and its computed row passed over; one removed since is stored and left to the later stages.
    """
    gave: dict[int, list[str]] = {index: [] for index in fingerprints}
    failed: set[int] = set()

    def results() -> Iterator[IngestFailure | tuple[Article, str]]:
        for item in cleaned:
            if item.article is None:
                failed.add(item.source)
                yield item.failure
                continue
            gave.setdefault(item.source, []).append(item.article.id)
            yield item.article, item.article.id

    def derived(store: Store, ids: list[str]) -> None:
        _put_derived(store, [item for item in map(computed.take, ids) if item is not None], dedupe)

    write_batches(store, results(), options.batch_size, report, progress, derived)
    record_files(store, ((fingerprints[i], ids) for i, ids in gave.items() if i in fingerprints and i not in failed))


def _put_derived(store: Store, items: list[_Item], dedupe: DedupeOptions) -> None:
    """Cache what the workers computed under the names the local stages look it up by."""
    if not items:
        return
    store.put_embeddings(signature_key(dedupe), {i.article.id: i.signature.view(np.float32) for i in items})
    by_model: dict[str, dict[str, np.ndarray]] = {}
    for item in items:
        by_model.setdefault(item.embedder, {})[item.article.id] = item.vector
    for name, vectors in by_model.items():
        store.put_embeddings(name, vectors)
    for item in items:
        store.put_claims(item.article.id, item.claims, item.entities, EXTRACTOR_VERSION)


class _CachedEmbedder:
    """The workers' embedding model seen from the driver: their cache name, a model loaded only if needed.

    After a Ray run clustering finds every new vector cached under the workers' model name (the float
    model on GPU workers, the quantized one on CPU workers). The driver loads a model only to embed an
    article no run embedded yet (one stored with `update=False`, say), and never files another model's
    vectors under the workers' name.
    """

    dim = 384

    def __init__(self, name: str | None, device: str):
        self._device = device
        self._model: Any = None
        self._name = name

    @property
    def name(self) -> str:
        """The workers' model name; with no worker run (every file known), this machine's, loaded then."""
        if self._name is None:
            self._name = self._load().name
        return self._name

    def _load(self) -> Any:
        if self._model is None:
            from wiretrace.ml.embedder import lead_embedder

            self._model = lead_embedder(self._device)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors from this machine's model, which must be the one the workers ran."""
        model = self._load()
        if model.name != self.name:
            raise ModelError(f"the Ray workers embedded with {self.name!r} but this machine runs {model.name!r}; "
                             "run 'wiretrace cluster' where the model runs as on the workers")
        return model.embed(texts)
