"""Output formats shared by every list command: json, jsonl, csv and table.

json is the command's `--json` contract (one array); jsonl the same records one a line; csv the flat
columns a spreadsheet wants (lists joined with "; ", nested records as JSON); table the human listing.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from wiretrace import formula_safe, show_bidi

LIST_FORMATS = ("table", "json", "jsonl", "csv")


def add_format(parser: Any, extra: Sequence[str] = (), default: str = "table", help_extra: str = "") -> None:
    """`--format` with the list formats (and any extra ones a command adds)."""
    choices = (*LIST_FORMATS, *extra)
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"{', '.join(choices)} (default {default}){help_extra}")


def chosen_format(args: Any) -> str:
    """The format asked for: `--json` is shorthand for `--format json`."""
    return "json" if getattr(args, "json", False) else args.format


def cell(value: Any) -> str:
    """One CSV cell: lists joined with "; ", records as JSON, None empty, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return formula_safe(_text(value))


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join("" if v is None else _text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def write_records(records: Sequence[Any], fmt: str, *, flat: Callable[[Any], dict[str, Any]] | None = None,
                  table: Callable[[Any], str] | None = None, empty: str = "0 rows",
                  columns: Sequence[str] = ()) -> None:
    """Print `records` (JSON-ready dicts) in `fmt`; `flat` makes a CSV row of one, `table` its table line.

    CSV has the header `columns` (else the keys of the rows), so an empty listing still names its columns.
    """
    if fmt == "json":
        print(json.dumps(list(records), indent=2, ensure_ascii=False))
    elif fmt == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif fmt == "csv":
        rows = [(flat or (lambda r: r))(r) for r in records]
        header = list(columns) or list(dict.fromkeys(k for row in rows for k in row))
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in header])
    elif not records:
        print(empty)
    else:
        for record in records:
            print(show_bidi(table(record) if table else _text(record)))
