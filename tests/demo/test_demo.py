from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from wiretrace.demo import DemoResult, expected, run_demo
from wiretrace.demo.make_warc import write_warc


@pytest.fixture(scope="module")
def demo() -> DemoResult:
    return run_demo()


def demo_texts(tmp_path_factory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_demo(str(db))
    from wiretrace.store import open_store

    store = open_store(str(db))
    try:
        paths = {a["path"]: a["id"] for a in result.articles}
        return {key: store.get_article(paths[spec["source"]]).text for key, spec in expected()["articles"].items()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> dict[str, str]:
    return demo_texts(tmp_path_factory)


def test_every_article_is_ingested_with_its_metadata(demo):
    spec = expected()["articles"]
    assert demo.report.failed == [] and len(demo.articles) == len(spec) == 11
    by_path = {a["path"]: a for a in demo.articles}
    for key, want in spec.items():
        got = by_path[want["source"]]
        assert (got["format"], got["outlet"], got["published"], got["title"]) == (
            want["format"], want["outlet"], want["published"], want["title"]), key
        assert 200 <= got["words"] <= 500, key


def test_every_format_and_enough_outlets(demo):
    assert set(demo.counts("format")) == {"text", "html", "jsonl", "warc", "rss"}
    main_story = expected()["stories"]["carrowby-blast"]
    outlets = {expected()["articles"][k]["outlet"] for k in main_story}
    assert 6 <= len(main_story) <= 10 and 6 <= len(outlets) <= 10


def test_planted_sentences_are_in_the_clean_text(texts):
    def check(article: str, sentence: str) -> None:
        assert sentence in texts[article], (article, sentence)

    for item in expected()["distortions"]:
        for key in ("attributions", "values", "points"):
            for entry in item.get(key, []):
                check(entry["article"], entry["sentence"])
        for key in ("claim", "contradicted_by", "hedged", "unhedged", "unattributed_repeat"):
            if key in item:
                check(item[key]["article"], item[key]["sentence"])
        if item["kind"] == "attribution_chain":
            check(item["article"], item["sentence"])
            check(item["source_article"], item["source_sentence"])


def test_planted_distortions_are_what_they_say(texts):
    items = {item["kind"]: item for item in expected()["distortions"]}
    assert set(items) == {"quote_speaker", "number_changed", "contradiction", "hedge_dropped", "attribution_chain",
                          "time_series", "unrelated_story"}
    quote = items["quote_speaker"]
    assert len({a["speaker"] for a in quote["attributions"]}) == 2
    assert all(quote["quote"] in a["sentence"] for a in quote["attributions"])
    values = items["number_changed"]["values"]
    assert values[0]["value"] != values[1]["value"] and all(v["text"] in v["sentence"] for v in values)
    hedge = items["hedge_dropped"]
    assert hedge["hedge"] in hedge["hedged"]["sentence"].split() and hedge["hedge"] not in hedge["unhedged"]["sentence"]
    series = items["time_series"]["points"]
    assert series[0]["as_of"] < series[1]["as_of"] and series[0]["value"] != series[1]["value"]


def test_copies_are_near_verbatim_but_distinct(texts):
    group = expected()["copy_groups"][0]
    original = set(re.findall(r"\w+", texts[group["original"]].lower()))
    for copy in group["copies"]:
        assert texts[copy] != texts[group["original"]]
        words = set(re.findall(r"\w+", texts[copy].lower()))
        assert len(words & original) / len(words | original) > 0.85


def test_no_boilerplate_in_demo_texts(texts):
    for text in texts.values():
        for junk in ("Comments are closed", "Share this article", "Advertisement", "cookies", "Most read",
                     "Original url", "Photo:", "Smoke rises over", "@Brightwater", "Tags", "Sign up"):
            assert junk not in text


def test_demo_text_and_json(demo):
    text = demo.to_text()
    assert "11 ingested, 0 unchanged, 0 failed" in text and "By outlet:" in text and "Northgate Herald" in text
    data = json.loads(json.dumps(demo.to_dict()))
    assert data["by_format"] == {"html": 2, "jsonl": 2, "rss": 2, "text": 3, "warc": 2}
    assert {p["kind"] for p in data["planted"]} >= {"quote_speaker", "contradiction"}
    for key in ("stories", "copies", "claims"):
        assert key in data


def test_keep_store_and_rerun_is_unchanged(tmp_path):
    db = str(tmp_path / "kept.db")
    first = run_demo(db)
    second = run_demo(db)
    assert first.db == db and Path(db).exists()
    assert second.report.ingested == [] and sorted(second.report.unchanged) == sorted(first.report.ingested)


def test_warc_generator_is_reproducible(tmp_path):
    target = tmp_path / "crawl.warc.gz"
    write_warc(target)
    committed = resources.files("wiretrace.demo").joinpath("corpus", "warc", "crawl.warc.gz").read_bytes()
    assert target.read_bytes() == committed


def test_cli_demo_end_to_end(tmp_path):
    result = subprocess.run([sys.executable, "-m", "wiretrace.cli", "demo", "--json"], capture_output=True,
                            timeout=300, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 11


# The demo's printed checks, against what its corpus plants: the evacuation figure differs between outlets
# (number_changed), the valve cause is told by several outlets, and the ferry was approved, not cancelled.
DEMO_VERDICTS = {
    "About 1,200 residents were evacuated after the Carrowby blast": ("disputed", {"supports", "refutes"}),
    "The Carrowby blast was caused by a faulty pressure valve": ("supported", {"supports"}),
    "The Skarra Island ferry was cancelled": ("refuted", {"refutes"}),
}


def test_demo_checks_give_the_planted_verdicts_with_evidence(demo):
    from wiretrace.demo import DEMO_CLAIMS

    assert set(DEMO_CLAIMS) == set(DEMO_VERDICTS)
    for check in demo.checks:
        verdict, stances = DEMO_VERDICTS[check["claim"]]
        assert check["verdict"] == verdict, check["claim"]
        assert stances <= {e["stance"] for e in check["evidence"]}, check["claim"]
        assert all(e["text"] and e["outlet"] for e in check["evidence"])
    supported = next(c for c in demo.checks if c["verdict"] == "supported")
    assert len({e["outlet"] for e in supported["evidence"] if e["stance"] == "supports"}) >= 2
