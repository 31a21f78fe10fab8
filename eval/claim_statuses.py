"""Statuses and independent-source counts of the dossiers' multi-article claim groups, per split.

There are no labels of independent-source counts here, so this says how a change moves the statuses
(corroborated, single-source, disputed, contradicted) and the mean count, not whether they are right. The
dossiers are those `eval/discrepancies.py` reads (the seed story and the PolNeAR stories, stores built on
first use under WORK).

    python eval/claim_statuses.py /tmp/wt-dossiers [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from discrepancy_candidates import dossiers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="directory for the stores the dossiers are built from")
    parser.add_argument("--json", type=Path, help="also write every group (story, split, status, sources, text)")
    args = parser.parse_args()
    rows = []
    for name, split, dossier, _ in dossiers(args.work, "all"):
        for claim in dossier["claims"]:
            if len(claim["articles"]) > 1:
                rows.append({"story": name, "split": split, "status": claim["status"],
                             "independent_sources": claim["independent_sources"],
                             "independent_of": claim.get("independent_of"), "text": claim["text"][:120]})
    for split in ("train", "dev"):
        part = [r for r in rows if r["split"] == split]
        counts = Counter(r["status"] for r in part)
        mean = sum(r["independent_sources"] for r in part) / max(len(part), 1)
        print(f"{split}: {len(part)} groups, " + ", ".join(f"{k} {counts[k]}" for k in
              ("corroborated", "single-source", "disputed", "contradicted")) + f"; mean independent sources {mean:.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
