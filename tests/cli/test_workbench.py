"""The workbench commands: every list format, check --file, ClaimReview, review prefixes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from wiretrace.cli import main

LISTS = {"articles": "id", "stories": "id", "copies": "group", "claims": "id", "reviews": "key"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", sorted(LISTS))
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_every_list_command_writes_every_format(seeds_store, capsys, command, fmt):
    code, out, err = run(capsys, "--db", seeds_store.url, command, "--format", fmt)
    assert code == 0, err
    as_json = json.loads(run(capsys, "--db", seeds_store.url, command, "--json")[1])
    if fmt == "json":
        assert json.loads(out) == as_json
    elif fmt == "jsonl":
        assert [json.loads(line) for line in out.splitlines()] == as_json
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert LISTS[command] in (out.splitlines()[0].split(","))
        if command == "copies":
            assert len(rows) == sum(len(g["members"]) for g in as_json)
        else:
            assert [r[LISTS[command]] for r in rows] == [str(r[LISTS[command]]) for r in as_json]
    elif as_json:
        shown = {"claims": "article"}.get(command, LISTS[command])  # the claims table leads with the article
        assert all(str(r[shown]) in out for r in as_json)
    else:
        assert out.startswith("0 ")


def _claims_file(tmp_path) -> str:
    path = tmp_path / "claims.txt"
    path.write_text("# a comment line\nPutin banned Kremlin officials from resigning\n\n"
                    "Russian soldiers refused to join the war\n", encoding="utf-8")
    return str(path)


def test_check_file_checks_one_claim_a_line(seeds_store, tmp_path, capsys):
    claims = _claims_file(tmp_path)
    code, out, err = run(capsys, "--db", seeds_store.url, "check", "--file", claims, "--format", "jsonl")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["claim"] for r in records] == ["Putin banned Kremlin officials from resigning",
                                             "Russian soldiers refused to join the war"]
    assert all(len(r["key"]) == 16 and r["review"] is None for r in records)
    code, out, _ = run(capsys, "--db", seeds_store.url, "check", "--file", claims, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["verdict"] for r in rows] == [r["verdict"] for r in records]
    code, out, _ = run(capsys, "--db", seeds_store.url, "check", "--file", claims, "--format", "table")
    assert all(r["key"] in out for r in records)


@pytest.mark.parametrize("argv", [[], ["a claim", "--file", "x.txt"]])
def test_check_needs_one_claim_or_a_file(seeds_store, capsys, argv):
    code, _, err = run(capsys, "--db", seeds_store.url, "check", *argv)
    assert code == 2 and "--file" in err


def test_check_file_that_holds_no_claim_is_a_usage_error(seeds_store, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", seeds_store.url, "check", "--file", str(empty))
    assert code == 2 and "no claims" in err


def test_claimreview_has_the_schema_org_properties(seeds_store, capsys):
    claim = "Putin banned Kremlin officials from resigning"
    code, out, err = run(capsys, "--db", seeds_store.url, "check", claim, "--format", "claimreview", "--org", "Desk")
    assert code == 0, err
    review = json.loads(out)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim
    verdict = json.loads(run(capsys, "--db", seeds_store.url, "check", claim, "--json")[1])
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": verdict["verdict"],
                                      "ratingExplanation": verdict["explanation"]}
    assert review["author"] == {"@type": "Organization", "name": "Desk"}
    assert review["datePublished"][:4].isdigit() and len(review["datePublished"]) == 10
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    urls = {a.id: a.url for a in seeds_store.list_articles()}
    expected = list(dict.fromkeys(urls[e["article"]] for e in verdict["evidence"]
                                  if e["stance"] != "neutral" and urls[e["article"]]))
    assert [a["url"] for a in item["appearance"]] == expected
    assert all(a["@type"] == "CreativeWork" for a in item["appearance"])


def test_claimreview_author_defaults_to_the_setting(seeds_store, tmp_path, capsys):
    config = tmp_path / "wt.toml"
    config.write_text('organization = "Standards Desk"\n', encoding="utf-8")
    code, out, err = run(capsys, "--db", seeds_store.url, "--config", str(config), "check", "Putin banned resigning",
                         "--format", "claimreview")
    assert code == 0, err
    assert json.loads(out)["author"]["name"] == "Standards Desk"


def test_review_prefix_ambiguous_lists_candidates_and_unknown_key_fails(tmp_path, capsys):
    from wiretrace.store import open_store

    db = str(tmp_path / "k.db")
    with open_store(db) as store:
        store.put_findings([("ab01" + "0" * 12, "discrepancy", {}), ("ab02" + "0" * 12, "discrepancy", {})])
    code, _, err = run(capsys, "--db", db, "review", "ab", "--confirm")
    assert code == 1 and "ab01" in err and "ab02" in err
    code, _, err = run(capsys, "--db", db, "review", "ff", "--dismiss")
    assert code == 1 and "no finding" in err
    code, out, _ = run(capsys, "--db", db, "review", "ab02", "--dismiss", "--note", "n", "--by", "me", "--json")
    assert code == 0 and json.loads(out)["key"] == "ab02" + "0" * 12
    with pytest.raises(SystemExit) as stop:
        main(["--db", db, "review", "ab01"])
    assert stop.value.code == 2 and "--confirm" in capsys.readouterr().err
