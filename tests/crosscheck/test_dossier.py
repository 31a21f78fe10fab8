"""Cross-check on real data: every planted distortion of the demo, and the seeds' known facts."""

from __future__ import annotations

import json

import pytest
from conftest import seed_article_id

from wiretrace.crosscheck.dossier import build_dossier, resolve_date
from wiretrace.demo import expected, run_demo
from wiretrace.errors import NotFound, UsageError
from wiretrace.report import render, to_html
from wiretrace.store import open_store
from wiretrace.stories import find_story


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo store, the article id of every expected key, and the main story's dossier."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = run_demo(db)
    by_path = {a["path"]: a["id"] for a in result.articles}
    ids = {key: by_path[spec["source"]] for key, spec in expected()["articles"].items()}
    store = open_store(db)
    story = next(s for s in store.get_stories() if ids["mpa-wire"] in s.articles)
    dossier = build_dossier(store, story.id).to_dict()
    yield store, ids, dossier
    store.close()


def discrepancies_of(dossier, kind):
    return [d for d in dossier["discrepancies"] if d["type"] == kind]


def copies_of(ids, key):
    """An article and the copies of it (the wire report and its republications count as one)."""
    group = next((g for g in expected()["copy_groups"] if key == g["original"] or key in g["copies"]), None)
    keys = [key] if group is None else [group["original"], *group["copies"]]
    return {ids[k] for k in keys}


def test_quote_given_to_two_speakers_is_a_speaker_discrepancy(demo):
    _, ids, dossier = demo
    found = discrepancies_of(dossier, "speaker")
    assert any(ids["herald"] in d["articles"] and set(d["articles"]) & copies_of(ids, "mpa-wire") for d in found)


def test_changed_number_is_a_number_discrepancy_kept_as_a_lead(demo):
    # Found, with both values in its reason, but a lead: number candidates were rarely real on the labelled
    # train stories (VetOptions.confidence), so even one that passes the same-quantity rule is not listed.
    _, ids, dossier = demo
    found = [d for d in dossier["leads"] if d["type"] == "number"]
    assert any(ids["sentinel"] in d["articles"] and set(d["articles"]) & copies_of(ids, "mpa-wire") for d in found)
    planted = next(d for d in found if ids["sentinel"] in d["articles"] and set(d["articles"]) & copies_of(ids, "mpa-wire"))
    assert "1,200" in planted["reason"] and "2,100" in planted["reason"]
    assert planted["confidence"] < 0.5 and not discrepancies_of(dossier, "number")


def test_dropped_hedge_is_a_hedge_discrepancy(demo):
    _, ids, dossier = demo
    found = discrepancies_of(dossier, "hedge")
    assert any(ids["gazette"] in d["articles"] and "likely" in d["detail"] for d in found)


def test_contradicted_claim_is_flagged(demo):
    _, ids, dossier = demo
    pair = {ids["c9-news"]} | copies_of(ids, "mpa-wire")
    flagged = [d for d in dossier["discrepancies"] if d["type"] == "fact" and ids["c9-news"] in d["articles"]
               and set(d["articles"]) & pair - {ids["c9-news"]}]
    contradicted = [c for c in dossier["claims"] if c["status"] in ("contradicted", "disputed")
                    and ids["c9-news"] in c["articles"]]
    assert flagged or contradicted


def test_attribution_chain_is_in_the_provenance_graph(demo):
    _, _, dossier = demo
    edges = {(e["from"], e["to"]) for e in dossier["provenance"]["edges"]}
    assert ("tamsel-observer", "northgate-herald") in edges
    assert any(src == "northgate-herald" and "worker" in dst for src, dst in edges)


def test_time_series_is_not_a_contradiction(demo):
    _, ids, dossier = demo
    points = expected()["distortions"]
    series = next(p for p in points if p["kind"] == "time_series")
    articles = {ids[p["article"]] for p in series["points"]}
    for d in dossier["discrepancies"]:
        assert not (d["type"] in ("number", "fact") and set(d["articles"]) == articles), d


def test_copies_count_as_one_source(demo):
    _, ids, dossier = demo
    wire = copies_of(ids, "mpa-wire")
    for claim in dossier["claims"]:
        if set(claim["articles"]) <= wire and len(claim["articles"]) > 1:
            assert claim["independent_sources"] == 1, claim


def test_unrelated_story_is_not_in_the_dossier(demo):
    _, ids, dossier = demo
    assert ids["ferry-post"] not in dossier["story"]["articles"]


def test_renderers_escape_and_agree(demo):
    store, _, dossier = demo
    story = dossier["story"]["id"]
    d = build_dossier(store, story)
    assert json.loads(render(d, "json"))["story"]["id"] == story
    assert render(d, "md").startswith("# ")
    html = render(d, "html")
    assert html.startswith("<!doctype html>") and "<script" not in html
    with pytest.raises(UsageError):
        render(d, "pdf")


def test_html_escapes_hostile_text():
    hostile = {
        "story": {"id": "s", "title": "<script>alert(1)</script>", "articles": [], "outlets": ["<b onerror=x>"],
                  "first_seen": None, "last_seen": None},
        "claims": [{"id": "g", "text": "<img src=x onerror=alert(1)>", "status": "single-source",
                    "independent_sources": 1, "independent_of": ['<i onload=x>"'],
                    "mentions": [{"outlet": "<b onerror=x>", "stance": "agree"}]}],
        "discrepancies": [], "provenance": {"nodes": [], "edges": []}, "figures": [], "timeline": [],
    }
    html = to_html(hostile)
    assert "<script>" not in html and "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<i onload" not in html and "&lt;i onload=x&gt;&quot;" in html


def test_unknown_story_is_not_found(demo):
    store, _, _ = demo
    with pytest.raises(NotFound):
        find_story(store, "no-such-story")


@pytest.mark.parametrize(
    ("text", "published", "expected_date"),
    [
        ("The court ruled on Thursday.", "2023-05-15", "2023-05-11"),
        ("The decree was signed on May 2, 2022.", None, "2022-05-02"),
        ("It began in February 2022.", None, "2022-02-01"),
        ("Nothing dated here.", "2023-05-15", None),
    ],
)
def test_resolve_date(text, published, expected_date):
    assert resolve_date(text, published) == expected_date


# -- the seeds ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds(seeds_store):
    ban = seed_article_id(seeds_store, "000")
    story = next(s for s in seeds_store.get_stories() if ban in s.articles)
    return seeds_store, build_dossier(seeds_store, story.id).to_dict()


def test_seed_ban_claim_rests_on_one_source_the_three_retell(seeds):
    """000 and 001 cite iStories; 002 cites the Daily Mail, whose report carries iStories' unnamed quotes."""
    store, dossier = seeds
    wanted = {seed_article_id(store, p) for p in ("000", "001", "002")}
    ban = [c for c in dossier["claims"] if "resign" in c["text"].lower() and set(c["articles"]) >= wanted]
    assert ban, [c["text"] for c in dossier["claims"][:5]]
    assert ban[0]["independent_of"] == ["iStories"] and ban[0]["independent_sources"] == 1
    assert ban[0]["status"] == "single-source"


def test_seed_unnamed_quote_in_three_outlets_counts_once(seeds):
    store, dossier = seeds
    quote = [c for c in dossier["claims"] if "control will be lost" in c["text"] and len(c["articles"]) == 3]
    assert quote and quote[0]["independent_sources"] == 1, [(c["text"], c["independent_of"]) for c in quote]


def test_seed_uk_ministry_claims_keep_their_own_source(seeds):
    _, dossier = seeds
    mod = [c for c in dossier["claims"] if c["text"].startswith("\u201cThe Russian state is likely")]
    assert mod and mod[0]["independent_of"] == ["United Kingdom Ministry of Defense"], mod[:1]


def test_seed_provenance_nodes_are_sources_not_places_or_anaphora(seeds):
    _, dossier = seeds
    labels = {n["label"].lower() for n in dossier["provenance"]["nodes"]}
    assert not labels & {"russia", "moscow", "outlet", "the outlet"}, sorted(labels)


def test_seed_istories_is_primary_source_of_the_ban(seeds):
    store, dossier = seeds
    wanted = {seed_article_id(store, p) for p in ("000", "001", "002")}
    ban = next(c for c in dossier["claims"] if "resign" in c["text"].lower() and set(c["articles"]) >= wanted)
    assert ban["primary_source"] == "iStories"
    assert any(n["label"] == "iStories" and n["primary"] for n in dossier["provenance"]["nodes"])


def test_seed_governors_statement_is_a_speaker_discrepancy(seeds):
    store, dossier = seeds
    radar = seed_article_id(store, "002")
    others = {seed_article_id(store, "000"), seed_article_id(store, "001")}
    found = [d for d in dossier["discrepancies"] if d["type"] == "speaker" and radar in d["articles"]
             and set(d["articles"]) & others]
    assert found and any("two cases" in m["text"] for d in found for m in d["mentions"])


def test_seed_radaronline_chain_through_daily_mail_and_uk_mod(seeds):
    _, dossier = seeds
    edges = {(e["from"], e["to"]) for e in dossier["provenance"]["edges"]}
    assert ("radaronline-com", "daily-mail") in edges
    assert any(src == "radaronline-com" and "ministry-of-defense" in dst for src, dst in edges)


def test_seed_figure_tracker_has_the_troop_losses(seeds):
    _, dossier = seeds
    values = {p["value"] for f in dossier["figures"] for p in f["points"]}
    assert 199460 in values


def test_seed_soldiers_story_is_not_set_against_the_officials_story(seeds):
    store, dossier = seeds
    soldiers = {seed_article_id(store, "003"), seed_article_id(store, "004")}
    assert not soldiers & set(dossier["story"]["articles"])
    for d in dossier["discrepancies"]:
        assert not soldiers & set(d["articles"])
