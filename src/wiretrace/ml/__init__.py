"""The machine-learned models (sentence embedder, stance model) and where they run.

The one place that loads them: `check`, the dossier and the web app ask here, and a model is loaded once
per process and device, then shared. Loading costs about a second each (an ONNX session, a tokenizer,
on first use the int8 rewrite); a web app that loaded them per request, or a dossier after a check that
loaded them again, paid it every time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wiretrace.ml.embedder import MiniLMEmbedder
    from wiretrace.ml.stance.model import StanceModel

_LOCK = threading.Lock()
_SENTENCE: dict[str, MiniLMEmbedder] = {}
_LEAD: dict[tuple[str, int], MiniLMEmbedder] = {}


def sentence_embedder(device: str = "cpu") -> MiniLMEmbedder:
    """The MiniLM embedder over whole sentences (256 tokens): retrieval, reranking, claim grouping."""
    from wiretrace.ml.embedder import EmbedOptions, MiniLMEmbedder

    with _LOCK:
        if device not in _SENTENCE:
            _SENTENCE[device] = MiniLMEmbedder(EmbedOptions(device=device))
        return _SENTENCE[device]


def lead_embedder(device: str = "cpu", threads: int = 0) -> MiniLMEmbedder:
    """The MiniLM embedder cut at the lead's length: what events and stories are clustered on."""
    from wiretrace.ml.embedder import lead_embedder as build

    with _LOCK:
        if (device, threads) not in _LEAD:
            _LEAD[device, threads] = build(device, threads)
        return _LEAD[device, threads]


def stance_model(device: str = "cpu") -> StanceModel:
    """The stance (NLI) model wiretrace trains and ships; `load_stance_model` keeps one per path and device."""
    from wiretrace.ml.stance.model import load_stance_model

    return load_stance_model(device=device)
