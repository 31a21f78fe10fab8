"""Cross-outlet contradictions between claim groups, with stand-in models so the logic is what is tested."""

import numpy as np

from wiretrace.crosscheck.align import AlignOptions, ClaimGroup, Mention, contradictions_between
from wiretrace.models import Article, Claim

SPILL = "Ammonia from the plant reached the town's drinking water supply, the water board said."
DENIAL = "no risk to drinking water."
DENIAL_IN_CONTEXT = "A plant spokesperson said ammonia levels were falling and that there was no risk to drinking water."


class StandInEmbedder:
    """The spill and the bare denial share no meaning; the denial in its sentence is close to both."""

    dim = 3
    name = "stand-in"

    def embed(self, texts):
        basis = {SPILL: [1.0, 0.0, 0.0], DENIAL: [0.0, 1.0, 0.0], DENIAL_IN_CONTEXT: [0.7, 0.7, 0.0]}
        rows = np.array([basis.get(t, [0.0, 0.0, 1.0]) for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class StandInStance:
    """Calls a reading a contradiction when one side is about the spill and the other denies a risk."""

    labels = ("entailment", "neutral", "contradiction")

    def predict_batch(self, pairs):
        def row(a, b):
            texts = a + " " + b
            return [0.05, 0.05, 0.9] if "reached" in texts and "no risk" in texts else [0.1, 0.8, 0.1]

        return np.array([row(a, b) for a, b in pairs], dtype=np.float32)


def _mention(n, text, source, outlet):
    article = Article(id=f"a{n}", text=text, outlet=outlet)
    claim = Claim(id=f"c{n}", article=article.id, kind="statement", text=text, start=0, end=len(text))
    return Mention(claim=claim, article=article, outlet=outlet, source=source)


def _groups(denial_texts):
    spill = ClaimGroup("g-spill", SPILL, "statement", [_mention(0, SPILL, "s-board", "Water Board News")])
    denials = [_mention(k + 1, t, "s-plant", "Plant Wire") for k, t in enumerate(denial_texts)]
    return [spill, ClaimGroup("g-denial", DENIAL, "statement", denials)]


def test_group_is_read_through_the_mention_that_names_the_subject():
    found = contradictions_between(_groups([DENIAL, DENIAL_IN_CONTEXT]), StandInEmbedder(), StandInStance(),
                                   AlignOptions())
    assert len(found) == 1
    shown = {m.claim.text for m in found[0].mentions}
    assert shown == {SPILL, DENIAL_IN_CONTEXT}  # the mentions whose texts were read
    assert {m.source for m in found[0].mentions} == {"s-board", "s-plant"}


def test_unrelated_groups_are_not_read():
    # Only the bare denial: nothing in the group is close enough to the spill to be read against it.
    assert contradictions_between(_groups([DENIAL]), StandInEmbedder(), StandInStance(), AlignOptions()) == []


def test_one_source_does_not_contradict_itself():
    groups = _groups([DENIAL, DENIAL_IN_CONTEXT])
    for m in groups[0].mentions:
        m.source = "s-plant"
    assert contradictions_between(groups, StandInEmbedder(), StandInStance(), AlignOptions()) == []
