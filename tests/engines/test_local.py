from functools import partial

import numpy as np

from wiretrace.engines.local import map_ahead, map_chunks, map_windows, usable_cores
from wiretrace.stories.cluster import names_in
from wiretrace.stories.dedupe import DedupeOptions, signatures_of


def _lengths(texts):
    return [len(t) for t in texts]


def test_usable_cores_is_at_least_one():
    assert usable_cores() >= 1


def test_map_chunks_in_processes_keeps_order_and_results():
    items = [f"text number {i} " * (i % 7) for i in range(103)]
    assert map_chunks(_lengths, items, workers=2, chunk=10) == _lengths(items)
    assert map_chunks(_lengths, items, workers=1, chunk=10) == _lengths(items)
    assert map_chunks(_lengths, [], workers=2, chunk=10) == []


def test_signatures_in_processes_are_the_serial_ones(monkeypatch):
    from wiretrace.stories import dedupe

    monkeypatch.setattr(dedupe, "map_chunks", partial(map_chunks, chunk=5))
    texts = [f"Officials in Port {i} said the ferry strike would end on Monday after talks." for i in range(40)]
    serial = signatures_of(texts, DedupeOptions())
    parallel = signatures_of(texts, DedupeOptions(), workers=2)
    assert parallel.dtype == serial.dtype and np.array_equal(parallel, serial)


def test_names_of_in_processes_are_the_serial_ones():
    from wiretrace.stories.cluster import _names_of

    texts = [f"Ines Dorran met Mats Valtari in Oslo on day {i}. Dorran said Oslo agreed." for i in range(30)]
    assert map_chunks(partial(_names_of, top=15), texts, workers=2, chunk=4) == [names_in(t) for t in texts]


def test_map_windows_yields_every_result_in_order_from_a_stream():
    items = [f"text number {i} " * (i % 7) for i in range(103)]
    for workers in (1, 2):
        out = map_windows(_lengths, iter(items), len(items), workers=workers, window=25, chunk=5)
        assert list(out) == _lengths(items)
    assert list(map_windows(_lengths, iter([]), 0, workers=2)) == []


def test_map_ahead_starts_at_most_ahead_items_before_their_results_are_asked_for():
    class Done:
        def __init__(self, value):
            self.value = value

        def get(self):
            return self.value

    class RecordingPool:
        def __init__(self):
            self.started = []

        def apply_async(self, work, args):
            self.started.append(args[0])
            return Done(work(args[0]))

    pool = RecordingPool()
    results = map_ahead(pool, lambda batch: [x * 10 for x in batch], [[1], [2], [3], [4], [5]], ahead=2)
    assert pool.started == [[1], [2]]  # started at once, before anyone asks
    assert next(results) == [10] and pool.started == [[1], [2], [3]]  # one more for each one taken
    assert list(results) == [[20], [30], [40], [50]]
    assert pool.started == [[1], [2], [3], [4], [5]]
