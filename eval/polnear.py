"""Build a labeled JSONL for `eval/stories.py` from the PolNeAR corpus in ../shared at run time.

The repository holds only the labels (`labels/polnear-events.tsv`: filename, event id); the article text
stays in ../shared and is read here, so no corpus text is copied into the project.

    python eval/polnear.py > /tmp/polnear-events.jsonl
    python eval/stories.py /tmp/polnear-events.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "polnear"
DEFAULT_LABELS = ROOT / "eval" / "labels" / "polnear-events.tsv"


def read_corpus(corpus: Path = DEFAULT_CORPUS) -> Iterator[dict]:
    """Every PolNeAR article as {"id", "title", "text", "published", "outlet", "wire"}, by date then id."""
    records = []
    for part in ("train", "dev"):
        with open(corpus / part / "metadata.tsv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                text = (corpus / part / "text" / f"{row['filename']}.txt").read_text(encoding="utf-8")
                records.append({
                    "id": row["filename"],
                    "title": row["title"],
                    "text": text,
                    "published": row["publication_date"],
                    "outlet": row["publisher"],
                    "wire": row["wire"],
                })
    return iter(sorted(records, key=lambda r: (r["published"], r["id"])))


def read_labels(path: Path = DEFAULT_LABELS) -> dict[str, str]:
    """Map filename → event id, from the TSV (lines starting with '#' are comments)."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, cluster = line.split("\t")[:2]
            labels[name.strip()] = cluster.strip()
    return labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    args = parser.parse_args()
    labels = read_labels(args.labels)
    for record in read_corpus(args.corpus):
        if record["id"] in labels:
            record["cluster"] = labels[record["id"]]
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
