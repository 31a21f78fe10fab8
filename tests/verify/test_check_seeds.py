"""`check` on the seed articles: a table of claims with the verdict a fact-checker would expect.

These run the real pipeline, the real MiniLM embedder and wiretrace's shipped stance model.
"""

from __future__ import annotations

import json

import pytest
from conftest import seed_article_id

from wiretrace.cli import main
from wiretrace.errors import UsageError
from wiretrace.verify import Checker

CASES = [
    # (claim, verdict, seed files that must appear among the non-neutral evidence)
    ("Putin banned Kremlin officials from resigning", "supported", {"000", "002"}),
    ("Russia has declared martial law", "refuted", {"003"}),
    ("The Eiffel tower was painted green", "not-enough-evidence", set()),
    ("The Bank of England raised interest rates", "not-enough-evidence", set()),
    ("Russia has lost about 199,000 troops", "supported", {"000"}),
    ("Russia has lost 15,000 troops", "refuted", {"000"}),
    ("A Russian court ordered the firing of over 100 National Guard officers", "supported", {"003"}),
    ("Colonel Vyacheslav Makarov was confirmed dead", "supported", {"000"}),
    ("Moscow admitted that it lost two high-ranking commanders in Bakhmut", "supported", {"000"}),
    ("Boris Bondarev denounced the war", "supported", {"003"}),
    ("Putin has cancer", "not-enough-evidence", set()),
    ("Russian officials are free to resign whenever they want", "not-enough-evidence", set()),
    ("Ukraine retook ten Russian positions near Bakhmut", "supported", {"000"}),
    ("Putin decreed that contract servicemen cannot resign after their contracts expire", "supported", {"001"}),
    ("The Kremlin restricted foreign travel for high-ranking officials", "supported", {"001"}),
    # issue 17: a changed key detail refutes, a paraphrase with every key detail supports
    ("Putin signed an official decree banning resignations", "refuted", {"000", "001"}),
    ("Leonid Vasyukevich demanded the withdrawal of Russian troops", "supported", {"003"}),
    ("Boris Bondarev praised the invasion", "refuted", {"003"}),
    # issue 18: swapped speaker, changed numbers and day, a reversed outcome, a paraphrase, an unrelated claim
    ("Boris Bondarev requested the immediate pullout of Russian soldiers", "refuted", {"003"}),
    ("A Russian military court confirmed the firing of 215 National Guard members", "refuted", {"003"}),
    ("Leonid Vasyukevich is a 45-year-old lawmaker", "refuted", {"003"}),
    ("Boris Bondarev denounced the war on Friday", "refuted", {"003"}),
    ("Colonel Vyacheslav Makarov was wounded but survived", "refuted", {"000"}),
    ("A Russian military court upheld the dismissal of 115 National Guard members", "supported", {"003"}),
    ("Leonid Vasyukevich is a Communist lawmaker", "supported", {"003"}),
    ("The Kremlin announced a new space mission to Mars", "not-enough-evidence", set()),
]

DETAIL_EVIDENCE = [
    # (claim, stance, words the deciding sentence holds, what the note names)
    ("Putin signed an official decree banning resignations", "refutes", "unofficial", "qualifier"),
    ("Leonid Vasyukevich demanded the withdrawal of Russian troops", "supports", "pullout", None),
    ("Boris Bondarev praised the invasion", "refutes", "denounced", "antonym"),
]


@pytest.mark.parametrize(("claim", "stance", "word", "note"), DETAIL_EVIDENCE)
def test_detail_verdicts_rest_on_the_right_sentence(checker, claim, stance, word, note):
    result = checker.check(claim)
    deciding = [e for e in result.evidence if e.stance == stance and word in e.text]
    assert deciding, [(e.stance, e.text) for e in result.evidence]
    if note:
        assert any(n.startswith(note) for e in deciding for n in e.notes)
    assert not any(e.stance != "neutral" and e.stance != stance for e in result.evidence)


@pytest.fixture(scope="module")
def checker(seeds_store):
    return Checker(seeds_store)


@pytest.mark.parametrize(("claim", "verdict", "files"), CASES)
def test_check_table(checker, seeds_store, claim, verdict, files):
    result = checker.check(claim)
    assert result.verdict == verdict, (result.explanation, [(e.stance, e.text) for e in result.evidence])
    judged = {e.article for e in result.evidence if e.stance != "neutral"}
    assert {seed_article_id(seeds_store, f) for f in files} <= judged


def test_supported_ban_has_two_independent_retellings(checker, seeds_store):
    result = checker.check("Putin banned Kremlin officials from resigning")
    retellings = {seed_article_id(seeds_store, f) for f in ("000", "001", "002")}
    supporting = {e.article for e in result.evidence if e.stance == "supports"}
    assert len(supporting & retellings) >= 2
    assert 0.5 <= result.confidence <= 1.0
    assert "independent source" in result.explanation


def test_allegation_does_not_support(checker):
    result = checker.check("Putin has cancer")
    assert all(e.stance != "supports" for e in result.evidence)


def test_story_filter_and_since(checker, seeds_store):
    ban = seed_article_id(seeds_store, "000")
    story = next(s for s in seeds_store.get_stories() if ban in s.articles)
    from wiretrace.verify import CheckOptions

    result = checker.check("Russia has declared martial law", CheckOptions(story=story.id))
    assert all(e.article in story.articles for e in result.evidence)
    with pytest.raises(UsageError):
        checker.check("x y z", CheckOptions(since="yesterday"))
    with pytest.raises(UsageError):
        checker.check("x y z", CheckOptions(story="no-such-story"))


@pytest.mark.parametrize("claim", ["", "x" * 100_000])
def test_cli_rejects_bad_claims_with_one_line(seeds_store, capsys, claim):
    code = main(["--db", seeds_store.url, "check", claim])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "claim" in err


def test_cli_empty_store(tmp_path, capsys):
    from wiretrace.store import open_store

    open_store(str(tmp_path / "empty.db")).close()  # a missing store is another error (see tests/test_cli.py)
    code = main(["--db", str(tmp_path / "empty.db"), "check", "Putin banned resignations"])
    assert code == 2 and "empty" in capsys.readouterr().err


def test_cli_json_contract(seeds_store, capsys):
    assert main(["--db", seeds_store.url, "check", "Putin banned Kremlin officials from resigning", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"key", "review", "claim", "verdict", "confidence", "explanation", "evidence", "warnings"}
    first = data["evidence"][0]
    assert {"article", "outlet", "text", "start", "end", "stance", "score", "source_chain"} <= set(first)
