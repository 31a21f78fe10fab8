"""Run-time stance model: an int8 ONNX cross-encoder that needs only onnxruntime, tokenizers and numpy.

The model reads a (premise, hypothesis) pair, e.g. (source sentence, claim), and returns calibrated
probabilities for entailment / neutral / contradiction. Weights, tokenizer and settings ship inside the
package (``wiretrace/stance/assets``), so nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from wiretrace.errors import ModelError

logger = logging.getLogger(__name__)

LABELS = ("entailment", "neutral", "contradiction")
MODEL_FILE = "stance-int8.onnx"
CONFIG_FILE = "stance.json"
TOKENIZER_FILE = "tokenizer.json"
ENV_VAR = "WIRETRACE_STANCE_MODEL"


class StanceModelError(ModelError, ValueError):
    """The stance model files are missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class StanceConfig:
    """Settings stored next to the weights in ``stance.json``.

    Attributes:
        labels: order of the logits the network outputs.
        temperature: divides the logits before the softmax (fitted after training, see MODEL_CARD.md).
        max_len: token budget of a pair; longer pairs are truncated longest-first, as in training.
    """

    labels: tuple[str, ...] = LABELS
    temperature: float = 1.0
    max_len: int = 128


def load_tokenizer(path: Path, max_len: int):  # noqa: ANN201 - tokenizers has no stable public type path
    """Load ``tokenizer.json`` with the truncation used in training and padding to the longest pair.

    Training and inference both go through this function so the two can never tokenize differently.
    """
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=max_len, strategy="longest_first")
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def encode_pairs(tokenizer, pairs: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Tokenize pairs into the three int64 arrays a BERT cross-encoder takes, padded to the longest."""
    encs = tokenizer.encode_batch([(p, h) for p, h in pairs])
    return {
        "input_ids": np.asarray([e.ids for e in encs], dtype=np.int64),
        "attention_mask": np.asarray([e.attention_mask for e in encs], dtype=np.int64),
        "token_type_ids": np.asarray([e.type_ids for e in encs], dtype=np.int64),
    }


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Numerically stable softmax over the last axis of ``logits / temperature``."""
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


CPU_BATCH, GPU_BATCH = 32, 128  # pairs per forward pass: on a GPU larger batches keep it busy


def _device(device: str) -> str:
    """'cpu' or 'cuda' for a requested device (see `wiretrace.ml.device`)."""
    from wiretrace.ml.device import DEVICES, resolve_device

    if device not in DEVICES:
        raise StanceModelError(f"device {device!r} is not supported; use one of: {', '.join(DEVICES)}")
    return resolve_device(device)


class StanceModel:
    """Cross-encoder NLI model over ONNX Runtime.

    Example:
        >>> model = load_stance_model()
        >>> probs = model.predict("The minister resigned on Monday.", "The minister did not resign.")
        >>> max(probs, key=probs.get)
        'contradiction'
    """

    def __init__(self, onnx_path: Path, device: str = "cpu", threads: int | None = None, spin: bool = False) -> None:
        """Open the ONNX file and its sibling ``stance.json`` and ``tokenizer.json``.

        Args:
            onnx_path: the ``.onnx`` weights; ``stance.json`` and ``tokenizer.json`` sit in the same folder.
            device: "cpu", "cuda" (needs onnxruntime-gpu and a GPU, else a `UsageError`) or "auto"
                (CUDA when usable, else the CPU).
            threads: on the CPU, how many one-pair passes run at once, each on one thread (None: one
                per usable core); on a GPU, ONNX Runtime's intra-op threads.
            spin: let idle ONNX Runtime threads busy-wait. Off by default: on a machine shared with
                other work, spinning threads fight the other processes for the cores.

        Raises:
            StanceModelError: a file is missing or cannot be parsed.
        """
        import onnxruntime as ort

        from wiretrace.engines.local import passes_side_by_side
        from wiretrace.ml.device import confirm_cuda, providers
        from wiretrace.ml.int8 import session_model

        self.path = Path(onnx_path)
        self.config = _read_config(self.path.parent / CONFIG_FILE)
        tok_path = self.path.parent / TOKENIZER_FILE
        if not tok_path.is_file():
            raise StanceModelError(f"{tok_path}: tokenizer.json missing next to the stance model")
        self.tokenizer = load_tokenizer(tok_path, self.config.max_len)
        opts = ort.SessionOptions()
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        self.device = _device(device)
        # On the CPU each pair goes through alone, passes side by side on one thread each. The model's
        # activations are quantized with one scale per pass, so batched pairs would change each other's
        # probabilities (by up to 0.05); alone, a pair always gets the same answer. It is also faster:
        # 1.6x the pairs/s of 32-pair batches on two cores (no padding, and small products split across
        # cores badly).
        self._pool: ThreadPoolExecutor | None = None
        if self.device == "cpu":
            opts.intra_op_num_threads = 1
            self._pool = passes_side_by_side(threads, "wiretrace-stance")
        elif threads:
            opts.intra_op_num_threads = threads
        try:
            # uint8 weights where this CPU's uint8 x int8 products saturate (see wiretrace.ml.int8)
            model = session_model(self.path)
            self.session = ort.InferenceSession(model, sess_options=opts, providers=providers(self.device))
        except Exception as exc:  # onnxruntime raises several private exception types
            raise StanceModelError(f"{self.path}: not a loadable ONNX stance model ({exc})") from exc
        if self.device == "cuda" and not confirm_cuda(self.session, device):
            self.device = "cpu"  # 'auto' where onnxruntime-gpu found no usable GPU
        self.batch_size = GPU_BATCH if self.device == "cuda" else CPU_BATCH
        self._inputs = {i.name for i in self.session.get_inputs()}

    @property
    def labels(self) -> tuple[str, ...]:
        """Label order of the columns returned by :meth:`predict_batch`."""
        return self.config.labels

    def predict(self, premise: str, hypothesis: str) -> dict[str, float]:
        """Probabilities that ``premise`` entails, is neutral to, or contradicts ``hypothesis``."""
        row = self.predict_batch([(premise, hypothesis)])[0]
        return {label: float(p) for label, p in zip(self.labels, row, strict=True)}

    def predict_batch(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Calibrated probabilities, shape (n, 3), rows in input order, columns in :attr:`labels` order.

        Pairs are sorted by length before batching so each batch pads to similar lengths: on CPU this
        roughly halves the work compared with input-order batches.
        """
        logits = self.logits(pairs, batch_size)
        return softmax(logits, self.config.temperature)

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> np.ndarray:
        """Raw (uncalibrated) logits in input order; used for fitting the temperature.

        `batch_size` pairs go through per pass; None: 32 on the CPU, 128 on a GPU.
        """
        batch_size = batch_size or self.batch_size
        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        if self.device == "cpu":  # one pair per pass (see __init__), whatever batch_size says
            rows = (self._pool.map if self._pool else map)(self._run_one, pairs)
            return np.stack(list(rows)).astype(np.float32, copy=False)
        order = np.argsort([len(p) + len(h) for p, h in pairs], kind="stable")
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        for start in range(0, len(pairs), batch_size):
            idx = order[start : start + batch_size]
            feeds = encode_pairs(self.tokenizer, [pairs[i] for i in idx])
            feeds = {k: v for k, v in feeds.items() if k in self._inputs}
            out[idx] = self.session.run(None, feeds)[0]
        return out

    def _run_one(self, pair: tuple[str, str]) -> np.ndarray:
        feeds = encode_pairs(self.tokenizer, [pair])
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0][0]


def _read_config(path: Path) -> StanceConfig:
    if not path.is_file():
        raise StanceModelError(f"{path}: stance.json missing next to the stance model")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return StanceConfig(
            labels=tuple(raw["labels"]), temperature=float(raw["temperature"]), max_len=int(raw["max_len"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise StanceModelError(f"{path}: unreadable stance.json ({exc})") from exc


def default_model_path() -> Path:
    """The ONNX file shipped inside the package."""
    return Path(str(resources.files("wiretrace.ml.stance") / "assets" / MODEL_FILE))


def resolve_model_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Pick the model: the argument, else ``$WIRETRACE_STANCE_MODEL``, else the packaged one.

    A folder is accepted and means ``FOLDER/stance-int8.onnx`` (or the only ``.onnx`` file in it).

    Raises:
        StanceModelError: the chosen path does not exist.
    """
    chosen = path or os.environ.get(ENV_VAR) or default_model_path()
    p = Path(chosen)
    if p.is_dir():
        onnx_files = sorted(p.glob("*.onnx"))
        p = p / MODEL_FILE if (p / MODEL_FILE).is_file() or len(onnx_files) != 1 else onnx_files[0]
    if not p.is_file():
        raise StanceModelError(
            f"{p}: stance model not found; pass a path to an .onnx file or folder, or set {ENV_VAR}"
        )
    return p


_CACHE: dict[tuple[Path, str, int | None], StanceModel] = {}
_LOCK = threading.Lock()


def load_stance_model(
    path: str | os.PathLike[str] | None = None, device: str = "cpu", threads: int | None = None
) -> StanceModel:
    """Load (once per path/device/threads, then reuse) a :class:`StanceModel`.

    Args:
        path: ``.onnx`` file or folder; default ``$WIRETRACE_STANCE_MODEL`` or the packaged model.
        device: "cpu", "cuda" or "auto".
        threads: ONNX Runtime intra-op threads (None: all cores).

    Raises:
        StanceModelError: the model is missing or corrupt.
    """
    key = (resolve_model_path(path).resolve(), device, threads)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = StanceModel(key[0], device=device, threads=threads)
        return _CACHE[key]
