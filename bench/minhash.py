"""MinHash signatures and LSH candidate pairs: wiretrace's numpy MinHash vs datasketch, same texts, same run.

Usage:
    python bench/minhash.py [--docs 5000] [--perm 64]

Texts are real PolNeAR articles from ../shared (generated word mixtures where ../shared is absent). Both
sides shingle word 3-grams and build `--perm`-permutation signatures, then find candidate pairs with 16
LSH bands: wiretrace with `signatures_of` + `lsh_pairs`, datasketch with `MinHash.update_batch` +
`MinHashLSH`. Each side runs in its own process so max RSS is its own; datasketch is optional and skipped
when it is not installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear"


def texts(n: int) -> list[str]:
    """`n` article texts: PolNeAR's, repeated with a suffix when there are fewer (so each is unique)."""
    paths = sorted(POLNEAR.rglob("*.txt"))
    if paths:
        base = [p.read_text(encoding="utf-8") for p in paths[:n]]
    else:
        import random

        rng = random.Random(0)
        vocab = [f"w{i}" for i in range(5000)]
        base = [" ".join(rng.choice(vocab) for _ in range(400)) for _ in range(min(n, 2000))]
    return [base[i % len(base)] + ("" if i < len(base) else f" copy {i}") for i in range(n)]


def run_wiretrace(docs: list[str], perm: int) -> int:
    import numpy as np

    from wiretrace.stories.dedupe import DedupeOptions, lsh_pairs, signatures_of

    options = DedupeOptions(num_perm=perm, bands=16)
    signatures = signatures_of(docs, options)
    return len(lsh_pairs(signatures, np.ones(len(docs), dtype=bool), options))


def run_datasketch(docs: list[str], perm: int) -> int:
    from datasketch import MinHash, MinHashLSH

    from wiretrace.stories.dedupe import words

    lsh = MinHashLSH(num_perm=perm, params=(16, perm // 16))
    pairs = set()
    for i, text in enumerate(docs):
        tokens = words(text)
        shingles = {" ".join(tokens[k : k + 3]).encode() for k in range(max(len(tokens) - 2, 1))}
        m = MinHash(num_perm=perm, seed=1)
        m.update_batch(list(shingles))
        pairs.update((int(j), i) for j in lsh.query(m))
        lsh.insert(i, m)
    return len(pairs)


def child(system: str, n: int, perm: int) -> dict:
    docs = texts(n)
    func = {"wiretrace": run_wiretrace, "datasketch": run_datasketch}[system]
    func(docs[:50], perm)  # imports and first-call costs out of the timing
    started = time.perf_counter()
    pairs = func(docs, perm)
    seconds = time.perf_counter() - started
    return {"system": system, "docs": n, "seconds": seconds, "pairs": pairs,
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--perm", type=int, default=64)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.docs, args.perm)))
        return 0
    results = {}
    for system in ("wiretrace", "datasketch"):
        command = [sys.executable, __file__, "--child", system, "--docs", str(args.docs), "--perm", str(args.perm)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"{system:10} skipped: {reason}")
            continue
        r = results[system] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{system:10} {r['docs']:,} docs in {r['seconds']:.2f} s = {r['docs'] / r['seconds']:,.0f} docs/s, "
              f"{r['pairs']:,} candidate pairs, max RSS {r['max_rss_mib']} MiB", flush=True)
    if len(results) == 2:
        print(f"ratio wiretrace / datasketch throughput: {results['datasketch']['seconds'] / results['wiretrace']['seconds']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
