"""Every benchmark of wiretrace in one run: each stage's throughput, peak memory and named baseline.

Usage:
    python bench/run_all.py [--quick] [--only STAGE ...] [--scale 1000 10000 100000] [--out FILE]

Runs the bench/*.py scripts one after another as subprocesses, small sizes by default, echoes their
output and ends with a summary: per stage, the command, its wall time, the peak RSS of its process tree
(from wait4, so the largest of the script, its workers and its baseline children) and the lines that
carry the figures and the ratio against the baseline measured in the same run:

| stage    | script                   | baseline in the same run                          |
|----------|--------------------------|---------------------------------------------------|
| ingest   | ingest.py                | trafilatura.extract                               |
| minhash  | minhash.py               | datasketch MinHash + MinHashLSH                   |
| embed    | embed.py                 | sentence-transformers (torch), stored ONNX model  |
| cluster  | stories.py               | scikit-learn TF-IDF + agglomerative               |
| claims   | claims.py                | (none: spaCy pipeline throughput)                 |
| check    | check.py                 | BM25 top-5 + the same NLI model                   |
| dossier  | dossier.py               | embedding floor, all-pairs NLI                    |
| scale    | pipeline.py              | files -> stories at `--scale` sizes               |

A stage whose baseline cannot run here (a package or ../shared missing) says so and goes on; a stage
that fails is reported as failed and the others still run. Timings on a shared machine are noisy: read
the ratios, which compare runs made minutes apart on the same machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SHARED = BENCH.parents[1] / "shared"
FIGURES = re.compile(r"ratio|/s\b|per second|articles/s|pages/s|docs/s|leads/s|pairs/s|max RSS|peak RSS|"
                     r"skipped|files->stories|stages:|\bms\b|\| wiretrace|\| baseline", re.I)


def stages(quick: bool, scale: list[int]) -> dict[str, list[str]]:
    """Stage name -> command (script and arguments); `quick` shrinks every size."""
    polnear = str(SHARED / "corpus" / "polnear")
    return {
        "ingest": ["ingest.py", "--docs", "1000" if quick else "4000"],
        "minhash": ["minhash.py", "--docs", "1000" if quick else "5000"],
        "embed": ["embed.py", "--articles", "100" if quick else "400"],
        "cluster": ["stories.py", "--sizes", *(["2000"] if quick else ["10000", "100000"])],
        "claims": ["claims.py", polnear, "--limit", "10" if quick else "40"],
        "check": ["check.py", "--sizes", "1000", "--claims", "5" if quick else "20"],
        "dossier": ["dossier.py", "--articles", "10" if quick else "50", "--repeat", "1"],
        "scale": ["pipeline.py", "--sizes", *(["1000"] if quick else [str(n) for n in scale])],
    }


def run(name: str, command: list[str]) -> dict:
    """Run one bench script, echoing its output; wall time and the process tree's peak RSS."""
    argv = [sys.executable, str(BENCH / command[0]), *command[1:]]
    print(f"\n=== {name}: python bench/{' '.join(command)}", flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return {"stage": name, "command": f"python bench/{' '.join(command)}", "rc": proc.returncode,
            "seconds": seconds, "peak_rss_mib": usage.ru_maxrss / 1024,
            "figures": [line.strip() for line in lines if FIGURES.search(line)][-8:],
            "tail": lines[-3:]}


def summary(results: list[dict]) -> str:
    out = ["", "=== summary (peak RSS: the stage's process tree, baselines included)", ""]
    for r in results:
        state = "ok" if r["rc"] == 0 else f"FAILED (exit {r['rc']})"
        out.append(f"[{r['stage']}] {state}, {r['seconds']:.0f} s wall, peak RSS {r['peak_rss_mib']:.0f} MiB: "
                   f"{r['command']}")
        for line in r["figures"] or r["tail"]:
            out.append(f"    {line}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes (a few minutes in all)")
    parser.add_argument("--only", nargs="+", help="run only these stages")
    parser.add_argument("--scale", type=int, nargs="+", default=[1_000, 10_000, 100_000],
                        help="corpus sizes of the files -> stories curve")
    parser.add_argument("--out", type=Path, help="also write the summary to this file")
    args = parser.parse_args()
    chosen = stages(args.quick, args.scale)
    unknown = set(args.only or ()) - set(chosen)
    if unknown:
        parser.error(f"unknown stage(s) {sorted(unknown)}; choose from {list(chosen)}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    results = [run(name, command) for name, command in chosen.items() if not args.only or name in args.only]
    text = summary(results) + f"\n\nload average {os.getloadavg()[0]:.1f} at the end\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if all(r["rc"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
