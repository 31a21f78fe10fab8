"""Detail-by-detail comparison: each changed detail found, typed, with both spans; paraphrases left alone."""

from __future__ import annotations

import pytest

from wiretrace.crosscheck import details, lexicon


def findings(claim: str, source: str, invented=("entity", "number", "qualifier")):  # noqa: ANN001, ANN201
    parsed_claim, parsed_source = details.read([claim, source])
    return details.compare(parsed_claim, [parsed_source], invented=invented)


@pytest.mark.parametrize(("claim", "source", "kind", "claim_text", "source_text"), [
    ("Putin signed an official decree banning resignations",
     "While Putin's decree was unofficial, Kremlin officials who tried to leave were threatened.",
     "qualifier", "official", "unofficial"),
    ("Boris Bondarev praised the invasion", "Boris Bondarev, Russia's top diplomat, denounced the war on Wednesday.",
     "antonym", "praised", "denounced"),
    ("The bridge collapsed on Tuesday.", "The bridge collapsed on Monday.", "date", "Tuesday", "Monday"),
    ("The bridge collapsed.", "The bridge nearly collapsed in the storm.", "qualifier", "collapsed", "collapsed"),
    ("Sales rose by 12%.", "Sales rose by 15%.", "number", "12%", "15%"),
    ("Ann asks Tom to buy butter.", "Ann asked Mike to buy some butter.", "entity", "Tom", "Mike"),
    ("The minister did not sign the treaty.", "The minister signed the treaty in Rome.", "negation", "sign", "signed"),
    ("The officer was jailed.", "The officer was fired last week.", "qualifier", "jailed", "fired"),
    ("The tram line was cancelled.", "The city council backed the tram line on Friday.", "antonym", "cancelled",
     "backed"),
    # another person doing the same deed, even where the article names both people
    ("Boris Bondarev requested the immediate pullout of Russian soldiers",
     "Leonid Vasyukevich, a 69-year-old Communist lawmaker, requested the immediate pullout of Russian soldiers.",
     "actor", "Boris Bondarev", "Leonid Vasyukevich"),
    ("Ryan called Biden's remarks malarkey.", "Biden called Ryan's remarks malarkey.", "actor", "Ryan", "Biden"),
    ("The crew survived the crash.", "The crew died in the crash, officials said.", "antonym", "survived", "died"),
])
def test_changed_detail_is_found_with_both_spans(claim, source, kind, claim_text, source_text):
    found = [f for f in findings(claim, source) if f.type == kind]
    assert found, findings(claim, source)
    f = found[0]
    assert claim[f.claim.start:f.claim.end] == f.claim.text == claim_text
    assert f.source is not None and source[f.source.start:f.source.end] == f.source.text == source_text
    assert f.reason


@pytest.mark.parametrize(("claim", "source"), [
    ("Putin signed the decree.", "Russian President Vladimir Putin signed the decree on Friday."),
    ("Leonid Vasyukevich requested the pullout of troops.", "Leonid Vasyukevich requested an immediate pullout."),
])
def test_the_same_actor_by_another_name_is_no_swap(claim, source):
    assert not [f for f in findings(claim, source) if f.type == "actor"]


def test_dropped_hedge_is_found():
    found = findings("Putin banned resignations.", "Putin reportedly banned resignations.")
    assert [f.type for f in found] == ["hedge"]
    assert found[0].source.text == "reportedly"


def test_paraphrase_with_every_detail_has_no_conflict():
    found = findings("Leonid Vasyukevich demanded the withdrawal of Russian troops",
                     "Leonid Vasyukevich, a 69-year-old Communist lawmaker, requested the immediate pullout of"
                     " Russian soldiers from the nation, Express reported.")
    assert found == []


def test_invented_name_and_qualifier_have_no_source_span():
    found = findings("Officials in Paris confirmed the official ban.", "Officials announced a ban on resignations.")
    invented = {(f.detail, f.claim.text) for f in found if f.type == "invented"}
    assert ("entity", "Paris") in invented and ("qualifier", "official") in invented
    assert all(f.source is None and f.source_index == -1 for f in found if f.type == "invented")


def test_a_noun_does_not_state_the_qualifier():
    # "officials" (people) neither states nor contradicts "official" (a decree's status)
    found = findings("Putin signed an official decree.", "Putin's decree angered Kremlin officials.")
    assert [(f.type, f.detail) for f in found] == [("invented", "qualifier")]


def test_lexicon_opposites_are_symmetric():
    assert "unofficial" in lexicon.opposites("official") and "official" in lexicon.opposites("unofficial")
    assert "denounce" in lexicon.opposites("praise")
    for word in ("praise", "official", "fired", "increase"):
        assert all(word in lexicon.opposites(other) for other in lexicon.opposites(word))


def test_compare_texts_on_plain_strings():
    found = details.compare_texts("Sales fell 5% on Monday.", ["Sales rose 5% on Monday."])
    assert [(f.type, f.claim.text, f.source.text) for f in found] == [("antonym", "fell", "rose")]
