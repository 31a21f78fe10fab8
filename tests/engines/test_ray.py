"""The Ray engine stores what a local run stores: same articles, copies, events, stories and claims."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import shared_path

from wiretrace.cli import main
from wiretrace.engines.ray import RayOptions, _sources, require_ray
from wiretrace.errors import UsageError
from wiretrace.ingest import IngestOptions
from wiretrace.pipeline import ingest, ingest_ray
from wiretrace.store import open_store
from wiretrace.stories.cluster import list_copies, list_stories

DEMO = Path(__file__).resolve().parents[2] / "src" / "wiretrace" / "demo" / "corpus"


def _import_ray():
    try:
        return require_ray()
    except UsageError:
        if os.environ.get("CI"):
            pytest.fail("Ray is not installed: CI must install the 'ray' extra")
        pytest.skip("Ray is not installed (pip install 'wiretrace[ray]')")


@pytest.fixture(scope="module")
def ray_cluster():
    """One small local cluster for the module (ingest_ray joins it rather than starting its own)."""
    ray = _import_ray()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    """Seeds, the demo corpus in every format, a repeated article and two failures, in that order."""
    seeds = shared_path("corpus", "seeds")
    extra = tmp_path_factory.mktemp("extra")
    shutil.copy(next(iter(sorted(seeds.iterdir()))), extra / "repeat.txt")
    (extra / "empty.txt").write_text("")
    return [str(seeds), str(DEMO), str(extra), str(extra / "no-such-*.txt")]


def _snapshot(store) -> dict:
    """Everything the equivalence is about, independent of row order."""
    return {
        "articles": sorted((a.id, a.path, a.title, a.outlet, a.published) for a in store.list_articles()),
        "copies": sorted(sorted(m["article"] for m in g["members"]) for g in list_copies(store)),
        "events": sorted(sorted(e.articles) for e in store.get_events()),
        "stories": sorted(sorted(s["articles"]) for s in list_stories(store)),
        "claims": sorted((c.article, c.kind, c.start, c.end, c.speaker, tuple(c.attribution)) for c in store.get_claims()),
    }


@pytest.fixture(scope="module")
def local_snapshot(corpus, tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("local") / "local.db"))
    report = ingest(store, corpus)
    yield report, _snapshot(store)
    store.close()


def _assert_same(local, report, store):
    local_report, expected = local
    assert report.to_dict() == local_report.to_dict()
    got = _snapshot(store)
    assert got["articles"] == expected["articles"]
    assert got["copies"] == expected["copies"]
    assert got["events"] == expected["events"]
    assert got["stories"] == expected["stories"]
    assert len(got["claims"]) == len(expected["claims"])
    assert got["claims"] == expected["claims"]


@pytest.mark.slow
@pytest.mark.parametrize("driver_clean_bytes", [0, RayOptions().driver_clean_bytes])  # 0: clean on the cluster
def test_ray_run_stores_the_same_stories_as_a_local_run(ray_cluster, corpus, local_snapshot, tmp_path,
                                                        driver_clean_bytes):
    store = open_store(str(tmp_path / "ray.db"))
    report = ingest_ray(store, corpus, IngestOptions(batch_size=4),
                        RayOptions(batch_size=3, extract_batch_size=5, driver_clean_bytes=driver_clean_bytes))
    assert len(report.ingested) >= 10 and report.unchanged and len(report.failed) == 2
    assert len(local_snapshot[1]["copies"]) >= 1 and len(local_snapshot[1]["stories"]) >= 2
    _assert_same(local_snapshot, report, store)
    # A second run finds everything stored and changes nothing.
    again = ingest_ray(store, corpus)
    assert not again.ingested and len(again.unchanged) == len(report.ingested) + len(report.unchanged)
    assert _snapshot(store) == local_snapshot[1]
    store.close()


@pytest.mark.slow
def test_ray_run_into_postgresql(ray_cluster, corpus, local_snapshot, postgres_url):
    store = open_store(postgres_url)
    report = ingest_ray(store, corpus)
    _assert_same(local_snapshot, report, store)
    store.close()


def test_missing_ray_is_a_one_line_usage_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(UsageError, match=r"pip install 'wiretrace\[ray\]'"):
        require_ray()
    code = main(["--db", str(tmp_path / "s.db"), "ingest", "--engine", "ray", str(DEMO)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "wiretrace[ray]" in err


def test_unknown_device_fails_before_ray_starts(tmp_path):
    with pytest.raises(UsageError, match="unknown device 'tpu'"):
        ingest_ray(open_store(str(tmp_path / "s.db")), [str(DEMO)], ray_options=RayOptions(device="tpu"))


def test_sources_keep_input_order_and_carry_failures_and_stdin(tmp_path):
    import io
    import pickle

    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    stdin = io.BytesIO(b"Title\n\nSome words read from standard input by the driver.")
    rows = _sources([str(tmp_path), str(tmp_path / "nothing-*.txt"), "-"], IngestOptions(), stdin)
    assert [r["path"] for r in rows] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "", ""]
    failure = pickle.loads(rows[2]["items"])[0].failure
    assert failure.path.endswith("nothing-*.txt") and "no such file" in failure.error
    assert pickle.loads(rows[3]["items"])[0].raw.source == "<stdin>"


def test_probe_of_a_closed_port_fails_fast_with_one_line():
    import socket
    import time

    from wiretrace.engines.ray import probe_head
    from wiretrace.errors import EngineUnavailable

    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match=rf"cannot reach the Ray cluster at '127.0.0.1:{port}'") as info:
        probe_head(f"127.0.0.1:{port}", timeout_s=1.0)
    assert time.monotonic() - started < 10 and "\n" not in str(info.value)
    with pytest.raises(UsageError, match="not HOST:PORT"):
        probe_head("no-port-here", timeout_s=1.0)


def test_probe_of_a_listening_head_passes():
    import socket

    from wiretrace.engines.ray import probe_head

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        probe_head(f"ray://127.0.0.1:{server.getsockname()[1]}", timeout_s=1.0)


def test_closed_ray_address_exits_1_with_one_line(monkeypatch, tmp_path, capsys):
    _import_ray()
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")
    monkeypatch.setenv("WIRETRACE_RAY_CONNECT_TIMEOUT", "2")
    code = main(["--db", str(tmp_path / "s.db"), "ingest", "--engine", "ray", str(DEMO)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "cannot reach the Ray cluster at '127.0.0.1:1'" in err


@pytest.mark.slow
def test_a_rerun_sends_only_changed_files_to_the_cluster(ray_cluster, tmp_path, monkeypatch):
    """Known files are skipped on the driver; with none left Ray is not even joined."""
    import wiretrace.engines.ray as engine

    folder = tmp_path / "in"
    shutil.copytree(shared_path("corpus", "seeds"), folder)
    store = open_store(str(tmp_path / "rerun.db"))
    first = ingest_ray(store, [str(folder)])
    sent: list[int] = []
    dataset = engine._cleaned

    def counting(ray, sources, *args):  # noqa: ANN001, ANN202
        sent.append(len(sources))
        return dataset(ray, sources, *args)

    monkeypatch.setattr(engine, "_cleaned", counting)
    monkeypatch.setattr(engine, "_connect", lambda *a: pytest.fail("Ray joined though every file is known"))
    again = ingest_ray(store, [str(folder)])
    assert not again.ingested and sorted(again.unchanged) == sorted(first.ingested + first.unchanged)
    assert sent == []
    monkeypatch.undo()
    monkeypatch.setattr(engine, "_cleaned", counting)
    changed = sorted(folder.iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA paragraph added after the first ingest.\n",
                       encoding="utf-8")
    third = ingest_ray(store, [str(folder)], ray_options=RayOptions(driver_clean_bytes=0))
    assert sent == [1] and len(third.ingested) == 1
    store.close()


@pytest.mark.slow
def test_ray_stores_signatures_under_the_runs_dedupe_options(ray_cluster, tmp_path):
    from dataclasses import replace

    from wiretrace.settings import Settings
    from wiretrace.stories.dedupe import DedupeOptions, signature_key

    settings = replace(Settings(), dedupe=DedupeOptions(num_perm=32, shingle=4))
    seeds = [str(shared_path("corpus", "seeds"))]
    local, ray = open_store(str(tmp_path / "l.db")), open_store(str(tmp_path / "r.db"))
    ingest(local, seeds, settings=settings)
    ingest_ray(ray, seeds, settings=settings)
    key = signature_key(settings.dedupe)
    expected = local.get_embeddings(key)
    got = ray.get_embeddings(key)
    assert expected and set(got) == set(expected)
    assert all((got[i] == expected[i]).all() for i in expected)
    assert not ray.get_embeddings(signature_key(DedupeOptions()))
    local.close()
    ray.close()


@pytest.mark.slow
@pytest.mark.parametrize("driver_clean_bytes", [0, RayOptions().driver_clean_bytes])
def test_a_rerun_over_a_local_ingest_sends_no_article_to_the_expensive_stages(ray_cluster, tmp_path, monkeypatch,
                                                                              driver_clean_bytes):
    """Files no fingerprint knows (a local run stored them) are cleaned, found stored, and go no further."""
    import wiretrace.engines.ray as engine

    paths = [str(shared_path("corpus", "seeds")), str(DEMO)]
    store = open_store(str(tmp_path / "local.db"))
    ingest(store, paths)
    local_again = ingest(store, paths)
    sent: list[str] = []
    derived = engine._derived

    def counting(ray, items, *args):  # noqa: ANN001, ANN202
        sent.extend(item.article.id for item in items)
        return derived(ray, items, *args)

    monkeypatch.setattr(engine, "_derived", counting)
    ray_options = RayOptions(driver_clean_bytes=driver_clean_bytes)
    again = ingest_ray(store, paths, ray_options=ray_options)
    assert sent == [] and not again.ingested
    assert again.to_dict() == local_again.to_dict()
    # A file grown by one article: only that article is sketched, embedded and extracted.
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("Harbour vote\n\nThe harbour council of Vennholm approved the ferry budget "
                                   "on Monday after months of talks, its chair said.\n", encoding="utf-8")
    third = ingest_ray(store, [*paths, str(extra)], ray_options=ray_options)
    assert sent == third.ingested and len(sent) == 1
    store.close()


def test_a_rerun_over_a_local_ingest_of_small_files_starts_no_cluster(monkeypatch, tmp_path):
    """Small unknown files are cleaned on the driver; every article stored, Ray is never joined."""
    import wiretrace.engines.ray as engine

    _import_ray()
    store = open_store(str(tmp_path / "local.db"))
    ingest(store, [str(DEMO)], update=False)
    local_again = ingest(store, [str(DEMO)], update=False)
    monkeypatch.setattr(engine, "_connect", lambda *a: pytest.fail("Ray joined though every article is stored"))
    again = ingest_ray(store, [str(DEMO)], update=False)
    assert not again.ingested and again.to_dict() == local_again.to_dict()
    store.close()
