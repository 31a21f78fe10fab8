"""Provenance graph from small literal claim groups: node kinds, ids, edges and primary sources."""

from __future__ import annotations

import pytest

from wiretrace.crosscheck.independence import normal_name
from wiretrace.crosscheck.mentions import ClaimGroup, Mention
from wiretrace.crosscheck.provenance import described_outlets, node_id, node_kind, trace_provenance
from wiretrace.models import Article, Claim


def _mention(n: int, outlet: str, kind: str, attribution: tuple[str, ...]) -> Mention:
    article = Article(id=f"a{n}", text="x" * 40, outlet=outlet)
    claim = Claim(id=f"c{n}", article=article.id, kind=kind, text="Officials resigned.", start=0, end=19,
                  attribution=attribution)
    return Mention(claim=claim, article=article, outlet=outlet, source=f"s{n}")


def test_node_kind_by_wording():
    outlets = {"Harbour Times"}
    assert node_kind("Harbour Times", outlets) == "outlet"
    assert node_kind("Reuters", set()) == "outlet"
    assert node_kind("a leaked memo", set()) == "document"
    assert node_kind("the Ministry of Defence", set()) == "agency"
    assert node_kind("Mira Voss", set()) == "person"


def test_node_id_uses_the_normal_name():
    assert normal_name("the independent publication iStories") == "iStories"
    assert normal_name("Reuters's") == "Reuters"
    assert node_id("The Moscow Times") == "moscow-times"
    assert node_id("independent outlet iStories") == node_id("iStories") == "istories"
    assert node_id("!!!") == "unknown"


def test_chain_edges_kinds_and_primary():
    quoted = _mention(1, "Harbour Times", "quote", ("Harbour Times", "Reuters", "Mira Voss"))
    relayed = _mention(2, "Kelmar Post", "statement", ("Reuters", "a leaked memo"))
    group = ClaimGroup("g1", "Officials resigned.", "quote", [quoted, relayed], primary_source="Mira Voss")
    graph = trace_provenance([group]).to_dict()
    edges = {(e["from"], e["to"], e["kind"]) for e in graph["edges"]}
    # the repeated outlet at the chain's head is one node, not a self-edge
    assert edges == {("harbour-times", "reuters", "cites"), ("reuters", "mira-voss", "quotes"),
                     ("kelmar-post", "reuters", "cites"), ("reuters", "leaked-memo", "reports")}
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert [n["id"] for n in graph["nodes"]] == sorted(nodes)
    assert nodes["mira-voss"]["primary"] and nodes["mira-voss"]["claims"] == ["g1"]
    assert not nodes["reuters"]["primary"] and nodes["leaked-memo"]["kind"] == "document"
    assert all(e["claims"] == ["g1"] for e in graph["edges"])


def test_a_person_who_is_not_last_in_the_chain_is_cited_not_quoted():
    m = _mention(1, "Harbour Times", "quote", ("Mira Voss", "Council"))
    graph = trace_provenance([ClaimGroup("g1", "t", "quote", [m])]).to_dict()
    kinds = {(e["from"], e["to"]): e["kind"] for e in graph["edges"]}
    assert kinds == {("harbour-times", "mira-voss"): "cites", ("mira-voss", "council"): "cites"}
    assert not any(n["primary"] for n in graph["nodes"])


def test_no_groups_no_graph():
    assert trace_provenance([]).to_dict() == {"nodes": [], "edges": []}


@pytest.mark.parametrize(("label", "kind"), [
    ("Associated Press", "outlet"), ("Le Monde", "outlet"), ("the Zorvian Gazette", "outlet"),  # listed; a word
    ("the Pentagon", "agency"), ("Bundestag", "agency"), ("the interior ministry", "agency"),
    ("ZNSB", "agency"),  # an unlisted body named by its initials
    ("a leaked memo", "document"), ("Mira Voss", "person"),
])
def test_node_kinds_come_from_broad_lists_not_story_words(label, kind):
    assert node_kind(label, set()) == kind


def test_an_outlet_the_story_describes_as_one_is_an_outlet():
    texts = ["Officials were barred from resigning, the independent publication Zorbly reported, citing sources.",
             "Ivo Marr told the newspaper the ban was informal."]
    assert described_outlets({"Zorbly", "Ivo Marr"}, texts) == {"Zorbly"}
    m = _mention(1, "Harbour Times", "statement", ("Zorbly",))
    m.claim.text = texts[0]
    graph = trace_provenance([ClaimGroup("g1", "t", "statement", [m])]).to_dict()
    assert {n["id"]: n["kind"] for n in graph["nodes"]}["zorbly"] == "outlet"


def test_a_description_is_found_wherever_the_name_stands_in_a_long_text():
    filler = " ".join(["The council met again on Tuesday."] * 40)
    texts = [f"Zorbly, a news website, said so. {filler} It was Kestrel Daily that broke it. {filler} "
             f"Ivo Marr spoke. {filler} the publication Tarn Ledger"]
    assert described_outlets({"Zorbly", "Tarn Ledger", "Ivo Marr", "Kestrel Daily"}, texts) == {"Zorbly", "Tarn Ledger"}
