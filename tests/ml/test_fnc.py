import csv
from dataclasses import replace

from conftest import shared_path

from wiretrace.ml.stance import fnc

ROWS = [
    ("Mayor resigns after scandal", "1", "agree"),
    ("Mayor resigns after scandal", "2", "disagree"),
    ("Mayor resigns after scandal", "9", "unrelated"),
    ("Comet found near Mars", "9", "discuss"),
    ("Comet found near Mars", "3", "agree"),
]
BODIES = {
    "1": "The city was quiet on Sunday. The mayor resigns after a scandal over city contracts, officials said.",
    "2": "Reports that the mayor resigned after the scandal are false, her office said. She remains in office.",
    "3": "Astronomers say a comet was found near Mars last week. It is small.",
    "9": "A comet may have been found near Mars, one blog claims. Nobody has confirmed it.",
}


def _files(tmp_path):
    stances, bodies = tmp_path / "stances.csv", tmp_path / "bodies.csv"
    with stances.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(ROWS)
    with bodies.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(BODIES.items())
    return fnc.FncOptions(stances=stances, bodies=bodies, holdout_share=0.0, context_share=0.0)


def test_topics_join_related_rows_only():
    topic = fnc.topics(ROWS)
    assert topic["h:Mayor resigns after scandal"] == topic["b:1"] == topic["b:2"]
    # the unrelated row does not join body 9 (the comet's) with the mayor's topic
    assert topic["b:9"] == topic["h:Comet found near Mars"] != topic["b:1"]


def test_pairs_take_the_best_matching_sentence_and_map_the_stance(tmp_path):
    pairs = {(p.stance, p.hypothesis): p for p in fnc.build_pairs(_files(tmp_path))}
    agree = pairs[("agree", "Mayor resigns after scandal")]
    assert agree.label == "entailment" and agree.premise.startswith("The mayor resigns")
    assert pairs[("disagree", "Mayor resigns after scandal")].label == "contradiction"
    assert pairs[("discuss", "Comet found near Mars")].label == "neutral"
    assert pairs[("unrelated", "Mayor resigns after scandal")].label == "neutral"


def test_held_out_topics_never_reach_training(tmp_path):
    options = _files(tmp_path)
    assert len(fnc.training_rows(ROWS, options)) == len(ROWS)
    none = replace(options, holdout_share=1.0)
    assert fnc.training_rows(ROWS, none) == []
    assert fnc.build_pairs(none) == []
    assert fnc.unseen_rows(ROWS, none) == ROWS
    assert fnc.unseen_rows(ROWS, options) == []


def test_holdout_is_stable():
    assert [fnc.held_out(f"t{i}", 0.25, 13) for i in range(50)] == [fnc.held_out(f"t{i}", 0.25, 13) for i in range(50)]
    share = sum(fnc.held_out(f"t{i}", 0.25, 13) for i in range(2000)) / 2000
    assert 0.2 < share < 0.3


def test_real_fnc_train_split_keeps_dev_topics_apart():
    stances = shared_path("eval", "fnc1", "train_stances.csv")
    dev = fnc.read_rows(stances.parent / "dev_stances.csv")
    options = replace(fnc.FncOptions(), stances=stances, bodies=stances.parent / "bodies.csv")
    used = fnc.training_rows(fnc.read_rows(stances), options)
    unseen = fnc.unseen_rows(dev, options)
    assert 500 < len(unseen) < len(dev)
    seen_headlines = {r[0] for r in used}
    assert not any(r[0] in seen_headlines for r in unseen)
    assert {r[2] for r in unseen} == {"agree", "disagree", "discuss", "unrelated"}


def test_fnc_pairs_are_opt_in_for_training():
    from wiretrace.ml.stance.train import parse_args

    assert parse_args(["--out", "x"]).fnc is None  # the shipped model's recipe
    assert parse_args(["--out", "x", "--fnc"]).fnc == fnc.FncOptions()
