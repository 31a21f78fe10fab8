"""Metadata the user states: a manifest (CSV or JSONL) per file, and batch-wide values.

Users usually hold an article's outlet, date and URL in a spreadsheet or a crawl log, not in the file:
plain-text scrapes carry no date and no outlet. What is stated here wins over what is read from the
file, since the user knows where the file came from and the file only hints at it.

A manifest has the columns `path, url, outlet, published, title, author` (any other column, such as
the `id` and `words` of `wiretrace articles --format csv`, is ignored); `path` is relative to the
manifest or absolute, and any other cell may be empty.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from wiretrace.errors import ManifestError
from wiretrace.ingest.metadata import normalize_date

FIELDS = ("url", "outlet", "published", "title", "author")
COLUMNS = ("path", *FIELDS)
# Largest manifest read: a crawl log of a million rows is ~200 MB; past this it is not a manifest.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
_RECORD_SUFFIX = re.compile(r":\d+$")
# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection");
# wiretrace's CSV writers put an apostrophe before such text, and the manifest reader takes it off.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text: a leading formula character gets an apostrophe.

    Article titles, outlets and review notes are untrusted: a title "=HYPERLINK(...)" opened in a
    spreadsheet would run. The apostrophe is how spreadsheets themselves mark "this is text".
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def formula_unsafe(text: str) -> str:
    """The text `formula_safe` guarded, so `articles --format csv` reads back as a manifest unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@dataclass(frozen=True)
class StatedMetadata:
    """Metadata stated for one file (or a whole batch); None where nothing was stated."""

    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    author: str | None = None

    def over(self, other: StatedMetadata) -> StatedMetadata:
        """These values, with `other`'s where these are empty."""
        return StatedMetadata(**{f: getattr(self, f) or getattr(other, f) for f in FIELDS})

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in FIELDS)


@dataclass(frozen=True)
class Stated:
    """Everything the user stated for one ingest run.

    Attributes:
        rows: manifest rows by absolute, normalized file path.
        batch: values for every file (`--outlet`, `--published`); a manifest cell wins over them,
            being the more specific statement.
        warnings: problems found reading the manifest (a missing file, a date that is not one), one
            line each; they never stop the run.
    """

    rows: Mapping[str, StatedMetadata] = field(default_factory=dict)
    batch: StatedMetadata = field(default_factory=StatedMetadata)
    warnings: tuple[str, ...] = ()

    def for_source(self, source: str) -> StatedMetadata:
        """What was stated for a document read from `source` (a path, or `path:N` for a record)."""
        row = None
        if self.rows and source != "<stdin>":
            row = self.rows.get(_key(source))
            if row is None and _RECORD_SUFFIX.search(source):
                row = self.rows.get(_key(_RECORD_SUFFIX.sub("", source)))
        return row.over(self.batch) if row else self.batch

    def only(self, sources: Iterable[str]) -> Stated:
        """The same statements narrowed to some sources, to send to worker processes cheaply."""
        rows = {}
        for source in sources:
            stated = self.for_source(source)
            if stated:
                rows[_key(source)] = stated
        return Stated(rows=rows, batch=self.batch)

    def __bool__(self) -> bool:
        return bool(self.rows) or bool(self.batch)


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def batch_metadata(outlet: str | None = None, published: str | None = None) -> StatedMetadata:
    """Batch-wide values; raises `ManifestError` for a date that is not one."""
    date = None
    if published and published.strip():
        date = normalize_date(published)
        if date is None:
            raise ManifestError(f"--published {published!r} is not a date; use YYYY-MM-DD")
    return StatedMetadata(outlet=(outlet or "").strip() or None, published=date)


def read_manifest(
    path: str | Path, batch: StatedMetadata | None = None, names: Mapping[str, str] | None = None
) -> Stated:
    """Read a CSV or JSONL manifest (told apart by content: JSONL lines start with '{').

    `names` maps a `path` cell to the file it stands for (uploads saved under other names).

    Raises:
        ManifestError: the file cannot be read or has no `path` column.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(f"{path}: a manifest over {MAX_MANIFEST_BYTES // 2**20} MB is not supported")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ManifestError(f"{path}: cannot read the manifest: {reason}") from exc
    records = _jsonl_records(path, text) if text.lstrip().startswith("{") else _csv_records(path, text)
    return _stated(path, records, batch or StatedMetadata(), names or {})


def _csv_records(path: Path, text: str) -> list[tuple[str, dict[str, str]]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    names = [(n or "").strip().casefold() for n in reader.fieldnames or []]
    if "path" not in names:
        raise ManifestError(f"{path}: the manifest has no 'path' column; columns: {', '.join(COLUMNS)}")
    reader.fieldnames = names
    try:
        return [(f"{path}:{reader.line_num}", row) for row in reader]
    except csv.Error as exc:
        raise ManifestError(f"{path}:{reader.line_num}: not a CSV row: {exc}") from exc


def _jsonl_records(path: Path, text: str) -> list[tuple[str, dict[str, str]]]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"{path}:{number}: not a JSON line: {exc.msg}") from exc
        if not isinstance(record, dict):
            raise ManifestError(f"{path}:{number}: expected a JSON object per line")
        records.append((f"{path}:{number}", {str(k).casefold(): v for k, v in record.items()}))
    return records


def _stated(path: Path, records: list[tuple[str, dict]], batch: StatedMetadata, names: Mapping[str, str]) -> Stated:
    rows: dict[str, StatedMetadata] = {}
    warnings: list[str] = []
    for where, record in records:
        file = _cell(record.get("path"))
        if not file:
            warnings.append(f"{where}: no path; row skipped")
            continue
        file = names.get(file, file)
        full = Path(file) if Path(file).is_absolute() else path.parent / file
        stated = StatedMetadata(**{f: _cell(record.get(f)) for f in FIELDS})
        if stated.published and (date := normalize_date(stated.published)) != stated.published:
            if date is None:
                warnings.append(f"{where}: published {stated.published!r} is not a date; left unstated")
            stated = replace(stated, published=date)
        if not full.exists() and not Path(_RECORD_SUFFIX.sub("", str(full))).is_file():
            warnings.append(f"{where}: {file}: no such file; row skipped")
            continue
        rows[_key(str(full))] = stated
    return Stated(rows=rows, batch=batch, warnings=tuple(warnings))


def _cell(value: object) -> str | None:
    if value is None:
        return None
    text = formula_unsafe(str(value)).strip()
    return text or None


def manifest_paths(stated: Stated) -> list[str]:
    """The files a manifest names (for an ingest given a manifest and no paths), in manifest order."""
    seen: dict[str, None] = {}
    for key in stated.rows:
        seen.setdefault(_RECORD_SUFFIX.sub("", key) if not os.path.exists(key) else key, None)
    return list(seen)


def manifest_row(values: Mapping[str, object]) -> dict[str, str]:
    """One manifest row (every column, '' where empty) from an article's summary."""
    row = {c: "" if values.get(c) is None else str(values.get(c)) for c in COLUMNS}
    if row["path"] and row["path"] != "<stdin>":
        row["path"] = os.path.abspath(row["path"])
    return row


__all__ = [
    "COLUMNS", "Stated", "StatedMetadata", "batch_metadata", "manifest_paths", "manifest_row", "read_manifest",
]
