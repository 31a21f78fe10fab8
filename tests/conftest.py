"""Shared fixtures: the ../shared data (skipped where absent, a failure in CI) and seeded stores."""

from __future__ import annotations

import io
import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test where it is absent, fails it when CI is set."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: ../shared must be present in CI")
        pytest.skip(f"{path} is not available on this machine")
    return path


def skip_or_fail(reason: str) -> None:
    """Skip where something optional is missing on a development machine; fail when CI is set (CI has it all)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must have it")
    pytest.skip(reason)


def import_or_skip(name: str):
    """`pytest.importorskip`, except that under CI (env CI set) a missing [test]-extra package fails."""
    if os.environ.get("CI"):
        import importlib

        return importlib.import_module(name)
    return pytest.importorskip(name)


@pytest.fixture
def seeds_dir() -> Path:
    """The five seed articles."""
    return shared_path("corpus", "seeds")


def postgres_admin_url() -> str:
    """The PostgreSQL server for backend tests (`WIRETRACE_TEST_PG`, set by .ci/postgres.sh in CI)."""
    url = os.environ.get("WIRETRACE_TEST_PG")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("WIRETRACE_TEST_PG is not set: CI must run the PostgreSQL store tests")
        pytest.skip("no PostgreSQL server (set WIRETRACE_TEST_PG=$(.ci/postgres.sh))")
    return url


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database, dropped after the test."""
    psycopg = import_or_skip("psycopg")
    admin = postgres_admin_url()
    name = f"wt_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """An empty store of each backend: the store suite runs against SQLite and PostgreSQL."""
    from wiretrace.store import open_store

    url = str(tmp_path / "test.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    s = open_store(url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory):
    """A store holding the five seed articles with every stage run (built once per session)."""
    from wiretrace.pipeline import ingest
    from wiretrace.store import open_store

    seeds = shared_path("corpus", "seeds")
    s = open_store(str(tmp_path_factory.mktemp("seeds") / "seeds.db"))
    ingest(s, [str(seeds)])
    yield s
    s.close()


def seed_article_id(store, prefix: str) -> str:
    """The id of the seed article whose file name starts with `prefix` ('000' … '004')."""
    for article in store.list_articles():
        if Path(article.path or "").name.startswith(prefix):
            return article.id
    raise AssertionError(f"no seed article {prefix}")


class DocumentTimeout(BaseException):  # noqa: N818 - a BaseException, so readers' `except Exception` cannot hide it
    """A document took longer than its time bound."""


@contextmanager
def time_bound(seconds: float, what: str = "one document") -> Iterator[None]:
    """Fail with `DocumentTimeout` if the block runs longer than `seconds` (SIGALRM: main thread, Unix only)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"{what}: over {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def warc_bytes(pages: list[tuple[str, bytes, str]], compress: bool = True) -> bytes:
    """A WARC (gzipped unless `compress` is False) with one response record per (url, body, content type)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    for url, body, ctype in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return out.getvalue()
