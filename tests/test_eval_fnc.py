"""eval/fnc.py: the FNC-1 score, the stance mapping and the threshold fit, on made-up rows."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fnc():
    spec = importlib.util.spec_from_file_location("eval_fnc", ROOT / "eval" / "fnc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fnc_score_weights_related_stances(fnc):
    gold = ["agree", "unrelated", "discuss", "disagree"]
    perfect = fnc.scores(gold, gold)
    assert perfect["fnc_score"] == 1.0 and perfect["macro_f1"] == 1.0
    # related called related but the wrong stance: 0.25 of 1.0 for each related pair
    wrong_stance = fnc.scores(gold, ["discuss", "unrelated", "agree", "agree"])
    assert wrong_stance["fnc_score"] == pytest.approx((0.25 * 3 + 0.25) / 3.25)
    all_unrelated = fnc.scores(gold, ["unrelated"] * 4)
    assert all_unrelated["fnc_score"] == pytest.approx(0.25 / 3.25)


def test_verdicts_map_to_stances_and_irrelevant_is_unrelated(fnc):
    assert fnc.stance_of("supported", 0.9, 0.5) == "agree"
    assert fnc.stance_of("refuted", 0.9, 0.5) == "disagree"
    assert fnc.stance_of("not-enough-evidence", 0.9, 0.5) == "discuss"
    assert fnc.stance_of("disputed", 0.9, 0.5) == "discuss"
    assert fnc.stance_of("supported", 0.1, 0.5) == "unrelated"


def test_threshold_separates_related_from_unrelated(fnc):
    cut = fnc.fit_threshold([0.1, 0.2, 0.6, 0.8], [False, False, True, True])
    assert 0.2 < cut < 0.6


def test_the_tuning_file_cannot_be_the_reported_one(tmp_path):
    stances = tmp_path / "s.csv"
    stances.write_text("Headline,Body ID,Stance\nA port reopened,1,agree\n", encoding="utf-8")
    bodies = tmp_path / "b.csv"
    bodies.write_text('Body ID,articleBody\n1,"The port reopened on Monday after the storm."\n', encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "eval" / "fnc.py"), str(stances), str(bodies), "--tune",
                          str(stances)], capture_output=True, text=True)
    assert run.returncode == 2 and "must not be the file reported" in run.stderr


def test_runs_end_to_end_on_a_tiny_file(tmp_path):
    stances = tmp_path / "s.csv"
    stances.write_text("Headline,Body ID,Stance\nThe port reopened on Monday,1,agree\n"
                       "Aliens landed in a cornfield in Iowa,1,unrelated\n", encoding="utf-8")
    bodies = tmp_path / "b.csv"
    bodies.write_text('Body ID,articleBody\n1,"The harbour authority said the port reopened on Monday after '
                      'the storm. Ships queued outside the breakwater for hours."\n', encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "eval" / "fnc.py"), str(stances), str(bodies), "--threshold",
                          "0.3", "--baseline-threshold", "1.0", "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["pairs"] == 2 and set(report) >= {"wiretrace", "baseline", "floor"}
    assert report["predicted"].get("unrelated") == 1  # the alien headline shares nothing with the body
