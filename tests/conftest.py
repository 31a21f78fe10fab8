"""Shared fixtures: the ../shared data (skipped where absent, a failure in CI) and seeded stores."""

from __future__ import annotations

import os
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


@pytest.fixture
def seeds_dir() -> Path:
    """The five seed articles."""
    return shared_path("corpus", "seeds")


@pytest.fixture
def store(tmp_path):
    """An empty SQLite store in a temporary directory."""
    from wiretrace.store import open_store

    s = open_store(str(tmp_path / "test.db"))
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
