"""The README stays true: every command is documented and the set-up commands are there."""

from pathlib import Path

import pytest

from wiretrace.cli import COMMANDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_in_readme(name):
    assert f"wiretrace {name}" in README


def test_readme_has_the_two_setup_commands():
    assert "wiretrace demo" in README
    assert "python -m pytest" in README


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "python -m pytest" in ci
    assert "pip install --quiet -e '.[test]'" in ci


def test_every_path_the_readme_names_exists():
    import re

    root = Path(__file__).resolve().parents[1]
    named = set(re.findall(r"`?((?:tests|eval|bench|src/wiretrace)/[\w/]+\.(?:py|tsv|json|md))", README))
    assert named and not [p for p in sorted(named) if not (root / p).exists()]
