"""A PostgreSQL store survives its server going away and coming back: 503 while down, no restart after.

Runs its own throw-away server (own port and data folder, via .ci/postgres.sh) so that stopping it
cannot disturb a server other tests share.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import import_or_skip

from wiretrace.errors import StoreUnavailable
from wiretrace.models import Article

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "postgres.sh"


def _free_port() -> str:
    """A port nothing listens on now: a fixed one collides with a server another run left behind."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


PORT = _free_port()

pytestmark = pytest.mark.slow


def _server(action: str, data: Path) -> str:
    env = {**os.environ, "WIRETRACE_PG_PORT": PORT, "WIRETRACE_PG_DATA": str(data)}
    done = subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def restartable(tmp_path_factory):
    if not (Path("/usr/lib/postgresql").is_dir() or os.environ.get("CI")):
        pytest.skip("no PostgreSQL server binaries (bash .ci/postgres.sh installs them)")
    import_or_skip("psycopg_pool")
    data = Path("/tmp") / f"wiretrace-pg-restart-{os.getpid()}"
    url = _server("start", data)
    yield url, data
    _server("stop", data)
    shutil.rmtree(data, ignore_errors=True)


def test_store_reconnects_after_a_restart(restartable, monkeypatch):
    url, data = restartable
    monkeypatch.setenv("WIRETRACE_PG_WAIT", "2")
    from wiretrace.store.postgres import PostgresStore

    store = PostgresStore(url)
    store.put_articles([Article(id="r1", text="Before the restart.", words=3)])
    _server("stop", data)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as refused:
        store.count_articles()
    assert time.monotonic() - started < 30
    message = str(refused.value)
    assert "\n" not in message and ("unreachable" in message or "lost" in message)
    _server("start", data)
    assert store.count_articles() == 1  # the committed article survived, and no new store was needed
    store.put_articles([Article(id="r2", text="After the restart.", words=3)])
    assert [a.id for a in store.list_articles()] == ["r1", "r2"]
    store.close()


def test_web_app_answers_503_while_down_and_200_after(restartable, monkeypatch):
    import_or_skip("fastapi")
    from fastapi.testclient import TestClient

    from wiretrace.web.app import create_app

    url, data = restartable
    monkeypatch.setenv("WIRETRACE_PG_WAIT", "2")
    client = TestClient(create_app(url))
    assert client.get("/api/articles").status_code == 200
    _server("stop", data)
    down = client.get("/api/articles")
    assert down.status_code == 503
    assert down.json()["error"]["type"] == "StoreUnavailable"
    _server("start", data)
    back = client.get("/api/articles")
    assert back.status_code == 200 and back.json()["total"] == 0
