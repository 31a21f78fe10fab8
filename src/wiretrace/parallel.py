"""Using the cores of one machine: how many there are, and mapping pure per-text work over processes.

Shingling texts and finding names in them is Python and regex work that holds the GIL, so threads do
not speed it up; forked processes do (as the ingest pool: they inherit the loaded modules and need no
importable __main__). Small batches stay in this process, where starting workers would cost more than
it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, which containers and `taskset` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_chunks(func: Callable[[list[T]], list[R]], items: Sequence[T], workers: int, chunk: int = 2_000) -> list[R]:
    """`func` over `items` a chunk at a time, in `workers` processes when there are at least four chunks.

    `func` takes a list and returns one result per item, in order; it must be a module-level function
    (or a `functools.partial` of one) so that it pickles.
    """
    if workers <= 1 or len(items) < 4 * chunk:
        return list(func(list(items)))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    chunks = [list(items[i : i + chunk]) for i in range(0, len(items), chunk)]
    with context.Pool(workers) as pool:
        return [result for part in pool.map(func, chunks) for result in part]
