"""Reviews and findings in the store: the same SQL on SQLite and PostgreSQL, placeholders aside.

A finding (a discrepancy or a check verdict) is written to `findings` when a dossier or a check shows
it, so `wiretrace review KEY` can find it by a key prefix without rebuilding every dossier; a review is
written to `reviews`. Both are keyed by `models.finding_key`, never by a row or story id, and neither
table is touched by re-clustering or re-ingest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from wiretrace.models import Review

MIGRATION = """
CREATE TABLE findings (key TEXT PRIMARY KEY, kind TEXT NOT NULL, about TEXT NOT NULL);
CREATE TABLE reviews (
    key TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT NOT NULL, by_name TEXT NOT NULL, at TEXT NOT NULL,
    about TEXT NOT NULL
);
CREATE INDEX reviews_at ON reviews(at)
"""


def review_row(review: Review) -> tuple:
    """The `reviews` row of a review."""
    return (review.key, review.status, review.note, review.by, review.at, json.dumps(review.about, sort_keys=True))


def row_review(row: Sequence[Any]) -> Review:
    """The review of a `reviews` row (key, status, note, by_name, at, about)."""
    return Review(key=row[0], status=row[1], note=row[2], by=row[3], at=row[4], about=json.loads(row[5]))


class ReviewQueries:
    """Review and finding methods over two callables: `_run_write(sql, rows)` and `_run_read(sql, params)`.

    `_mark` is the backend's parameter placeholder ("?" or "%s"); SQL here is otherwise portable.
    """

    _mark: str
    _run_write: Callable[[str, list[tuple]], None]
    _run_read: Callable[[str, Sequence[Any]], list[tuple]]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._mark)

    def put_review(self, review: Review) -> None:
        """Store a review, replacing an earlier one of the same finding."""
        self._run_write(self._sql(
            "INSERT INTO reviews (key, status, note, by_name, at, about) VALUES (?,?,?,?,?,?) ON CONFLICT (key) DO "
            "UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note, by_name = EXCLUDED.by_name, at = EXCLUDED.at, "
            "about = EXCLUDED.about"), [review_row(review)])

    def get_reviews(self, keys: Iterable[str] | None = None) -> list[Review]:
        """Reviews (all, or of these keys), oldest first."""
        columns = "SELECT key, status, note, by_name, at, about FROM reviews"
        if keys is None:
            return [row_review(r) for r in self._run_read(f"{columns} ORDER BY at, key", ())]
        wanted = sorted(set(keys))
        found: list[Review] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join([self._mark] * len(chunk))
            found += [row_review(r) for r in self._run_read(f"{columns} WHERE key IN ({marks})", chunk)]
        return sorted(found, key=lambda r: (r.at, r.key))

    def put_findings(self, findings: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        """Record findings shown to someone: (key, kind, about) each; a key already there is updated."""
        if findings:
            self._run_write(self._sql(
                "INSERT INTO findings (key, kind, about) VALUES (?,?,?) ON CONFLICT (key) DO UPDATE SET "
                "kind = EXCLUDED.kind, about = EXCLUDED.about"),
                [(k, kind, json.dumps(about, sort_keys=True)) for k, kind, about in findings])

    def get_finding(self, key: str) -> dict[str, Any] | None:
        """What a recorded finding is about, or None."""
        rows = self._run_read(self._sql("SELECT about FROM findings WHERE key = ?"), (key,))
        return json.loads(rows[0][0]) if rows else None

    def finding_keys(self, prefix: str, limit: int = 20) -> list[str]:
        """Keys of recorded findings and reviews that start with `prefix` (hex only), sorted, at most `limit`."""
        clean = "".join(ch for ch in prefix.lower() if ch in "0123456789abcdef")
        if clean != prefix.lower() or not clean:
            return []
        bounds = (clean, clean + "g")  # keys are lowercase hex: "g" sorts after every hex digit
        sql = self._sql("SELECT key FROM findings WHERE key >= ? AND key < ? UNION "
                        "SELECT key FROM reviews WHERE key >= ? AND key < ? ORDER BY 1 LIMIT ?")
        return [r[0] for r in self._run_read(sql, (*bounds, *bounds, limit))]
