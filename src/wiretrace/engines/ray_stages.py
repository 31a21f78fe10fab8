"""The Ray engine's stages, run in Ray workers: pure functions over batches of pickled `_Item`s.

Each stage calls the same pure function as the local pipeline (`build_article`, `signatures_of`,
`MiniLMEmbedder.embed`, `extract_many`) on one batch, so none depends on which other articles share it.
`engines.ray` (the driver) builds the datasets that run them; its read and clean stages also run them in
its own process for small inputs. The names stay private: they are the engine's internals, not an API.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wiretrace.claims import ExtractOptions
from wiretrace.errors import InputError
from wiretrace.ingest import IngestOptions, build_article
from wiretrace.ingest.readers import read_documents
from wiretrace.models import Article, Claim, Entity, IngestFailure, RawDocument
from wiretrace.stories.dedupe import DedupeOptions, signatures_of


@dataclass
class _Item:
    """One document on its way through the stages, pickled into the `item` column of its row."""

    raw: RawDocument | None = None
    source: int = -1  # index of the input file it was read from (-1: read on the driver)
    article: Article | None = None
    failure: IngestFailure | None = None
    signature: np.ndarray | None = None
    embedder: str | None = None
    vector: np.ndarray | None = None
    claims: list[Claim] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


# -- the stages -------------------------------------------------------------------
def _pack(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _failure(exc: InputError) -> IngestFailure:
    # InputError takes two arguments and so does not unpickle: it travels as the report's record.
    return IngestFailure(path=exc.path, error=exc.problem)


def _as_item(doc: RawDocument | InputError, source: int = -1) -> _Item:
    return _Item(failure=_failure(doc), source=source) if isinstance(doc, InputError) else _Item(raw=doc, source=source)


def _read(source: dict, options: IngestOptions) -> list[dict]:
    """Stage: the documents of one file (or the items the driver read instead)."""
    if not source["path"]:
        return [{"item": _pack(item)} for item in pickle.loads(source["items"])]
    return [{"item": _pack(_as_item(doc, source["index"]))} for doc in read_documents(source["path"], options.read)]


def _map_items(batch: dict[str, np.ndarray], change: Callable[[list[_Item]], None]) -> dict[str, np.ndarray]:
    items = [pickle.loads(blob) for blob in batch["item"]]
    change([item for item in items if item.article is not None or item.raw is not None])
    return {"item": np.array([_pack(item) for item in items], dtype=object)}


def _clean(batch: dict[str, np.ndarray], options: IngestOptions) -> dict[str, np.ndarray]:
    """Stage: `build_article` on each document."""

    def clean(items: list[_Item]) -> None:
        for item in items:
            try:
                item.article = build_article(item.raw, options)
            except InputError as exc:
                item.failure = _failure(exc)
            item.raw = None

    return _map_items(batch, clean)


def _sketch(batch: dict[str, np.ndarray], options: DedupeOptions) -> dict[str, np.ndarray]:
    """Stage: the MinHash signature copy detection compares (as `dedupe.update_copies` computes it)."""

    def sketch(items: list[_Item]) -> None:
        for item, signature in zip(items, signatures_of([i.article.text for i in items], options), strict=True):
            item.signature = signature

    return _map_items(batch, sketch)


_EMBEDDERS: dict[str, Any] = {}  # per worker process: the model loads once, not once per batch


def _embedder(device: str) -> Any:
    from wiretrace.ml.embedder import lead_embedder

    if device not in _EMBEDDERS:  # a Ray task holds one CPU: one pass at a time, not one per core
        _EMBEDDERS[device] = lead_embedder(device, threads=1 if device == "cpu" else 0)
    return _EMBEDDERS[device]


def _embed_with(batch: dict[str, np.ndarray], embedder: Any) -> dict[str, np.ndarray]:
    from wiretrace.stories.embed import article_lead

    def embed(items: list[_Item]) -> None:
        for item, vector in zip(items, embedder.embed([article_lead(i.article) for i in items]), strict=True):
            item.vector, item.embedder = vector, embedder.name

    return _map_items(batch, embed)


def _embed(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Stage: the lead embedding clustering compares, on the CPU."""
    return _embed_with(batch, _embedder("cpu"))


class _GpuEmbed:
    """Stage: the lead embedding on one GPU, as an actor holding the model."""

    def __init__(self, device: str):
        self.embedder = _embedder(device)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return _embed_with(batch, self.embedder)


def _extract(batch: dict[str, np.ndarray], options: ExtractOptions) -> dict[str, np.ndarray]:
    """Stage: claims and entities (spaCy loads once per worker process)."""
    from wiretrace.claims import extract_many

    def extract(items: list[_Item]) -> None:
        for item, (claims, entities) in zip(items, extract_many([i.article for i in items], options), strict=True):
            item.claims, item.entities = claims, entities

    return _map_items(batch, extract)


