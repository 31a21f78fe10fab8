"""TagMap and the on-demand lemma give the tokens exactly what attribute_ruler and lemmatizer give them."""

import pytest
from conftest import import_or_skip, skip_or_fail

spacy = import_or_skip("spacy")

from wiretrace.claims.nlp import DEFAULT_MODEL, lemma, parse  # noqa: E402

SENTENCES = [
    "Russian officials said on Monday that 199,460 troops had been lost, according to the report.",
    "“We will not accept this,” she told reporters, citing a source close to the administration.",
    "Y'all gon na see it, let's go.",
    "There is a cat and there are two dogs.",
    "He ai n't here  now, but he does n't care.",
    "Nothin' gets done; it got worse and I know it.",
    "The figures, which were estimated by analysts, were criticized as too low by Sen. Graham.",
    "Is that what you wanted?  Everyone did.",
]


@pytest.fixture(scope="module")
def reference():
    try:
        return spacy.load(DEFAULT_MODEL, exclude=["senter"])
    except OSError:
        skip_or_fail(f"{DEFAULT_MODEL} is not installed")


def test_same_attributes_as_spacy_components(reference):
    ours = list(parse(SENTENCES))
    theirs = list(reference.pipe(SENTENCES))
    for mine, ref in zip(ours, theirs, strict=True):
        got = [(t.pos_, str(t.morph), lemma(t), t.tag_, t.dep_, t.ent_type_) for t in mine]
        want = [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_, t.ent_type_) for t in ref]
        assert got == want


def test_lemma_is_computed_once_and_kept():
    doc = next(parse(["The officials warned that prices rose."]))
    warned = doc[2]
    assert warned.lemma_ == ""
    assert lemma(warned) == "warn"
    assert warned.lemma_ == "warn"


def test_same_attributes_as_spacy_components_on_the_demo_articles(reference):
    """Every token of the bundled demo articles: the indexed rules and the lemma memo change nothing."""
    from importlib import resources

    from wiretrace.claims.sentences import split_sentences

    folder = resources.files("wiretrace.demo").joinpath("corpus", "text")
    texts = [f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".txt")]
    assert texts
    sentences = [t[s:e] for t in texts for s, e in split_sentences(t)]
    for _ in range(2):  # the second pass reads every attribute and lemma from the memos
        ours = list(parse(sentences))
        theirs = list(reference.pipe(sentences))
        got = [(t.pos_, str(t.morph), lemma(t), t.tag_, t.dep_) for d in ours for t in d]
        want = [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for d in theirs for t in d]
        assert got == want
