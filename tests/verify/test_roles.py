"""Swapped actors: the claim's people in each other's places is a conflict, a passive paraphrase is not."""

from __future__ import annotations

import pytest

from wiretrace.verify.roles import swapped_actor


@pytest.mark.parametrize(("claim", "sentence", "swap"), [
    ("Ryan called Biden's remarks malarkey.", "Biden called Ryan's remarks malarkey.", ("ryan", "biden")),
    ("Smith defeated Jones in the final.", "Jones defeated Smith in the final.", ("smith", "jones")),
    ("Ryan called Biden's remarks malarkey.", "Biden's remarks were called malarkey by Ryan.", None),
    ("Ryan called Biden's remarks malarkey.", "Ryan called Biden's remarks malarkey on Thursday.", None),
    ("Trump met Putin in Helsinki.", "Putin met Trump in Helsinki on Monday.", None),  # symmetric
    ("Smith defeated Jones.", "Smith defeated Brown in the semi-final.", None),  # Jones not there: another fact
])
def test_swapped_actor(claim, sentence, swap):
    assert swapped_actor(claim, sentence) == swap


def test_swapped_speaker_refutes_a_restatement():
    from wiretrace.ml import stance_model
    from wiretrace.models import SentenceHit
    from wiretrace.verify import CheckOptions, judge

    claim, sentence = "Ryan called Biden's remarks malarkey.", "Biden called Ryan's remarks malarkey."
    item = judge(claim, [(SentenceHit("a", 0, len(sentence), sentence, 0.0), 0.8)], stance_model(), CheckOptions())[0]
    assert item.stance == "refutes"
    assert any(n.startswith("actor differs") for n in item.notes)
