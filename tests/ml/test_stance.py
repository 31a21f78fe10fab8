import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from wiretrace.ml.stance import synth
from wiretrace.ml.stance.model import (
    ENV_VAR,
    LABELS,
    MODEL_FILE,
    StanceModelError,
    default_model_path,
    load_stance_model,
    resolve_model_path,
    softmax,
)
from wiretrace.ml.stance.synth import Sentence
from wiretrace.ml.stance.train import fit_temperature, length_bucketed_batches


@pytest.fixture(scope="module")
def model():
    return load_stance_model(threads=2)


# ---------------------------------------------------------------- the shipped model


@pytest.mark.parametrize(
    ("premise", "hypothesis", "expected"),
    [
        ("The minister resigned on Monday.", "The minister did not resign.", "contradiction"),
        ("The minister resigned on Monday after the vote.", "The minister resigned.", "entailment"),
        ("The minister resigned on Monday.", "The price of wheat rose in Brazil.", "neutral"),
        ("Police said 12 people were injured in the blast.", "Twelve people were hurt in the blast.", "entailment"),
        ("Police said 12 people were injured in the blast.", "Police said 40 people were injured in the blast.", "contradiction"),
        ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
        ("A man is playing a guitar on stage.", "Nobody is playing music.", "contradiction"),
    ],
)
def test_obvious_pairs(model, premise, hypothesis, expected):
    probs = model.predict(premise, hypothesis)
    assert max(probs, key=probs.get) == expected, probs


def test_probabilities_sum_to_one(model):
    probs = model.predict("The vote was postponed.", "The vote took place.")
    assert set(probs) == set(LABELS)
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
    assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_batch_matches_single(model):
    pairs = [
        ("The minister resigned on Monday.", "The minister did not resign."),
        ("Officials said 1,200 people were evacuated from the coastal town before the storm hit.", "People left."),
        ("It rained.", "The ground is wet."),
        ("The senator, who chairs the committee, voted against the bill on Tuesday.", "The senator voted."),
    ]
    batch = model.predict_batch(pairs, batch_size=3)
    assert batch.shape == (4, 3)
    single = np.array([[model.predict(p, h)[lab] for lab in LABELS] for p, h in pairs])
    # Dynamic int8 quantization picks activation scales per pass, so on the CPU every pair goes through
    # alone: its probabilities cannot depend on its batch mates, their order or the batch size.
    np.testing.assert_allclose(batch, single, atol=1e-6)
    reordered = model.predict_batch(pairs[::-1] + pairs[:1], batch_size=32)
    np.testing.assert_allclose(reordered[:4][::-1], single, atol=1e-6)
    np.testing.assert_allclose(batch.sum(axis=1), 1.0, atol=1e-5)


def test_one_pass_at_a_time_gives_the_same_probabilities():
    pairs = [("The minister resigned on Monday.", "The minister did not resign."), ("It rained.", "The ground is wet.")]
    alone = load_stance_model(threads=1)  # no pool: passes run one after another
    np.testing.assert_allclose(alone.predict_batch(pairs), load_stance_model(threads=2).predict_batch(pairs), atol=1e-6)


def test_empty_batch(model):
    assert model.predict_batch([]).shape == (0, 3)


def test_shipped_assets_are_small_and_consistent():
    path = default_model_path()
    assert path.is_file()
    assert path.stat().st_size <= 25 * 1024 * 1024
    config = json.loads((path.parent / "stance.json").read_text())
    assert tuple(config["labels"]) == LABELS
    assert config["temperature"] > 0
    assert (path.parent / "tokenizer.json").is_file()
    assert (path.parent / "MODEL_CARD.md").is_file()


def _copy_assets(dest: Path) -> Path:
    src = default_model_path().parent
    for name in (MODEL_FILE, "stance.json", "tokenizer.json"):
        shutil.copyfile(src / name, dest / name)
    return dest


def test_env_var_overrides_default(tmp_path, monkeypatch):
    folder = _copy_assets(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert resolve_model_path() == folder / MODEL_FILE
    loaded = load_stance_model()
    assert loaded.path.resolve() == (folder / MODEL_FILE).resolve()


def test_argument_overrides_env(tmp_path, monkeypatch):
    folder = _copy_assets(tmp_path)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere.onnx"))
    assert resolve_model_path(folder / MODEL_FILE) == folder / MODEL_FILE


def test_missing_file_raises(tmp_path):
    with pytest.raises(StanceModelError, match="not found"):
        load_stance_model(tmp_path / "missing.onnx")


def test_missing_env_target_raises(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.onnx"))
    with pytest.raises(StanceModelError, match=ENV_VAR):
        load_stance_model()


def test_corrupt_onnx_raises(tmp_path):
    folder = _copy_assets(tmp_path)
    (folder / MODEL_FILE).write_bytes(b"not an onnx model")
    with pytest.raises(StanceModelError, match="not a loadable ONNX"):
        load_stance_model(folder)


def test_missing_config_raises(tmp_path):
    folder = _copy_assets(tmp_path)
    (folder / "stance.json").unlink()
    with pytest.raises(StanceModelError, match="stance.json"):
        load_stance_model(folder)


def test_unknown_device_raises(tmp_path):
    with pytest.raises(StanceModelError, match="device"):
        load_stance_model(_copy_assets(tmp_path), device="tpu")


# ---------------------------------------------------------------- calibration and batching helpers


def test_softmax_temperature_flattens():
    logits = np.array([[2.0, 0.0, -1.0]])
    assert softmax(logits, 2.0)[0, 0] < softmax(logits, 1.0)[0, 0]
    assert softmax(logits, 2.0).argmax() == softmax(logits, 1.0).argmax()


def test_fit_temperature_recovers_overconfidence():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 3000)
    true_logits = rng.normal(size=(3000, 3))
    true_logits[np.arange(3000), labels] += 1.0
    sampled = np.array([rng.choice(3, p=p) for p in softmax(true_logits)])
    assert fit_temperature(true_logits * 3.0, sampled) == pytest.approx(3.0, rel=0.2)


def test_length_bucketed_batches_cover_every_index_once():
    lengths = [random.Random(1).randint(5, 200) for _ in range(1000)]
    batches = length_bucketed_batches(lengths, 32, random.Random(0))
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(1000))
    assert batches == length_bucketed_batches(lengths, 32, random.Random(0))


# ---------------------------------------------------------------- synthetic transformations


def test_change_number_changes_the_number():
    s = "Officials said 1,200 people were evacuated on Tuesday."
    out = synth.change_number(s, random.Random(0))
    assert out is not None and out != s
    assert "1,200" not in out
    assert out.replace(",", "").split()[2].isdigit()


def test_change_number_leaves_years_and_handles_words():
    assert synth.change_number("The law was passed in 2015.", random.Random(0)) is None
    out = synth.change_number("Three senators voted against it.", random.Random(0))
    assert out is not None and not out.startswith("Three") and out[0].isupper()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The governor will sign the bill.", "The governor will not sign the bill."),
        ("The governor did not sign the bill.", "The governor did sign the bill."),
        ("The governor won't sign the bill.", "The governor will sign the bill."),
        ("The governor hasn't signed the bill.", "The governor has signed the bill."),
    ],
)
def test_toggle_negation(sentence, expected):
    assert synth.toggle_negation(sentence) == expected


def test_shift_date_moves_weekday_or_year():
    s = "The vote took place on Monday in 2016."
    out = synth.shift_date(s, random.Random(3))
    assert out is not None and out != s
    assert ("Monday" not in out) or ("2016" not in out)


def test_swap_entity_uses_pool_of_same_type():
    sent = Sentence("Ted Cruz criticized the plan in Iowa.", (("Ted Cruz", "PERSON"), ("Iowa", "GPE")))
    pool = {"PERSON": ["Ted Cruz", "Marco Rubio"], "GPE": ["Iowa"]}
    assert synth.swap_entity(sent, pool, random.Random(0)) == "Marco Rubio criticized the plan in Iowa."


def test_swap_speaker_changes_who_said_it():
    sent = Sentence("The economy is rigged, Sanders said on Sunday.", (("Sanders", "PERSON"),))
    out = synth.swap_speaker(sent, {"PERSON": ["Sanders", "Clinton"]}, random.Random(0))
    assert out == "The economy is rigged, Clinton said on Sunday."
    assert synth.swap_speaker(Sentence("Sanders won the state.", (("Sanders", "PERSON"),)), {}, random.Random(0)) is None


def test_compress_drops_attribution_and_keeps_core():
    s = "The plant will close next year, Smith said."
    # compress() tries a random subset of its deletions; with seed 3 the attribution step is among them.
    assert synth.compress(s, random.Random(3)) == "The plant will close next year."
    outs = {synth.compress(s, random.Random(seed)) for seed in range(20)}
    assert outs == {None, "The plant will close next year."}


def test_compress_never_drops_conditions():
    s = "The plant will close next year if the subsidy ends."
    out = synth.compress(s, random.Random(0))
    assert out is None or "if the subsidy ends" in out


def test_remove_hedge_makes_flat_assertion():
    assert synth.remove_hedge("The senator will likely vote against it.") == "The senator will vote against it."
    assert synth.remove_hedge("Prices may rise next year.") == "Prices will rise next year."
    assert synth.remove_hedge("Prices rose last year.") is None


def test_split_sentences_keeps_abbreviations_together():
    text = "Title line\nMr. Smith went to Washington. He said it was cold. Dr. Jones agreed."
    assert synth.split_sentences(text) == [
        "Mr. Smith went to Washington.", "He said it was cold.", "Dr. Jones agreed."
    ]


def _tiny_corpus() -> list[list[Sentence]]:
    people = (("Ted Cruz", "PERSON"), ("Marco Rubio", "PERSON"))
    art1 = [
        Sentence("Ted Cruz said on Monday that 300 staff will move to Iowa, the campaign said.", people[:1]),
        Sentence("Marco Rubio will likely win the primary in the state of Florida next month.", people[1:]),
        Sentence("The debate, which drew 14 million viewers, was held in Milwaukee on Tuesday.", ()),
        Sentence("Ted Cruz did not attend the dinner that the party held for donors on Friday.", people[:1]),
    ]
    art2 = [
        Sentence("Officials said the storm damaged 1,200 homes along the coast on Sunday.", ()),
        Sentence("Residents were told they could return to the area by Wednesday afternoon.", ()),
        Sentence("The governor, who toured the area, promised federal help for the families.", ()),
        Sentence("Schools will remain closed until the power is restored in the county.", ()),
    ]
    return [art1, art2]


def test_build_pairs_is_deterministic_and_labelled():
    opts = synth.SynthOptions(n_pairs=12, seed=5, min_words=5)
    pairs = synth.build_pairs(_tiny_corpus(), opts)
    assert pairs == synth.build_pairs(_tiny_corpus(), opts)
    assert {p.label for p in pairs} <= set(LABELS)
    assert len({p.label for p in pairs}) == 3
    assert all(p.premise != p.hypothesis for p in pairs)


# ---------------------------------------------------------------- on ../shared data


def test_synthetic_pairs_from_real_articles(tmp_path):
    src = shared_path("corpus", "polnear", "dev", "text")
    for f in sorted(src.glob("*.txt"))[:4]:
        shutil.copyfile(f, tmp_path / f.name)
    pairs = synth.build_from_dir(tmp_path, synth.SynthOptions(n_pairs=30, seed=1))
    assert len(pairs) >= 20
    assert len({p.label for p in pairs}) == 3


def test_accuracy_floor_on_nli_dev_sample(model):
    path = shared_path("nli", "dev", "mnli_dev_matched_gold.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()[:300]]
    probs = model.predict_batch([(r["premise"], r["hypothesis"]) for r in rows])
    acc = float(np.mean([LABELS[i] == r["label"] for i, r in zip(probs.argmax(1), rows, strict=True)]))
    assert acc >= 0.6, acc
