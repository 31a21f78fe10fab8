"""Precision and recall of the dossier's discrepancies against the hand labels, per type.

Labels (`labels/discrepancies.tsv`) judge the candidates that the cross-check proposed before vetting
(`eval/discrepancy_candidates.py`), each real or false. Recall is over the labelled-real candidates.
Rows: `listed` (what a dossier lists), `listed+leads` (with the leads shown apart), and `baseline` (every
candidate, as dossiers listed them before vetting). Candidates the labels do not know are counted apart.

    python eval/discrepancies.py --split dev        # report
    python eval/discrepancies.py --split train      # tune here
    python eval/discrepancies.py --split train --calibrate   # train precision of each type's rule buckets
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from discrepancy_candidates import dossiers  # noqa: E402

LABELS = ROOT / "eval" / "labels" / "discrepancies.tsv"
TYPES = ("speaker", "number", "hedge", "date", "fact")


def read_labels(path: Path = LABELS) -> dict[str, tuple[str, str, bool]]:
    """Map each key to (split, type, real)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, split, _story, kind, label, _reason = line.split("\t")
            out[key] = (split, kind, label == "real")
    return out


def score(shown: set[str], labels: dict[str, tuple[str, str, bool]], kind: str | None) -> tuple[str, str, int]:
    """(precision, recall, unlabelled) of `shown` keys for one type (None: all)."""
    known = {k: v for k, v in labels.items() if kind is None or v[1] == kind}
    hits = [k for k in shown if k in known]
    real = sum(known[k][2] for k in hits)
    total_real = sum(v[2] for v in known.values())
    precision = f"{real / len(hits):.2f} ({real}/{len(hits)})" if hits else "n/a (0 shown)"
    recall = f"{real / total_real:.2f} ({real}/{total_real})" if total_real else "n/a (0 real)"
    return precision, recall, 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--work", type=Path, default=Path("/tmp/wiretrace-discrepancies"))
    parser.add_argument("--calibrate", action="store_true",
                        help="list each type's rule passes, leads its loose passes: their train precision")
    args = parser.parse_args()
    from wiretrace.crosscheck.options import VetOptions

    labels = {k: v for k, v in read_labels(args.labels).items() if v[0] == args.split}
    vetting = VetOptions()
    if args.calibrate:
        vetting = dataclasses.replace(vetting, confidence=tuple((t, 1.0, 0.5) for t in TYPES),
                                      list_confidence=0.75, lead_confidence=0.1)
    listed, leads, unknown = {}, {}, Counter()
    for _story, _split, dossier, _texts in dossiers(args.work, args.split, vetting=vetting):
        for where, items in ((listed, dossier["discrepancies"]), (leads, dossier["leads"])):
            for item in items:
                where[item["key"]] = item["type"]
                unknown[item["type"]] += item["key"] not in labels
    rows = [("listed", set(listed)), ("listed+leads", set(listed) | set(leads)), ("baseline", set(labels))]
    print(f"split {args.split}: {len(labels)} labelled candidates, {sum(v[2] for v in labels.values())} real; "
          f"{len(listed)} listed, {len(leads)} leads, {sum(unknown.values())} of them unlabelled")
    print("| type | row | precision | recall |")
    print("|---|---|---|---|")
    for kind in (*TYPES, None):
        for name, shown in rows:
            keys = {k for k in shown if kind is None or (listed.get(k) or leads.get(k) or labels[k][1]) == kind}
            precision, recall, _ = score(keys, labels, kind)
            print(f"| {kind or 'all'} | {name} | {precision} | {recall} |")
    if args.calibrate:
        print("calibrated confidences (Laplace-smoothed precision of each bucket: (real + 1) / (n + 2)):")
        print(calibration(listed, leads, labels))
    return 0


def calibration(strict: dict[str, str], loose: dict[str, str], labels: dict[str, tuple[str, str, bool]]) -> str:
    """`VetOptions.confidence` from the labelled candidates that passed each type's rule, or its loose half.

    Laplace smoothing keeps a bucket of two right answers from reading as certain; unlabelled candidates
    are left out.
    """
    rows = []
    for kind in TYPES:
        cells = []
        for bucket in (strict, loose):
            known = [labels[k][2] for k, t in bucket.items() if t == kind and k in labels]
            cells.append((sum(known), len(known)))
        (rs, ns), (rl, nl) = cells
        rows.append(f'("{kind}", {(rs + 1) / (ns + 2):.2f}, {(rl + 1) / (nl + 2):.2f}),  # {rs}/{ns}, {rl}/{nl}')
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
