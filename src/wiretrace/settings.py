"""Every stage's options in one frozen value, loadable from a TOML file.

A run's behaviour is one `Settings`: the CLI loads it from `--config FILE` (or `$WIRETRACE_CONFIG`), puts
its own flags on top with `dataclasses.replace`, and hands each stage its part. A TOML table names a
stage, its keys the fields of that stage's options dataclass; nested tables reach nested options:

    device = "cpu"

    [ingest]
    workers = 2

    [ingest.read]
    max_bytes = 50_000_000

    [cluster]
    event_threshold = 0.5

An unknown table or key, or a value of the wrong type, is a one-line error naming the file and the key:
a typo must not silently run with the default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from wiretrace.claims import ExtractOptions
from wiretrace.crosscheck.options import AlignOptions
from wiretrace.errors import UsageError
from wiretrace.ingest import IngestOptions
from wiretrace.stories.cluster import ClusterOptions
from wiretrace.stories.dedupe import DedupeOptions
from wiretrace.verify.options import CheckOptions

DEVICES = ("cpu", "cuda", "auto")
# Fields that describe one run's input, not how a stage works: never read from a file.
RUN_ONLY = frozenset({"stated", "root", "story", "since"})


@dataclass(frozen=True)
class Settings:
    """The options of every stage, in pipeline order.

    Attributes:
        device: where the models run: "cpu", "cuda" or "auto".
        ingest: reading, extraction, batching (`wiretrace.ingest`).
        dedupe: copy detection (`wiretrace.stories.dedupe`).
        cluster: events and stories (`wiretrace.stories.cluster`).
        claims: claim, quote and figure extraction (`wiretrace.claims`).
        crosscheck: claim groups and discrepancies of a dossier (`wiretrace.crosscheck`).
        check: retrieval, stance and verdict of `check` (`wiretrace.verify`).
        organization: the `author` of published ClaimReview verdicts (`check --format claimreview`).
    """

    device: str = "cpu"
    ingest: IngestOptions = field(default_factory=IngestOptions)
    dedupe: DedupeOptions = field(default_factory=DedupeOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    claims: ExtractOptions = field(default_factory=ExtractOptions)
    crosscheck: AlignOptions = field(default_factory=AlignOptions)
    check: CheckOptions = field(default_factory=CheckOptions)
    organization: str = "wiretrace"

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise UsageError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from a TOML file (`path`, else `$WIRETRACE_CONFIG`), or the defaults when neither is set.

    Raises:
        UsageError: the file is unreadable, not TOML, or names an unknown setting or a wrong type.
    """
    path = path or os.environ.get("WIRETRACE_CONFIG") or None
    if path is None:
        return Settings()
    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the config file: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from exc
    return settings_from_table(table, str(path))


def settings_from_table(table: dict[str, Any], source: str = "config") -> Settings:
    """`Settings` built from a parsed TOML table; `source` names it in errors."""
    return _build(Settings, Settings(), table, source, "")


def _build(cls: type, default: Any, table: dict[str, Any], source: str, prefix: str) -> Any:
    """A copy of `default` (an instance of dataclass `cls`) with the values `table` gives."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)} - RUN_ONLY
    changes: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{prefix}{key}"
        if key not in names:
            known = ", ".join(sorted(names))
            raise UsageError(f"{source}: unknown setting {where!r} (known here: {known})")
        current = getattr(default, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise UsageError(f"{source}: {where!r} is a table of settings, not {type(value).__name__}")
            changes[key] = _build(type(current), current, value, source, f"{where}.")
        else:
            changes[key] = _coerce(value, hints[key], source, where)
    try:
        return dataclasses.replace(default, **changes)
    except (TypeError, ValueError, UsageError) as exc:
        raise UsageError(f"{source}: {prefix.rstrip('.') or 'settings'}: {exc}") from exc


def _coerce(value: Any, hint: Any, source: str, where: str) -> Any:
    """`value` checked against the field's type hint (ints are accepted for floats, lists for tuples)."""
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
        else (hint,)
    for kind in allowed:
        origin = typing.get_origin(kind) or kind
        if kind is type(None):
            continue
        if origin is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if origin in (tuple, frozenset) and isinstance(value, list):
            return origin(value)
        if origin is typing.Literal and value in typing.get_args(kind):
            return value
        if isinstance(origin, type) and origin not in (float, int) and isinstance(value, origin):
            return value
    wanted = " or ".join(getattr(k, "__name__", str(k)) for k in allowed if k is not type(None))
    raise UsageError(f"{source}: {where!r} must be {wanted}, not {value!r}")
