"""Vetting candidate discrepancies: each false-positive class of issue #18 on small made-up sentences."""

from __future__ import annotations

import dataclasses

import pytest

from wiretrace.crosscheck.discrepancies import pair_discrepancies
from wiretrace.crosscheck.mentions import Discrepancy, Mention
from wiretrace.crosscheck.options import AlignOptions, VetOptions
from wiretrace.crosscheck.reading import restated
from wiretrace.crosscheck.vetting import vet, vet_discrepancies
from wiretrace.models import Article, Claim

OPTIONS = VetOptions()


def mention(text: str, outlet: str, kind: str = "statement", speaker: str | None = None,
            hedges: tuple[str, ...] = (), stance: str = "agree") -> Mention:
    article = Article(id=f"a-{outlet}", text=text, outlet=outlet, published="2024-03-05")
    claim = Claim(id=f"c-{outlet}", article=article.id, kind=kind, text=text, start=0, end=len(text),
                  speaker=speaker, hedges=list(hedges))
    return Mention(claim=claim, article=article, outlet=outlet, source=outlet, stance=stance)


def figure(sentence: str, number: str, value: float, outlet: str, qualifier: str | None = None,
           unit: str | None = None) -> Mention:
    """A figure mention: `number` is its text inside `sentence`."""
    start = sentence.index(number)
    article = Article(id=f"a-{outlet}", text=sentence, outlet=outlet, published="2024-03-05")
    claim = Claim(id=f"c-{outlet}", article=article.id, kind="figure", text=number, start=start,
                  end=start + len(number), value=value, qualifier=qualifier, unit=unit, sentence_start=0,
                  sentence_end=len(sentence))
    return Mention(claim=claim, article=article, outlet=outlet, source=outlet)


def vetted(kind: str, a: Mention, b: Mention) -> Discrepancy | None:
    return vet(Discrepancy(kind, "g1", [a, b], "detail"), OPTIONS)


# -- numbers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("first", "second"), [
    (("The fund raised more than $1 million for the shelter.", "more than $1 million", 1e6, "more than"),
     ("The fund raised $1.1 million for the shelter.", "$1.1 million", 1.1e6, None)),
    (("The mayor met 12 residents at the library.", "12", 12, None),
     ("The mayor met a dozen residents at the library, 13 by one count.", "13", 13, None)),
    (("The ferry crossing now takes 90-plus minutes each way.", "90", 90, None),
     ("The ferry crossing now takes 95 minutes each way.", "95", 95, None)),
])
def test_compatible_numbers_are_no_discrepancy(first, second):
    a = figure(*first[:3], "x", qualifier=first[3])
    b = figure(*second[:3], "y", qualifier=second[3])
    assert vetted("number", a, b) is None


def test_a_dozen_in_the_other_sentence_is_twelve():
    a = figure("Twelve inspectors, 12 in all, visited the plant on Monday.", "12", 12, "x")
    b = figure("A dozen inspectors visited the plant on Monday, officials said, 14 counting staff.", "14", 14, "y")
    assert vetted("number", a, b) is None  # "a dozen" in b is 12


def test_different_quantities_of_one_unit_are_no_discrepancy():
    a = figure("The drive to the coast takes 90 minutes.", "90", 90, "x", unit="minute")
    b = figure("Council members debated the budget for 30 minutes.", "30", 30, "y", unit="minute")
    assert vetted("number", a, b) is None


def test_same_quantity_changed_passes_with_its_reason():
    a = figure("Floods forced 1,200 families from their homes in the valley.", "1,200", 1200, "x")
    b = figure("Floods forced 2,100 families from their homes in the valley.", "2,100", 2100, "y")
    found = vetted("number", a, b)
    # it passes the rule, so it gets the train precision of number candidates that did (a lead today)
    assert found and found.confidence == OPTIONS.confidence_of("number", strict=True)
    assert "1,200" in found.reason and "2,100" in found.reason and found.id.startswith("d")


def with_subject(m: Mention, unit: str, subject: str) -> Mention:
    m.claim.unit, m.claim.subject = unit, subject
    return m


def test_the_counted_event_tells_quantities_apart():
    employs = with_subject(figure("The plant, which employs around 340 people, makes fertiliser.", "340", 340, "x"),
                           "people", "people employ")
    evacuated = with_subject(figure("Around 2,100 people were evacuated on Tuesday, the plant said.", "2,100", 2100,
                                    "y"), "people", "people evacuate")
    assert vetted("number", employs, evacuated) is None
    # the same event, once a verb and once a noun by the figure: one quantity, however different the sentences
    nominal = with_subject(figure("An explosion forced the evacuation of about 1,200 people.", "1,200", 1200, "z"),
                           "people", "people")
    found = vetted("number", nominal, evacuated)
    assert found and found.confidence == OPTIONS.confidence_of("number", strict=True)


def test_two_reports_of_one_outlet_are_at_most_a_lead():
    a = mention("We will reopen the bridge before the winter storms arrive.", "x", "quote", "Mayor Lena Ortiz")
    b = mention("We will reopen the bridge before the winter storms arrive.", "x", "quote", "Governor Paul Reyes")
    b = dataclasses.replace(b, article=dataclasses.replace(b.article, id="a-x2"))
    found = vetted("speaker", a, b)
    assert found and found.confidence == OPTIONS.confidence_of("speaker", strict=False)


def test_plus_is_kept_in_the_reason():
    a = figure("She has taught at the school for 15-plus years, parents said.", "15", 15, "x")
    b = figure("She has taught at the school for 4 years, parents said.", "4", 4, "y")
    found = vetted("number", a, b)
    assert found and "15-plus" in found.reason


# -- speakers ----------------------------------------------------------------------------------------
def test_same_quote_two_speakers_is_a_speaker_discrepancy():
    a = mention("We will reopen the bridge before the winter storms arrive.", "x", "quote", "Mayor Lena Ortiz")
    b = mention("We will reopen the bridge before the winter storms arrive.", "y", "quote", "Governor Paul Reyes")
    found = vetted("speaker", a, b)
    assert found and found.confidence >= OPTIONS.list_confidence and "Ortiz" in found.reason


@pytest.mark.parametrize(("speaker_a", "speaker_b", "text_b"), [
    ("Mayor Lena Ortiz", "Governor Paul Reyes", "The storms will not delay the budget vote."),  # other words
    ("Mayor Lena Ortiz", "Sunday", "We will reopen the bridge before the winter storms arrive."),  # no one
    ("Trump", "the presumptive Republican nominee", "We will reopen the bridge before the winter storms arrive."),
])
def test_speaker_candidates_that_do_not_stand(speaker_a, speaker_b, text_b):
    a = mention("We will reopen the bridge before the winter storms arrive.", "x", "quote", speaker_a)
    b = mention(text_b, "y", "quote", speaker_b)
    assert vetted("speaker", a, b) is None


def test_a_shared_word_is_not_the_same_quote():
    a = mention("I need you tomorrow.", "x", "quote", "Hillary Clinton")
    b = mention("You have to go out and vote tomorrow.", "y", "quote", "Donald Trump")
    found = vetted("speaker", a, b)
    assert found is None or found.confidence < OPTIONS.list_confidence


def test_a_speaker_read_out_of_the_quote_is_no_speaker():
    a = mention("If she gets to pick her judges, nothing you can do, folks.", "x", "quote", "Trump")
    b = mention("If she gets to pick her judges, nothing you can do folks.", "y", "quote", "nothing")
    assert vetted("speaker", a, b) is None


def test_two_polls_are_no_speaker_swap():
    a = mention("A Gallup poll found most residents back the tram line.", "x", speaker="A Gallup poll")
    b = mention("A Marist survey found voters split on the stadium tax.", "y", speaker="A Marist survey")
    assert vetted("speaker", a, b) is None


# -- hedges ------------------------------------------------------------------------------------------
def test_dropped_reportedly_on_the_same_claim_is_listed():
    a = mention("The minister reportedly signed the export ban on Friday.", "x", hedges=("reportedly",))
    b = mention("The minister signed the export ban on Friday.", "y")
    found = vetted("hedge", a, b)
    assert found and "reportedly" in found.reason


@pytest.mark.parametrize(("text_a", "hedges"), [
    ("Among likely voters the senator leads by four points.", ("likely",)),  # "likely voters" is no hedge
    ("The minister probably signed the export ban on Friday.", ("probably",)),
])
def test_hedges_that_do_not_count(text_a, hedges):
    a = mention(text_a, "x", hedges=hedges)
    b = mention("The minister signed the export ban on Friday.", "y")
    assert vetted("hedge", a, b) is None


def test_hedge_on_another_claim_is_no_dropped_hedge():
    a = mention("The coach allegedly shouted at referees, fans said after the derby.", "x", hedges=("allegedly",))
    b = mention("The club announced a new stadium sponsor for next season.", "y")
    assert vetted("hedge", a, b) is None


# -- dates -------------------------------------------------------------------------------------------
def test_weekdays_of_two_events_are_no_date_conflict():
    a = mention("The council voted on Tuesday to close the pool.", "x")
    b = mention("Protesters gathered outside the courthouse on Friday.", "y")
    assert pair_discrepancies(a, b) and vetted("date", a, b) is None


def test_same_event_on_another_day_is_a_date_discrepancy():
    a = mention("The council voted on Tuesday to close the public pool for repairs.", "x")
    b = mention("The council voted on Thursday to close the public pool for repairs.", "y")
    found = vetted("date", a, b)
    assert found and "tuesday" in found.reason and "thursday" in found.reason


def test_a_date_with_and_without_its_year_is_one_date():
    a = mention("Flights resumed after the March 3, 2021 outage at the airport.", "x")
    b = mention("Flights resumed after the March 3 outage at the airport.", "y")
    assert vetted("date", a, b) is None


# -- facts -------------------------------------------------------------------------------------------
def test_two_translations_of_one_quote_are_no_contradiction():
    a = mention("I know of three cases where mayors tried to quit and were told to stay.", "x", "quote", "an aide")
    b = mention("I am aware of three cases when mayors tried to quit but were ordered to stay.", "y", "quote",
                "an aide", stance="contradict")
    assert vetted("fact", a, b) is None
    assert restated(a, b, AlignOptions())


def test_a_real_contradiction_is_a_lead_not_listed():
    a = mention("The senator finished second in the state caucus.", "x")
    b = mention("She finished third in the caucus, behind two rivals.", "y", stance="contradict")
    found = vetted("fact", a, b)
    assert found and OPTIONS.lead_confidence <= found.confidence < OPTIONS.list_confidence


def test_listed_and_leads_sorted_by_confidence():
    same = mention("We will reopen the bridge before the winter storms arrive.", "x", "quote", "Mayor Lena Ortiz")
    other = mention("We will reopen the bridge before the winter storms arrive.", "y", "quote", "Governor Paul Reyes")
    fact_a = mention("The senator finished second in the state caucus.", "x")
    fact_b = mention("She finished third in the caucus, behind two rivals.", "y", stance="contradict")
    listed, leads = vet_discrepancies([Discrepancy("fact", "g2", [fact_a, fact_b], ""),
                                       Discrepancy("speaker", "g1", [same, other], "")])
    assert [d.type for d in listed] == ["speaker"] and [d.type for d in leads] == ["fact"]
    assert listed[0].to_dict()["confidence"] >= leads[0].to_dict()["confidence"]
