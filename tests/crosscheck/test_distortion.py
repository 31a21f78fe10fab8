"""A retelling judged against its source: aligned sentence by sentence, scored, with findings."""

from __future__ import annotations

import pytest

from wiretrace.crosscheck.distortion import DistortionOptions, align, judge_retelling

SOURCE = ("The company raised its dividend to $0.13 per share on Tuesday. Revenue grew 12% in the quarter, "
          "chief executive Vicki Hollub said. The board approved a new buyback programme.")


@pytest.fixture(scope="module")
def model():
    from wiretrace.ml.stance.model import load_stance_model

    return load_stance_model()


def test_align_prefers_the_sentence_with_the_rare_words():
    sentences = ["The company did well.", "Revenue grew 12% in the quarter.", "The company met analysts."]
    assert align("The company said revenue grew 12%.", sentences, 1) == [1]


@pytest.mark.parametrize(("retelling", "kind"), [
    ("The company cut its dividend to $0.13 per share on Tuesday.", "antonym"),
    ("The company raised its dividend to $0.15 per share on Tuesday.", "number"),
    ("The company raised its dividend to $0.13 per share on Friday.", "date"),
    ("Revenue grew 12% in the quarter, chief executive John Smith said.", "entity"),
])
def test_distorted_retelling_is_called_with_the_changed_detail(model, retelling, kind):
    report = judge_retelling(retelling, SOURCE, model)
    assert report.verdict == "distorted"
    assert kind in {f.type for f in report.findings}
    reading = report.sentences[0]
    assert reading.sources and reading.score >= DistortionOptions().distorted_threshold


def test_faithful_retelling_is_consistent(model):
    report = judge_retelling("The company raised its dividend to $0.13 per share on Tuesday.", SOURCE, model)
    assert report.verdict == "consistent", report.findings
    assert report.findings == []
