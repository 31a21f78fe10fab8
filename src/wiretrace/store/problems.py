"""Per-article stage failures: a stage that fails on one article records why and goes on with the rest.

Kept in the store's meta table (one JSON value, both backends), so `wiretrace articles` shows them
and a later ingest does not trip over an article stored earlier: the failed stage is marked done for
that article (with nothing from it) until the stage's version changes and it is tried again.
"""

from __future__ import annotations

import json

from wiretrace.store import Store

PROBLEMS_KEY = "problems"
MAX_MESSAGE = 300


def stage_problems(store: Store) -> dict[str, dict[str, str]]:
    """Article id -> {stage: one-line reason} for every recorded failure."""
    raw = store.get_meta(PROBLEMS_KEY)
    try:
        loaded = json.loads(raw) if raw else {}
    except ValueError:  # a hand-edited value; nothing recorded is better than a store that cannot be read
        return {}
    return loaded if isinstance(loaded, dict) else {}


def record_problem(store: Store, article_id: str, stage: str, exc: BaseException) -> None:
    """Remember that `stage` failed on one article, with the exception's type and first line."""
    lines = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {lines[0] if lines else ''}".strip(": ")[:MAX_MESSAGE]
    problems = stage_problems(store)
    problems.setdefault(article_id, {})[stage] = message
    store.set_meta(PROBLEMS_KEY, json.dumps(problems, sort_keys=True))


def clear_problem(store: Store, article_id: str, stage: str) -> None:
    """Forget a stage's failure on one article (it has now run cleanly)."""
    problems = stage_problems(store)
    if stage in problems.get(article_id, {}):
        del problems[article_id][stage]
        if not problems[article_id]:
            del problems[article_id]
        store.set_meta(PROBLEMS_KEY, json.dumps(problems, sort_keys=True))
