import json
import subprocess
import sys

import pytest

from wiretrace.cli import COMMANDS, build_parser, main
from wiretrace.store import open_store


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
    assert set(listing[0]) == {"id", "path", "url", "outlet", "title", "title_source", "published", "author", "words",
                               "problems"}
    assert listing[0]["title"] == "A title" and listing[0]["title_source"] == "headline"
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
    open_store(str(tmp_path / "x.db")).close()
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
    open_store(str(tmp_path / "p.db")).close()
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


@pytest.mark.parametrize("command", [["articles"], ["show", "abc"], ["stories"], ["copies"], ["claims"],
                                     ["check", "a claim"], ["dossier", "s1"], ["cluster"]])
def test_read_commands_never_create_a_store(tmp_path, capsys, command):
    db = tmp_path / "no" / "such" / "x.db"
    assert main(["--db", str(db), *command]) == 1
    err = capsys.readouterr().err
    assert "no store there" in err and err.count("\n") == 1
    assert not db.exists() and not (tmp_path / "no").exists()


def _ingest_two(tmp_path, capsys, *extra):
    db = str(tmp_path / "s.db")
    for name, words in (("a", "bridge"), ("b", "library")):
        doc = tmp_path / f"{name}.txt"
        doc.write_text(f"Title {name}\n\nThe council voted on Tuesday to close the old {words} for repairs.\n")
        assert main(["--db", db, "ingest", str(doc), *extra]) == 0
    capsys.readouterr()
    return db


def test_ambiguous_prefix_lists_the_candidates(tmp_path, capsys):
    db = str(tmp_path / "s.db")
    (tmp_path / "docs").mkdir()
    for n in range(17):  # 17 ids over 16 hex digits: two must share a first digit
        (tmp_path / "docs" / f"{n}.txt").write_text(f"Title\n\nThe council voted {n} times on Tuesday to close the bridge.\n")
    assert main(["--db", db, "ingest", str(tmp_path / "docs")]) == 0
    capsys.readouterr()
    ids = sorted(a.id for a in open_store(db).list_articles())
    prefix = next(a[0] for a, b in zip(ids, ids[1:], strict=False) if a[0] == b[0])
    sharing = [i for i in ids if i.startswith(prefix)]
    assert main(["--db", db, "show", prefix]) == 1
    err = capsys.readouterr().err
    assert f"{prefix!r} matches {len(sharing)} articles" in err and sharing[0] in err and err.count("\n") == 1


def test_ambiguous_error_message_counts_the_rest():
    from wiretrace.errors import AmbiguousId

    error = AmbiguousId("d", "articles", [f"d{i}" for i in range(5)], 11)
    assert str(error) == "'d' matches 11 articles: d0, d1, d2, d3, d4, … (6 more); give more of the id"


def test_empty_results_say_so(tmp_path, capsys):
    db = str(tmp_path / "s.db")
    open_store(db).close()
    for command, message in (("articles", "0 articles"), ("copies", "0 copy groups"), ("stories", "0 stories")):
        assert main(["--db", db, command]) == 0
        assert message in capsys.readouterr().out


def test_check_since_warns_about_undated_articles(tmp_path, capsys):
    db = _ingest_two(tmp_path, capsys)
    assert main(["--db", db, "check", "The council closed the bridge", "--since", "2020-01-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["warnings"] and "2 of 2 articles have no date" in out["warnings"][0]
    assert main(["--db", db, "check", "The council closed the bridge", "--since", "2020-01-01"]) == 0
    assert "warning: --since 2020-01-01: 2 of 2 articles have no date" in capsys.readouterr().err


def test_check_since_is_quiet_when_every_article_is_dated(tmp_path, capsys):
    db = _ingest_two(tmp_path, capsys, "--published", "2021-05-01")
    assert main(["--db", db, "check", "The council closed the bridge", "--since", "2020-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []


def test_text_output_shows_bidi_controls_and_json_keeps_them(tmp_path, capsys):
    from wiretrace.models import Article

    db = str(tmp_path / "cli.db")
    store = open_store(db)
    store.put_articles([Article(id="b" * 16, text="The council met on Monday \u202eto vote on the pier.",
                                title="evil\u202etxt.exe", outlet="Out\u2066let")])
    store.close()
    for argv in (["articles"], ["show", "bbbb"]):
        code, out, _ = run(capsys, "--db", db, *argv)
        assert code == 0 and "\u202e" not in out and "\u2066" not in out and "evil[U+202E]txt.exe" in out, out
    code, out, _ = run(capsys, "--db", db, "show", "bbbb", "--json")
    assert json.loads(out)["title"] == "evil\u202etxt.exe"  # machine-readable output is the stored text
