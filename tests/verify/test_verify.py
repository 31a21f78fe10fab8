import pytest

from wiretrace.errors import UsageError
from wiretrace.models import SentenceHit
from wiretrace.verify import (
    MAX_CLAIM_CHARS,
    CheckOptions,
    Evidence,
    apply_checks,
    decide,
    query_terms,
    validate_claim,
)
from wiretrace.verify.judge import stance_of
from wiretrace.verify.retrieve import fuse


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
    assert set(d) == {"key", "claim", "verdict", "confidence", "explanation", "evidence", "warnings"}
    assert d["warnings"] == []
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


def hit(article, start, text="Putin banned officials from resigning"):
    return SentenceHit(article, start, start + len(text), text, 0.0)


def test_fusion_ranks_a_sentence_found_by_both_searches_first():
    both = hit("b", 0)
    fused = fuse("Putin banned resigning", [hit("a", 0), both], [[both, hit("c", 5)]], CheckOptions())
    assert fused[0] == both and len(fused) == 3


def test_fusion_keeps_dense_sentences_sharing_a_word_and_at_most_rerank_candidates():
    unrelated = hit("d", 0, "The weather was mild in Lisbon")
    fused = fuse("Putin banned resigning", [hit("a", i) for i in range(5)], [[unrelated]],
                 CheckOptions(rerank_candidates=3))
    assert unrelated not in fused and len(fused) == 3


def test_rrf_constant_is_used():
    # rank 1 in both lists scores 2 / (k + 1) against 1 / k for rank 0 in one: ahead only when k > 1.
    first, second = hit("a", 0), hit("b", 0)
    bm25, dense = [first, second], [[hit("c", 0)], [second]]
    assert fuse("Putin banned", bm25, dense, CheckOptions(rrf_k=60))[0] == second
    assert fuse("Putin banned", bm25, dense, CheckOptions(rrf_k=1))[0] == first  # a tie, broken by article id


def test_query_terms_take_the_longest_content_words():
    assert query_terms("Putin banned Kremlin officials from resigning", 2) == ["kremlin", "official"]


@pytest.mark.parametrize(
    ("p", "stance"),
    [
        ({"entailment": 0.35, "neutral": 0.4, "contradiction": 0.25}, "supports"),
        ({"entailment": 0.25, "neutral": 0.4, "contradiction": 0.35}, "refutes"),
        ({"entailment": 0.2, "neutral": 0.6, "contradiction": 0.2}, "neutral"),
    ],
)
def test_stance_of(p, stance):
    assert stance_of(p, CheckOptions().stance_threshold)[0] == stance


def test_dispute_options_are_used():
    evidence = [ev("a", "supports", 0.9), ev("b", "refutes", 0.5)]
    assert decide("c", list(evidence)).verdict == "disputed"
    assert decide("c", list(evidence), CheckOptions(dispute_ratio=0.8)).verdict == "supported"


def test_check_options_are_used_by_apply_checks():
    claim, sentence = "Russia lost 15,000 troops in the war", "Russia has lost a total of 199,460 troops in the war"
    p = apply_checks(claim, sentence, neutral_probs(), [], CheckOptions(number_conflict_contradiction=0.9))
    assert p["contradiction"] > apply_checks(claim, sentence, neutral_probs(), [])["contradiction"]


def retold(article, outlet, stance, score, *chain):  # noqa: ANN001, ANN201
    item = ev(article, stance, score, outlet)
    item.source_chain = [outlet, *chain]
    return item


def test_outlets_retelling_one_named_source_count_once():
    from wiretrace.verify.verdict import merge_primaries

    evidence = [retold("a1", "The Moscow Times", "refutes", 0.8, "iStories", "a source close to the Kremlin"),
                retold("a2", "Daily Wire", "refutes", 0.7, "independent Russian publication iStories", "four sources")]
    merge_primaries(evidence)
    verdict = decide("c", evidence)
    assert "1 independent source" in verdict.explanation
    assert "iStories, as told by Daily Wire, The Moscow Times" in verdict.explanation


def test_a_retold_outlet_joins_its_own_article_and_unnamed_sources_stay_apart():
    from wiretrace.verify.verdict import merge_primaries

    evidence = [retold("h", "Northgate Herald", "supports", 0.8, "two plant workers"),
                retold("o", "The Tamsel Observer", "supports", 0.7, "the Northgate Herald", "two plant workers"),
                retold("x", "Valley Post", "supports", 0.6, "the source"),
                retold("y", "Lisseran Daily", "supports", 0.6, "another Russian insider"),
                retold("z", "Zeta News", "supports", 0.6, "Moscow")]
    evidence.append(retold("m", "The Moscow Times", "supports", 0.6))
    merge_primaries(evidence)
    sources = {e.article: e.source for e in evidence}
    assert sources["o"] == sources["h"] == "h"
    assert len({sources[a] for a in "xyzm"}) == 4  # "Moscow" is not The Moscow Times


def test_an_article_counts_for_the_source_of_its_strongest_sentence_only():
    from wiretrace.verify.verdict import merge_primaries

    evidence = [retold("a1", "Outlet One", "supports", 0.9),
                retold("a1", "Outlet One", "refutes", 0.4, "iStories"),
                retold("a2", "Outlet Two", "refutes", 0.5, "iStories")]
    merge_primaries(evidence)
    assert {e.source for e in evidence} == {"a1", "a2"}  # a1 is not split; a2 alone retells iStories
