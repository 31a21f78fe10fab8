import json
import subprocess
import sys

import pytest

from wiretrace.cli import COMMANDS, build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_articles_show_round_trip(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    doc = tmp_path / "a.txt"
    doc.write_text("A title\n\nThe council voted on Tuesday to close the old bridge for repairs.\n")
    code, out, _ = run(capsys, "--db", db, "ingest", str(doc), "--json")
    assert code == 0
    report = json.loads(out)
    assert len(report["ingested"]) == 1 and report["failed"] == []
    code, out, _ = run(capsys, "--db", db, "articles", "--json")
    listing = json.loads(out)
    assert set(listing[0]) == {"id", "path", "url", "outlet", "title", "published", "author", "words", "problems"}
    assert listing[0]["title"] == "A title"
    code, out, _ = run(capsys, "--db", db, "show", listing[0]["id"], "--json")
    shown = json.loads(out)
    assert shown["text"].startswith("The council voted")
    code, out, _ = run(capsys, "--db", db, "ingest", str(doc), "--json")
    assert json.loads(out)["unchanged"] == report["ingested"]


def test_db_from_environment(tmp_path, capsys, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("WIRETRACE_DB", str(db))
    doc = tmp_path / "a.txt"
    doc.write_text("Title\n\nEnough words in this body to count as a real article text.\n")
    assert run(capsys, "ingest", str(doc))[0] == 0
    assert db.exists()


def test_unknown_flag_is_usage_error_in_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["articles", "--bogus"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--bogus" in err and err.count("\n") == 1


def test_unknown_article_is_one_line_error(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "x.db"), "show", "nope")
    assert code == 1
    assert err.strip().startswith("wiretrace: error:") and "nope" in err and err.count("\n") == 1


def test_missing_path_fails_but_others_ingest(tmp_path, capsys):
    doc = tmp_path / "ok.txt"
    doc.write_text("Title\n\nThe mayor said the library will reopen in the spring after repairs.\n")
    code, out, err = run(capsys, "--db", str(tmp_path / "m.db"), "ingest", str(tmp_path / "missing.txt"), str(doc))
    assert code == 1
    assert "missing.txt" in err and "no such file" in err
    assert "1 ingested" in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2


def test_console_script_entry_point_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "--db", str(tmp_path / "p.db"), "articles", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices[name].description, f"{name} has no help text"
