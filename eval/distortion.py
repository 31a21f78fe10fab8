"""Score distortion detection on SummEdits-shaped files: a retelling against its source, detail by detail.

Usage::

    python eval/distortion.py ../shared/eval/summedits/summedits_*.json [--limit N] [--json]

Each file is a JSON list of ``{"doc", "summary", "label", "edit_types"}`` (label 1 consistent, 0
inconsistent; edit_types a list or its JSON text). Only those four fields are read (never an id or an
``original_summary``). Examples are split by a SHA-1 of their source ``doc`` (so one source is never in
both halves): even hash -> train, odd -> dev; rows are printed for dev (``--split`` to change).

- wiretrace: `crosscheck.distortion.judge_retelling` with the default `DistortionOptions` (weights and
  threshold fitted once on the pooled train halves of the seven SummEdits domains, never on dev);
- baseline: the stance model alone: per summary sentence the best entailment over the source's
  sentences (the `--baseline-top` best-matching ones by IDF overlap, 20 by default, to bound the cost),
  the summary scoring its worst sentence; its threshold is fitted on this file's train half.

Balanced accuracy is the mean of the recall of consistent and of inconsistent summaries; per edit type,
the recall of inconsistent summaries with that edit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.crosscheck.distortion import DistortionOptions, align, judge_retelling, sentences_of  # noqa: E402


def load(path: Path) -> list[dict]:
    """The examples of one file, or a one-line error naming it."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for row in rows:
            edits = row.get("edit_types") or []
            edits = json.loads(edits) if isinstance(edits, str) else edits
            out.append({"doc": row["doc"], "summary": row["summary"], "label": int(row["label"]), "edits": edits})
        return out
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(f"{path}: not a SummEdits-shaped JSON list ({type(exc).__name__}: {exc})") from exc


def split_of(row: dict) -> str:
    return "train" if int(hashlib.sha1(row["doc"].encode()).hexdigest(), 16) % 2 == 0 else "dev"


def balanced_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    """Mean recall of the two classes (1 consistent, 0 inconsistent); pred 1 = called consistent."""
    recalls = [float(np.mean(pred[gold == c] == c)) for c in (0, 1) if np.any(gold == c)]
    return float(np.mean(recalls)) if recalls else 0.0


def best_threshold(gold: np.ndarray, score: np.ndarray) -> float:
    """The threshold on a consistency score (called consistent when >= it) with the best balanced accuracy."""
    grid = np.unique(np.round(score, 4))
    if not len(grid):
        return 0.5
    return float(max(grid, key=lambda t: (balanced_accuracy(gold, (score >= t).astype(int)), -t)))


def baseline_scores(rows: list[dict], model, top: int) -> np.ndarray:  # noqa: ANN001
    """Per summary: the worst over its sentences of the best entailment over the source's sentences."""
    index = list(model.labels).index("entailment")
    pairs_of = []
    for row in rows:
        source = [s.text for s in sentences_of(row["doc"])]
        per = []
        for claim in sentences_of(row["summary"]):
            per.append([(source[i], claim.text) for i in align(claim.text, source, top)])
        pairs_of.append(per)
    unique = list(dict.fromkeys(p for per in pairs_of for ps in per for p in ps))
    probs = dict(zip(unique, model.predict_batch(unique)[:, index], strict=True)) if unique else {}
    return np.array([min((max((probs[p] for p in ps), default=0.0) for ps in per), default=0.0)
                     for per in pairs_of])


def per_edit_recall(rows: list[dict], called_inconsistent: np.ndarray) -> dict[str, float]:
    kinds = sorted({k for r in rows if r["label"] == 0 for k in r["edits"]})
    out = {}
    for kind in kinds:
        mask = np.array([r["label"] == 0 and kind in r["edits"] for r in rows])
        out[kind] = round(float(np.mean(called_inconsistent[mask])), 3)
    return out


def score_file(path: Path, model, options: DistortionOptions, split: str, limit: int, top: int) -> dict:  # noqa: ANN001
    rows = load(path)
    train = [r for r in rows if split_of(r) == "train"][: limit or None]
    test = [r for r in rows if split_of(r) == split][: limit or None]
    started = time.perf_counter()
    threshold = best_threshold(np.array([r["label"] for r in train]), baseline_scores(train, model, top))
    gold = np.array([r["label"] for r in test])
    base = (baseline_scores(test, model, top) >= threshold).astype(int)
    reports = [judge_retelling(r["summary"], r["doc"], model, options) for r in test]
    ours = np.array([rep.verdict == "consistent" for rep in reports]).astype(int)
    own = best_threshold(np.array([r["label"] for r in train]),
                         np.array([-judge_retelling(r["summary"], r["doc"], model, options).score for r in train]))
    refit = (np.array([-rep.score for rep in reports]) >= own).astype(int)
    return {
        "file": path.name, "split": split, "examples": len(test),
        "wiretrace": round(balanced_accuracy(gold, ours), 3),
        "wiretrace_refit": round(balanced_accuracy(gold, refit), 3), "wiretrace_threshold": round(-own, 3),
        "baseline": round(balanced_accuracy(gold, base), 3), "baseline_threshold": round(threshold, 4),
        "wiretrace_recall": per_edit_recall(test, 1 - ours), "baseline_recall": per_edit_recall(test, 1 - base),
        "consistent_kept": round(float(np.mean(ours[gold == 1])), 3) if np.any(gold == 1) else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def fit(files: list[Path], model, limit: int) -> DistortionOptions:  # noqa: ANN001
    """Grid-search the weights that matter most and the threshold on the pooled train halves.

    Every train summary is judged once; each grid point only rescores the kept sentence readings. The
    objective is the mean over files of the train balanced accuracy.
    """
    from dataclasses import replace

    from wiretrace.crosscheck.distortion import sentence_score

    judged = []
    for path in files:
        train = [r for r in load(path) if split_of(r) == "train"][: limit or None]
        judged.append([(r["label"], judge_retelling(r["summary"], r["doc"], model).sentences) for r in train])
    base = DistortionOptions()
    best: tuple[float, DistortionOptions] = (-1.0, base)
    for ent_w in (0.0, 0.5, 0.8, 1.0, 1.3):
        for word in (0.1, 0.2, 0.3, 0.45, 0.6):
            for step in (0.0, 0.1, 0.2):
                for inv_ent in (0.4, 0.6, 0.8, 1.0):
                    weights = tuple((k, word if k == "invented:word" else inv_ent if k == "invented:entity" else v)
                                    for k, v in base.weights)
                    opts = replace(base, entailment_weight=ent_w, word_weight_step=step, weights=weights)
                    scores = [np.array([max((sentence_score(x, opts) for x in sents), default=0.0)
                                        for _label, sents in rows]) for rows in judged]
                    golds = [np.array([label for label, _ in rows]) for rows in judged]
                    for t in np.arange(0.3, 1.6, 0.05):
                        value = float(np.mean([balanced_accuracy(g, (sc < t).astype(int))
                                               for g, sc in zip(golds, scores, strict=True)]))
                        if value > best[0]:
                            best = (value, replace(opts, distorted_threshold=round(float(t), 2)))
    print(f"train mean bal-acc {best[0]:.3f} with {best[1]}")
    return best[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--split", choices=("train", "dev"), default="dev")
    p.add_argument("--limit", type=int, default=0, help="only the first N examples of each half")
    p.add_argument("--baseline-top", type=int, default=20)
    p.add_argument("--model", default=None, help="another stance ONNX model")
    p.add_argument("--json", action="store_true")
    p.add_argument("--fit", action="store_true", help="fit the options on the pooled train halves, then score")
    a = p.parse_args(argv)
    for path in a.files:
        if not path.is_file():
            print(f"{path}: no such file", file=sys.stderr)
            return 1
    from wiretrace.ml.stance.model import load_stance_model

    model = load_stance_model(a.model)
    options = fit(a.files, model, a.limit) if a.fit else DistortionOptions()
    results = [score_file(f, model, options, a.split, a.limit, a.baseline_top) for f in a.files]
    if a.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        print(f"{r['file']} ({r['split']}, {r['examples']} summaries, {r['seconds']} s)")
        print(f"  wiretrace  bal-acc {r['wiretrace']:.3f}  (consistent kept {r['consistent_kept']})")
        print(f"  wiretrace  bal-acc {r['wiretrace_refit']:.3f}  (threshold {r['wiretrace_threshold']} fitted on"
              " this file's train half, as the baseline's)")
        print(f"  baseline   bal-acc {r['baseline']:.3f}  (stance model alone, threshold {r['baseline_threshold']}"
              " fitted on this file's train half)")
        for kind, rec in r["wiretrace_recall"].items():
            print(f"    recall {kind:28} wiretrace {rec:.3f}  baseline {r['baseline_recall'][kind]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
