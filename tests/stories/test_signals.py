import json

import numpy as np
import pytest

from wiretrace.stories.signals import (
    FEATURES,
    MODEL_FILE,
    Regression,
    SameEventModel,
    WordFrequencies,
    read_signals,
)


def test_signals_read_names_numbers_and_words():
    (signals,) = read_signals(["Quake in Ardala kills 112\nThe 6.4 quake hit Ardala at dawn; 1,200 homes fell."])
    assert "ardala" in signals.names
    assert {"112", "6.4", "1200"} <= signals.numbers
    assert signals.words["quake"] == 2 and "the" not in signals.words
    vector = signals.tf_vector()
    assert np.isclose(sum(v * v for v in vector.values()), 1.0)


def test_rare_words_weigh_more_and_state_round_trips():
    freq = WordFrequencies()
    for i in range(20):
        freq.add({"senate": 1, f"word{i}": 1})
    freq.add({"senate": 1, "pagliano": 1})
    weights = freq.keywords({"senate": 1, "pagliano": 1}, top=2)
    assert weights["pagliano"] > weights["senate"]
    back = WordFrequencies.from_state(json.loads(json.dumps(freq.to_state())))
    assert back.docs == freq.docs and np.array_equal(back.counts, freq.counts)


def test_committed_model_loads_and_says_what_it_was_fitted_on():
    model = SameEventModel.load()
    for part in (model.dated, model.undated):
        assert len(part.weights) == len(FEATURES) and 0 < part.threshold < 1
    assert "train" in model.trained_on and "val.jsonl" not in model.trained_on and "dev" not in model.trained_on


def test_model_file_with_other_features_is_refused(tmp_path):
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="refit"):
        SameEventModel.load(path)


def test_regression_is_monotone_in_a_positive_weight():
    regression = Regression(tuple([1.0] + [0.0] * (len(FEATURES) - 1)), -0.5)
    low, high = ([x] + [0.0] * (len(FEATURES) - 1) for x in (0.0, 1.0))
    assert regression.probability(low) < 0.5 < regression.probability(high)
