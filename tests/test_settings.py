"""Settings: every stage's options from one TOML file, flags on top, and a typo is an error, not a default."""

from __future__ import annotations

import dataclasses
import json

import pytest

import wiretrace
from wiretrace.cli import main
from wiretrace.settings import Settings, load_settings, settings_from_table


def write(tmp_path, text: str):
    path = tmp_path / "wiretrace.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(monkeypatch):
    monkeypatch.delenv("WIRETRACE_CONFIG", raising=False)
    assert load_settings() == Settings()


def test_every_stage_and_nested_table_is_read(tmp_path):
    settings = load_settings(write(tmp_path, """
device = "auto"
[ingest]
workers = 3
[ingest.read]
max_bytes = 1000
[dedupe]
jaccard = 0.7
[cluster]
story_threshold = 1
[claims]
min_quote_words = 6
[crosscheck]
contradict = 0.9
[check]
rerank_top = 5
"""))
    assert settings.device == "auto"
    assert settings.ingest.workers == 3 and settings.ingest.read.max_bytes == 1000
    assert settings.ingest.read.max_records == Settings().ingest.read.max_records  # untouched fields keep defaults
    assert settings.dedupe.jaccard == 0.7
    assert settings.cluster.story_threshold == 1.0 and isinstance(settings.cluster.story_threshold, float)
    assert settings.claims.min_quote_words == 6
    assert settings.crosscheck.contradict == 0.9
    assert settings.check.rerank_top == 5


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().device = "cuda"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "message"), [
    ("[clustr]\nstory_threshold = 0.5", "unknown setting 'clustr'"),
    ("[cluster]\nstory_treshold = 0.5", "unknown setting 'cluster.story_treshold'"),
    ("[cluster]\nstory_threshold = 'high'", "'cluster.story_threshold' must be float"),
    ("[ingest]\nworkers = true", "'ingest.workers' must be int"),
    ("[ingest]\nread = 3", "'ingest.read' is a table"),
    ("device = 'tpu'", "device must be one of"),
    ("[check]\nstory = 'abc'", "unknown setting 'check.story'"),  # one run's filter, never a file's
    ("[cluster\n", "not valid TOML"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(wiretrace.UsageError) as err:
        load_settings(path)
    assert message in str(err.value)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(wiretrace.UsageError, match="cannot read the config file"):
        load_settings(tmp_path / "none.toml")


def test_the_environment_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("WIRETRACE_CONFIG", str(write(tmp_path, "[claims]\nmin_score = 0.9")))
    assert load_settings().claims.min_score == 0.9


def test_cli_config_reaches_the_stage_and_flags_win(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    big = tmp_path / "docs" / "big.txt"
    big.write_text("Title\n\n" + "A sentence about the harbour reopening today. " * 40, encoding="utf-8")
    config = write(tmp_path, "[ingest.read]\nmax_bytes = 100\n")
    db = str(tmp_path / "s.db")
    # the config's limit refuses the file ...
    assert main(["--db", db, "--config", str(config), "ingest", str(big), "--json"]) == 1
    assert "100" in capsys.readouterr().err
    # ... and a flag on top of the same config lets it in
    assert main(["--db", db, "--config", str(config), "ingest", str(big), "--max-bytes", "100000", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["ingested"]) == 1


def test_cli_bad_config_exits_2_with_one_line(tmp_path, capsys):
    config = write(tmp_path, "[nope]\nx = 1\n")
    assert main(["--db", str(tmp_path / "s.db"), "--config", str(config), "stories"]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown setting 'nope'" in err and len(err.splitlines()) == 1


def test_settings_from_table_keeps_defaults_for_what_is_not_given():
    assert settings_from_table({}) == Settings()
