import pytest

from wiretrace.errors import UsageError
from wiretrace.verify import MAX_CLAIM_CHARS, CheckOptions, Evidence, apply_checks, decide, validate_claim


@pytest.mark.parametrize("claim", ["", "   ", "\n\t"])
def test_empty_claim_is_refused(claim):
    with pytest.raises(UsageError, match="empty"):
        validate_claim(claim)


def test_overlong_claim_is_refused():
    with pytest.raises(UsageError, match="limit"):
        validate_claim("x" * (MAX_CLAIM_CHARS + 1))
    assert validate_claim("  a   claim ") == "a claim"


def ev(source, stance, score, outlet=None):
    return Evidence(article=source, outlet=outlet or source, text="t", start=0, end=1, stance=stance, score=score,
                    source=source)


@pytest.mark.parametrize(
    ("evidence", "verdict"),
    [
        ([], "not-enough-evidence"),
        ([ev("a", "neutral", 0.9)], "not-enough-evidence"),
        ([ev("a", "supports", 0.9), ev("b", "supports", 0.8)], "supported"),
        ([ev("a", "refutes", 0.9)], "refuted"),
        ([ev("a", "supports", 0.9), ev("b", "refutes", 0.9)], "disputed"),
        ([ev("a", "supports", 0.95), ev("b", "supports", 0.9), ev("c", "refutes", 0.3)], "supported"),
    ],
)
def test_decide(evidence, verdict):
    assert decide("claim", evidence).verdict == verdict


def test_copies_count_once():
    one_source = decide("c", [ev("g1", "supports", 0.6), ev("g1", "supports", 0.6)])
    two_sources = decide("c", [ev("g1", "supports", 0.6), ev("g2", "supports", 0.6)])
    assert "1 independent source" in one_source.explanation
    assert two_sources.confidence > one_source.confidence


def test_explanation_names_sources():
    v = decide("c", [ev("a", "supports", 0.9, "The Daily Planet"), ev("b", "refutes", 0.2, "Gazette")])
    assert "The Daily Planet" in v.explanation


def test_to_dict_contract():
    v = decide("c", [ev("a", "supports", 0.9)])
    d = v.to_dict()
    assert set(d) == {"claim", "verdict", "confidence", "explanation", "evidence"}
    assert {"article", "outlet", "text", "start", "end", "stance", "score", "source_chain"} <= set(d["evidence"][0])


def neutral_probs():
    return {"entailment": 0.6, "neutral": 0.3, "contradiction": 0.1}


def test_allegation_does_not_support():
    notes = []
    p = apply_checks("Putin has cancer", "Putin underwent treatment for an alleged cancer diagnosis", neutral_probs(),
                     notes)
    assert p["entailment"] < p["neutral"] and notes


def test_number_conflict_refutes():
    notes = []
    p = apply_checks("Russia lost 15,000 troops in the war",
                     "Russia has lost a total of 199,460 troops in the war", neutral_probs(), notes)
    assert p["contradiction"] > p["entailment"] and "numbers differ" in notes


def test_options_are_frozen():
    with pytest.raises(AttributeError):
        CheckOptions().rerank_top = 3
