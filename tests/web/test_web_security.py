"""One regression test per finding of issue #25.

Each test drives an interface that existed before the fix (the app, `wiretrace serve`, `wiretrace.ingest`,
the CLI), so each fails on the code before the fix for the finding's own reason, not for a missing name:
run against 8b0b273 (the parent of the first fix, 8c01437), every test here failed there (a leaked password,
OverflowError, 200 for `Host: evil.example`, a bare 500, the store path in a 404, `path` in the API, a raw
U+202E in the page, no answer while the upload body was still coming).
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import import_or_skip

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

import wiretrace  # noqa: E402
from wiretrace.claims import claims_for  # noqa: E402
from wiretrace.cli import main  # noqa: E402
from wiretrace.models import Article  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web import present  # noqa: E402
from wiretrace.web.app import create_app  # noqa: E402

# 300 nines times a trillion is past the largest float: read as a number it was `inf`. The second figure
# counts the same thing within 2%, so the two were compared for roundness (`int(inf)`: OverflowError).
HOSTILE_NUMBER = ("Firm hires staff\n\nThe firm employs " + "9" * 300 + " trillion workers, the company said"
                  " on Monday.\n\nA year ago the firm employed 5,000 workers, according to its filings.\n")
BENIGN = "Council votes on pier\n\nThe council met on Monday to vote on the pier, officials said in a statement.\n"


def _store(tmp_path, articles=()):
    db = str(tmp_path / "wt.db")
    store = open_store(db)
    store.put_articles(list(articles))
    store.close()
    return db


def test_1_store_password_never_reaches_a_client(postgres_url, capsys):
    url = postgres_url.replace("://wiretrace@", "://wiretrace:S3CRETPW@")  # trust auth: the password is sent, not checked
    with TestClient(create_app(url)) as client:
        for r in (client.get("/api/stories/nope"), client.get("/stories/nope"),
                  client.get("/check", params={"claim": "x happened", "story": "nope"}),
                  client.post("/api/check", json={"claim": "x happened", "story": "nope"}),
                  client.get("/api/articles/nope")):
            assert r.status_code in (400, 404) and "S3CRETPW" not in r.text, r.text
    for command in (["dossier", "nope"], ["show", "nope"], ["stories"], ["articles"]):
        main(["--db", url, *command])
        out = capsys.readouterr()
        assert "S3CRETPW" not in out.out + out.err, out


def test_2_one_hostile_number_does_not_break_later_ingests(tmp_path):
    (tmp_path / "hostile.txt").write_text(HOSTILE_NUMBER, encoding="utf-8")
    (tmp_path / "benign.txt").write_text(BENIGN, encoding="utf-8")
    store = open_store(str(tmp_path / "wt.db"))
    try:
        first = wiretrace.ingest(store, [str(tmp_path / "hostile.txt")])
        later = wiretrace.ingest(store, [str(tmp_path / "benign.txt")])
        assert len(first.ingested) == 1 and len(later.ingested) == 1 and not later.failed
        values = [c.value for c in claims_for(store, kinds=["figure"])]
        assert 5000.0 in values and all(v < 1e300 for v in values), values  # the hostile count is text, not inf
    finally:
        store.close()


def test_2_charts_render_a_stored_infinite_value():
    assert present._nice_ticks(0.0, float("inf")) == [0.0, 1.0]  # math.floor(inf) made every story page a 500
    assert present.figure_chart({"points": [{"value": float("inf")}, {"value": 5.0}]}).series


def _free_port(family: int, host: str) -> int:
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _get(host: str, port: int, header: str) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.putrequest("GET", "/api/articles", skip_host=True)
        conn.putheader("Host", header)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


@contextmanager
def _serving(db: str, bind: str, name: str, *options: str) -> Iterator[int]:
    """`wiretrace serve` on `bind` in a child process; yields its port once it answers as `name`."""
    port = _free_port(socket.AF_INET6 if ":" in bind else socket.AF_INET, bind)
    server = subprocess.Popen([sys.executable, "-c", "import sys; from wiretrace.cli import main; sys.exit(main())",
                               "--db", db, "serve", "--host", bind, "--port", str(port), *options],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(bind, port, f"{name}:{port}") == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize(("bind", "name"), [("127.0.0.2", "127.0.0.2"), ("::1", "[::1]")])
def test_3_every_loopback_bind_checks_the_host(tmp_path, bind, name):
    with _serving(_store(tmp_path), bind, name) as port:
        assert _get(bind, port, "evil.example") == 400  # a DNS-rebinding page's Host is refused


def test_4_lone_surrogate_is_a_json_error(tmp_path):
    article = Article(id="c" * 16, text="A blast shook the harbour district on Monday night, the police said.")
    with TestClient(create_app(_store(tmp_path, [article])), raise_server_exceptions=False) as client:
        r = client.post("/api/check", content=b'{"claim": "\\ud800 blast"}', headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and set(r.json()["error"]) >= {"type", "message"}, (r.status_code, r.text)


ARTICLE = Article(id="a" * 16, text="The council met on Monday to vote on the pier.", title="evil\u202etxt.exe",
                  outlet="Out\u2066let", path="/srv/secret/a.txt")


def test_5_errors_name_no_server_path(tmp_path):
    with TestClient(create_app(_store(tmp_path, [ARTICLE]))) as client:
        for r in (client.get("/api/articles/nope"), client.get("/articles/nope"), client.get("/api/stories/nope")):
            assert r.status_code == 404 and str(tmp_path) not in r.text and "wt.db" not in r.text, r.text


def test_5_api_leaves_out_the_article_path(tmp_path):
    with TestClient(create_app(_store(tmp_path, [ARTICLE]))) as client:
        assert "path" not in client.get(f"/api/articles/{ARTICLE.id}").json()
        assert all("path" not in item for item in client.get("/api/articles").json()["items"])
        assert "/srv/secret" not in client.get(f"/articles/{ARTICLE.id}").text


def test_5_bidi_controls_are_shown(tmp_path):
    with TestClient(create_app(_store(tmp_path, [ARTICLE]))) as client:
        for page in (client.get(f"/articles/{ARTICLE.id}").text, client.get("/articles").text):
            assert "\u202e" not in page and "\u2066" not in page and "evil[U+202E]txt.exe" in page


def test_5_upload_form_refuses_a_wrong_token_before_reading_the_files(tmp_path):
    boundary = "b0undary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nwrong\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    declared = 19 * 1024 * 1024  # under the upload limit; only the head is ever sent
    with _serving(_store(tmp_path), "127.0.0.1", "127.0.0.1", "--token", "right") as port, \
            socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall((f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                      f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                      f"Content-Length: {declared}\r\n\r\n").encode() + head + b"x" * 65536)
        try:
            status = sock.recv(64).split(b" ")[1]
        except TimeoutError:
            status = b"no answer while the body was still coming"
    assert status in (b"401", b"403"), status
