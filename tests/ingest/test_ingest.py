from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.cli import main
from wiretrace.ingest import IngestOptions, article_id, build_article, ingest_paths
from wiretrace.models import RawDocument
from wiretrace.store import open_store

BODY = "The harbour council voted on Monday to run a year-round ferry to the island, officials said."
DEMO = Path(__file__).resolve().parents[2] / "src" / "wiretrace" / "demo" / "corpus"


def good_text(n: int) -> str:
    return f"Ferry story {n}\n\n{BODY} It was vote number {n}.\n"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- build_article ------------------------------------------------------------------------------------
def test_build_article_from_scraped_text():
    text = f"\n# Ferry approved\n\nMay 15, 2023\n\n{BODY}\n\nComments are closed.\n\nOriginal url:\n\n<https://x.example/a>"
    article = build_article(RawDocument(source="a.txt", format="text", text=text))
    assert (article.title, article.url, article.published, article.text) == (
        "Ferry approved", "https://x.example/a", "2023-05-15", BODY)
    assert article.id == article_id(BODY) and article.outlet == "x.example" and article.language == "en"


def test_article_id_ignores_whitespace_and_case():
    assert article_id("A  b\n\nC") == article_id("a b c")


def test_too_short_is_no_article():
    with pytest.raises(Exception, match="no article text after cleaning"):
        build_article(RawDocument(source="a.txt", format="text", text="Title\n\nToo short."))


# -- the CLI on good and bad files -------------------------------------------------------------------
def make_mixed_folder(root: Path) -> dict[str, Path]:
    (root / "sub" / "deeper").mkdir(parents=True)
    files = {
        "good1": root / "a.txt",
        "good2": root / "sub" / "deeper" / "b.txt.gz",
        "pdf": root / "sub" / "report.pdf",
        "png": root / "image.txt",
        "empty": root / "sub" / "empty.txt",
        "noarticle": root / "login.html",
        "truncated": root / "sub" / "crawl.warc.gz",
    }
    files["good1"].write_text(good_text(1))
    files["good2"].write_bytes(gzip.compress(good_text(2).encode()))
    files["pdf"].write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    files["empty"].write_bytes(b"")
    files["noarticle"].write_text("<html><head><title>Log in</title></head><body><form><input></form></body></html>")
    files["truncated"].write_bytes((DEMO / "warc" / "crawl.warc.gz").read_bytes()[:3000])
    return files


def test_cli_reports_each_bad_file_on_one_line_and_keeps_the_good_ones(tmp_path, capsys):
    files = make_mixed_folder(tmp_path / "in")
    db = str(tmp_path / "w.db")
    code, out, err = run_cli(capsys, "--db", db, "ingest", str(tmp_path / "in"))
    assert code == 1
    assert out.strip() == "2 ingested, 0 unchanged, 5 failed"
    lines = err.strip().splitlines()
    assert len(lines) == 5
    for key in ("pdf", "png", "empty", "noarticle", "truncated"):
        [line] = [x for x in lines if x.startswith(f"wiretrace: {files[key]}: ")]
        assert len(line) < 300
    assert "PDF is not a supported input" in err and "PNG image" in err and "empty file" in err
    assert "truncated gzip" in err
    store = open_store(db)
    try:
        assert {Path(a.path).name for a in store.list_articles()} == {"a.txt", "b.txt.gz"}
    finally:
        store.close()


def test_cli_json_report(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(good_text(1))
    code, out, _ = run_cli(capsys, "--db", str(tmp_path / "w.db"), "ingest", "--json", str(tmp_path / "a.txt"),
                           str(tmp_path / "missing.txt"))
    report = json.loads(out)
    assert code == 1 and len(report["ingested"]) == 1
    assert report["failed"] == [{"path": str(tmp_path / "missing.txt"), "error": "no such file or directory"}]


def test_cli_globs_and_directories(tmp_path, capsys):
    for n in range(3):
        (tmp_path / f"x{n}.txt").write_text(good_text(n))
    (tmp_path / "y.txt").write_text(good_text(9))
    code, out, _ = run_cli(capsys, "--db", str(tmp_path / "w.db"), "ingest", str(tmp_path / "x*.txt"))
    assert (code, out.strip()) == (0, "3 ingested, 0 unchanged, 0 failed")


def test_cli_over_size_limit(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text(good_text(1) + BODY * 50)
    (folder / "small.txt").write_text(good_text(2))
    code, out, err = run_cli(capsys, "--db", str(tmp_path / "w.db"), "ingest", "--max-bytes", "1000", str(folder))
    assert code == 1 and out.startswith("1 ingested")
    assert re.fullmatch(rf"wiretrace: {re.escape(str(folder / 'big.txt'))}: file is [\d,]+ bytes, over the limit "
                        r"of 1,000 \(raise it with --max-bytes\)\n", err)


@pytest.mark.parametrize("argv", [["ingest", "--no-such-flag", "x"], ["ingest"], ["nosuchcommand"],
                                  ["ingest", "--max-bytes", "0", "x"]])
def test_cli_usage_errors_exit_2(tmp_path, capsys, argv):
    code = None
    try:
        code = main(["--db", str(tmp_path / "w.db"), *argv])
    except SystemExit as exc:
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "error" in err


def test_cli_stdin_via_subprocess(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "--db", str(tmp_path / "w.db"), "ingest", "-"],
        input=good_text(1).encode(), capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "1 ingested, 0 unchanged, 0 failed"


def test_cli_unknown_flag_via_subprocess(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wiretrace.cli", "ingest", "--bogus", "x.txt"], capture_output=True,
                            timeout=120, check=False)
    assert result.returncode == 2 and b"--bogus" in result.stderr


# -- idempotence and parallelism --------------------------------------------------------------------
def test_reingest_changes_nothing(tmp_path, capsys):
    db = str(tmp_path / "w.db")
    code, out, _ = run_cli(capsys, "--db", db, "ingest", str(DEMO))
    assert code == 0 and out.startswith("11 ingested")
    code, out, _ = run_cli(capsys, "--db", db, "ingest", str(DEMO))
    assert (code, out.strip()) == (0, "0 ingested, 11 unchanged, 0 failed")


def test_workers_give_the_same_result_in_the_same_order(tmp_path):
    reports = []
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"w{workers}.db"))
        try:
            report = ingest_paths(store, [str(DEMO), str(tmp_path / "missing")], IngestOptions(workers=workers))
            reports.append((report.to_dict(), [a.to_dict() for a in store.list_articles()]))
        finally:
            store.close()
    assert reports[0] == reports[1]


def test_a_failed_record_stores_nothing_and_the_batch_goes_on(tmp_path):
    lines = [json.dumps({"text": f"{BODY} Record {n}."}) for n in range(5)]
    lines[2] = '{"text": "cut off'
    (tmp_path / "a.jsonl").write_text("\n".join(lines))
    store = open_store(str(tmp_path / "w.db"))
    try:
        report = ingest_paths(store, [str(tmp_path / "a.jsonl")], IngestOptions(batch_size=2))
        assert len(report.ingested) == 4 and [f.path for f in report.failed] == [f"{tmp_path / 'a.jsonl'}:3"]
        assert store.count_articles() == 4
    finally:
        store.close()


WORDS = st.sampled_from("the council voted ferry island mayor said on Monday plant blast water river".split())
SENTENCES = st.lists(WORDS, min_size=6, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")


@given(st.lists(st.lists(SENTENCES, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_ingest_is_idempotent(tmp_path, bodies):
    folder = tmp_path / f"run{time.monotonic_ns()}"
    folder.mkdir()
    for n, body in enumerate(bodies):
        (folder / f"{n}.txt").write_text(f"Title {n}\n\n{body}\n")
    store = open_store(str(folder / "w.db"))
    try:
        first = ingest_paths(store, [str(folder / "*.txt")])
        second = ingest_paths(store, [str(folder / "*.txt")])
        assert second.ingested == [] and second.failed == first.failed
        assert sorted(second.unchanged) == sorted(first.ingested + first.unchanged)
    finally:
        store.close()


# -- real corpora in ../shared ------------------------------------------------------------------------
SEED_JUNK = [
    "Russia's Putin holds talks with China's Xi in Moscow",
    "NATALIA KOLESNIKOVA/AFP via Getty Images",
    "Comments are closed.",
    "Real Time Analytics",
    "@YouTube",
    "Original url",
    "[duma.gov.ru]",
    "duma.gov.ru",
    "Get real time updates directly on you device, subscribe now.",
]


def article_sentences(raw: str) -> list[str]:
    """Every line of 8+ words ending like a sentence, markdown links reduced to their text."""
    sentences = []
    for line in raw.splitlines():
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line).replace("**", "").strip()
        if len(line.split()) >= 8 and re.search(r"[.!?…][\"”’')]?$", line) and line not in SEED_JUNK:
            sentences.append(" ".join(line.split()))
    return sentences


def test_seeds(tmp_path):
    seeds = shared_path("corpus", "seeds")
    store = open_store(str(tmp_path / "seeds.db"))
    try:
        report = ingest_paths(store, [str(seeds)])
        assert (len(report.ingested), report.failed) == (5, [])
        articles = {Path(a.path).name[:3]: a for a in store.list_articles()}
        assert sorted(articles) == ["000", "001", "002", "003", "004"]
        for prefix, article in articles.items():
            for junk in SEED_JUNK:
                assert junk not in article.text, (prefix, junk)
            raw = next(seeds.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
            clean = " ".join(article.text.split())
            for sentence in article_sentences(raw):
                assert sentence in clean, (prefix, sentence)
        assert articles["001"].url.startswith("https://www.themoscowtimes.com/2023/05/15/")
        assert articles["001"].published == "2023-05-15"
        again = ingest_paths(store, [str(seeds)])
        assert again.ingested == [] and sorted(again.unchanged) == sorted(report.ingested)
    finally:
        store.close()


def test_polnear_ingests_without_failures(tmp_path):
    polnear = shared_path("corpus", "polnear")
    files = sorted(polnear.glob("*/text/*.txt"))
    assert len(files) == 924
    store = open_store(str(tmp_path / "polnear.db"))
    try:
        report = ingest_paths(store, [str(polnear / "train" / "text"), str(polnear / "dev" / "text")])
        assert report.failed == []
        assert len(report.ingested) + len(report.unchanged) == 924
    finally:
        store.close()
