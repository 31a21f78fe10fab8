"""Using the cores of one machine: how many there are, and mapping pure per-text work over processes.

Shingling texts and finding names in them is Python and regex work that holds the GIL, so threads do
not speed it up; forked processes do (as the ingest pool: they inherit the loaded modules and need no
importable __main__). Small batches stay in this process, where starting workers would cost more than
it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from multiprocessing.context import BaseContext
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, which containers and `taskset` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def passes_side_by_side(threads: int | None, name: str) -> ThreadPoolExecutor | None:
    """Threads for one-input model passes run side by side (None when there is one core to run them on).

    onnxruntime's Run is thread-safe and releases the GIL, so `threads` passes (0 or None: one per usable
    core) each on a one-thread session beat one pass at a time spread over the cores.
    """
    passes = threads or usable_cores()
    return ThreadPoolExecutor(passes, thread_name_prefix=name) if passes > 1 else None


def process_context() -> BaseContext:
    """Fork where there is fork (workers inherit the loaded modules and need no importable __main__), else spawn."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def map_chunks(func: Callable[[list[T]], list[R]], items: Sequence[T], workers: int, chunk: int = 2_000) -> list[R]:
    """`func` over `items` a chunk at a time, in `workers` processes when there are at least four chunks.

    `func` takes a list and returns one result per item, in order; it must be a module-level function
    (or a `functools.partial` of one) so that it pickles.
    """
    if workers <= 1 or len(items) < 4 * chunk:
        return list(func(list(items)))
    chunks = [list(items[i : i + chunk]) for i in range(0, len(items), chunk)]
    with process_context().Pool(workers) as pool:
        return [result for part in pool.map(func, chunks) for result in part]


def map_windows(func: Callable[[list[T]], list[R]], items: Iterable[T], count: int, workers: int,
                window: int = 16_000, chunk: int = 2_000) -> Iterator[R]:
    """`map_chunks` a window of `items` at a time, yielding the results in order.

    For results too large to hold all at once (the word counts of 100k articles take gigabytes): only two
    windows' items and results are alive (the next is read while this one is used), and one pool serves
    every window. `count` is how many items there are, which decides, as in `map_chunks`, whether
    workers are worth starting.
    """
    source = iter(items)
    if workers <= 1 or count < 4 * chunk:
        while part := list(islice(source, window)):
            yield from func(part)
        return
    with process_context().Pool(workers) as pool:

        def start() -> AsyncResult | None:
            part = list(islice(source, window))
            return pool.map_async(func, [part[i : i + chunk] for i in range(0, len(part), chunk)]) if part else None

        pending = start()
        while pending is not None:
            done, pending = pending, start()  # the workers read the next window while this one is used
            for results in done.get():
                yield from results


def map_ahead(pool: Pool, func: Callable[[T], R], items: Sequence[T], ahead: int) -> Iterator[R]:
    """`func` over `items` in `pool`, in order, started now, with at most `ahead` results done before asked for.

    For work that should go on while the caller does something else (claims parse while the pipeline
    clusters) without holding every result in memory until the caller gets to them.
    """
    queue = deque(pool.apply_async(func, (item,)) for item in items[:ahead])
    rest = iter(items[ahead:])

    def results() -> Iterator[R]:
        while queue:
            done = queue.popleft().get()
            for following in islice(rest, 1):
                queue.append(pool.apply_async(func, (following,)))
            yield done

    return results()
