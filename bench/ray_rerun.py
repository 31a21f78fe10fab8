"""A finished Ray ingest run again: how long it takes next to a local re-run plus Ray's own start-up.

Usage:
    python bench/ray_rerun.py [--repeats 3]

Copies the five seed articles and the 84 PolNeAR dev articles (../shared) to a temporary folder, then
times, each as its own `wiretrace ingest` process: a local first ingest and a local re-run into one
store, a Ray first ingest and a Ray re-run into another, and, as the baseline's second part, a bare
`ray.init()` + `ray.shutdown()` of a local cluster (the start-up every Ray run pays). Prints the median
of `--repeats` re-runs of each and the ratio

    Ray re-run / (local re-run + Ray start-up)      (target: at most 1)

A re-run finds every input file known (`ingest.fingerprints`) and so need not start Ray at all. The
second ratio is that of a Ray re-run over the store the local ingest filled (a fresh copy each time, so
no fingerprint is known: every file is read and cleaned on the cluster, found stored, and goes no further).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def timed_over_copy(tmp: Path, ray: list[str], index: int) -> float:
    """The Ray ingest `ray` run once into a fresh copy of the local store (no file fingerprint known)."""
    copy = tmp / f"over-local-{index}.db"
    shutil.copy(tmp / "local.db", copy)
    return timed([str(copy) if part == str(tmp / "ray.db") else part for part in ray])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wiretrace-ray-rerun-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for path in [*sorted((SHARED / "seeds").glob("*.txt")), *sorted((SHARED / "polnear" / "dev" / "text").glob("*.txt"))]:
            shutil.copy(path, folder / path.name)
        files = len(list(folder.iterdir()))
        wiretrace = [sys.executable, "-m", "wiretrace.cli"]
        local = wiretrace + ["--db", str(Path(tmp) / "local.db"), "ingest", str(folder)]
        ray = wiretrace + ["--db", str(Path(tmp) / "ray.db"), "ingest", "--engine", "ray", str(folder)]
        startup = [sys.executable, "-c", "import ray; ray.init(num_cpus=2, include_dashboard=False, "
                   "log_to_driver=False, logging_level='ERROR'); ray.shutdown()"]
        first_local, first_ray = timed(local), timed(ray)
        local_again = statistics.median(timed(local) for _ in range(args.repeats))
        ray_again = statistics.median(timed(ray) for _ in range(args.repeats))
        ray_start = statistics.median(timed(startup) for _ in range(args.repeats))
        over_local = statistics.median(timed_over_copy(Path(tmp), ray, i) for i in range(args.repeats))
    print(f"{files} files: first ingest local {first_local:.1f} s, ray {first_ray:.1f} s")
    print(f"re-run (median of {args.repeats}): local {local_again:.2f} s, ray {ray_again:.2f} s; "
          f"ray start-up alone {ray_start:.2f} s")
    print(f"ratio ray re-run / (local re-run + ray start-up) = {ray_again / (local_again + ray_start):.2f} "
          "(target <= 1)")
    print(f"ray re-run over the local store (median of {args.repeats}): {over_local:.2f} s; ratio "
          f"/ (local re-run + ray start-up) = {over_local / (local_again + ray_start):.2f} (target <= 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
