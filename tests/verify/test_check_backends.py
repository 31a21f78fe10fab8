"""`check` gives the same evidence and verdict on SQLite and PostgreSQL for the same content.

Each backend's full-text index only finds candidates; wiretrace ranks them itself (`lexical_rank`).
"""

from __future__ import annotations

from conftest import shared_path

from wiretrace.models import SentenceHit
from wiretrace.pipeline import ingest
from wiretrace.store import open_store
from wiretrace.verify import Checker, CheckOptions
from wiretrace.verify.retrieve import lexical_rank

CLAIMS = [
    "Putin banned Kremlin officials from resigning",
    "Russia has declared martial law",
    "Russia has lost 15,000 troops",
    "Boris Bondarev denounced the war",
    "Colonel Vyacheslav Makarov was confirmed dead",
    "The Kremlin restricted foreign travel for high-ranking officials",
    "Ukraine retook ten Russian positions near Bakhmut",
    "The Eiffel tower was painted green",
]


def _evidence(store) -> list:
    checker = Checker(store)
    results = []
    for claim in CLAIMS:
        verdict = checker.check(claim)
        results.append((verdict.verdict, round(verdict.confidence, 3),
                        [(e.article, e.start, e.end, e.stance, round(e.score, 3)) for e in verdict.evidence]))
    return results


def test_same_evidence_on_sqlite_and_postgresql(seeds_store, postgres_url):
    pg = open_store(postgres_url)
    ingest(pg, [str(shared_path("corpus", "seeds"))])
    try:
        assert _evidence(pg) == _evidence(seeds_store)
    finally:
        pg.close()


def _hit(article: str, start: int, text: str) -> SentenceHit:
    return SentenceHit(article, start, start + len(text), text, 0.0)


def test_lexical_rank_ignores_the_engines_order():
    pool = [_hit("b", 0, "The decree banned resignations of officials."),
            _hit("a", 0, "Officials were banned from resigning, the decree said."),
            _hit("c", 5, "Weather was mild in Moscow.")]
    terms = ["banned", "decree", "official"]
    ranked = lexical_rank(terms, pool, CheckOptions())
    assert ranked == lexical_rank(terms, list(reversed(pool)), CheckOptions())
    assert ranked[-1].article == "c"  # shares no term
    assert lexical_rank(terms, [], CheckOptions()) == []
