"""Sourcing and independence on small literal stories: relays, places, anaphora and unnamed quotes."""

from __future__ import annotations

from wiretrace.crosscheck.independence import group_status, independent_sources, primary_source
from wiretrace.crosscheck.mentions import ClaimGroup, Mention
from wiretrace.crosscheck.sourcing import article_relay, read_chain, relay_aliases, settle_sourcing, story_places
from wiretrace.models import Article, Claim, Entity

RELAYING = "Officials were barred from resigning, the independent publication Zorbly reported, citing sources."


def _claim(n: int, article: str, text: str, attribution: list[str], kind: str = "statement",
           speaker: str | None = None, hedges: list[str] | None = None, entities: list[Entity] | None = None) -> Claim:
    return Claim(id=f"c{n}", article=article, kind=kind, text=text, start=0, end=len(text), attribution=attribution,
                 speaker=speaker, hedges=hedges or [], entities=entities or [])


def _story():
    """Two outlets retell Zorbly (one says so twice, one names the Tallow Post), a third has its own source."""
    articles = [Article(id="a1", text=RELAYING + " More text here.", outlet="Kelmar Post"),
                Article(id="a2", text="The Tallow Post, a news website, said officials were barred.", outlet="Harbour Times"),
                Article(id="a3", text="Officials were barred, the ministry said in a statement.", outlet="Brenn Daily")]
    quote = "If everyone leaves, control will be lost."
    claims = {
        "a1": [_claim(1, "a1", "Officials were barred from resigning.", ["Kelmar Post", "Zorbly", "four sources"]),
               _claim(2, "a1", quote, ["Kelmar Post", "the source"], "quote", "the source"),
               _claim(3, "a1", "Officials were barred.", ["Kelmar Post", "Zorbly"])],
        "a2": [_claim(4, "a2", "Officials were barred from resigning.", ["Harbour Times"], hedges=["reportedly"]),
               _claim(5, "a2", quote, ["Harbour Times", "another insider"], "quote", "another insider"),
               _claim(6, "a2", "The outlet said more would follow.", ["Harbour Times", "The outlet"]),
               _claim(7, "a2", "Officials were barred.", ["Harbour Times", "Tallow Post"]),
               _claim(8, "a2", "Fighting went on.", ["Harbour Times", "Marenia"],
                      entities=[Entity(text="Marenia", label="GPE", norm="Marenia", start=0, end=7)])],
        "a3": [_claim(9, "a3", "Officials were barred from resigning.", ["Brenn Daily", "the Ministry of Trade"])],
    }
    return articles, claims


def _mentions(articles, claims, ids):
    by_id = {a.id: a for a in articles}
    out = [Mention(c, by_id[c.article], by_id[c.article].outlet, c.article) for cs in claims.values() for c in cs
           if c.id in ids]
    settle_sourcing(out, articles, claims)
    return out


def test_relay_is_the_outlet_an_article_names_most():
    articles, claims = _story()
    places = story_places(c for cs in claims.values() for c in cs)
    assert places == {"marenia"}
    outlets = {"Zorbly", "Tallow Post"}
    assert article_relay(claims["a1"], "Kelmar Post", places, outlets) == "Zorbly"
    assert article_relay(claims["a2"], "Harbour Times", places, outlets) == "Tallow Post"
    assert article_relay(claims["a3"], "Brenn Daily", places, outlets) is None  # a ministry is no outlet


def test_chain_drops_places_and_reads_the_outlet_as_the_relay():
    articles, claims = _story()
    assert read_chain(claims["a2"][4], "Tallow Post", {"marenia"}) == ("Harbour Times",)
    assert read_chain(claims["a2"][2], "Tallow Post", set()) == ("Harbour Times", "Tallow Post")
    assert read_chain(claims["a2"][2], None, set()) == ("Harbour Times",)


def test_outlets_the_text_describes_become_relays():
    articles, claims = _story()
    mentions = _mentions(articles, claims, {"c1", "c4"})
    assert [m.relay for m in mentions] == ["Zorbly", "Tallow Post"]  # "The Tallow Post, a news website"


def test_retellings_of_one_report_count_once_and_own_sources_count_apart():
    articles, claims = _story()
    mentions = _mentions(articles, claims, {"c1", "c2", "c4", "c5", "c9"})
    quote = [m for m in mentions if m.claim.kind == "quote"]
    # one anonymous insider's words in two outlets: one origin, and the relays it joins are one origin
    assert independent_sources(quote) == ["Zorbly"]
    group = ClaimGroup("g", quote[0].claim.text, "quote", quote)
    aliases = relay_aliases([group])
    assert aliases == {"tallow post": "Zorbly"}
    ban = [m for m in mentions if m.claim.kind == "statement"]
    assert independent_sources(ban) == ["Zorbly", "Tallow Post", "Ministry of Trade"]
    assert independent_sources(ban, aliases) == ["Zorbly", "Ministry of Trade"]
    assert group_status(ban, aliases) == ("corroborated", ["Zorbly", "Ministry of Trade"])
    assert primary_source(ban, aliases) == "Zorbly"


def test_own_voice_claims_stay_the_articles_and_places_are_no_source():
    articles, claims = _story()
    own = Claim(id="c10", article="a1", kind="statement", text="Officials were barred from resigning.", start=0,
                end=36, attribution=["Kelmar Post"])
    claims["a1"].append(own)
    mentions = _mentions(articles, claims, {"c10", "c8"})
    assert independent_sources(mentions) == ["Kelmar Post", "Harbour Times"]  # no "reportedly", no unnamed source
    assert primary_source([m for m in mentions if m.claim.id == "c8"]) is None  # "Marenia" is a place


def test_a_source_on_both_sides_is_no_contradiction():
    articles, claims = _story()
    mentions = _mentions(articles, claims, {"c1", "c3"})
    mentions[1].stance = "contradict"
    assert group_status(mentions) == ("single-source", ["Zorbly"])


def test_two_articles_of_one_outlet_that_disagree_are_two_sources():
    articles = [Article(id=f"b{n}", text="Rates rose.", outlet="Kelmar Post") for n in (1, 2)]
    claims = {a.id: [_claim(n, a.id, "Rates rose.", ["Kelmar Post"])] for n, a in enumerate(articles)}
    mentions = _mentions(articles, claims, {"c0", "c1"})
    mentions[1].stance = "contradict"
    assert group_status(mentions) == ("contradicted", ["Kelmar Post", "Kelmar Post"])


def test_a_capital_that_only_starts_the_phrase_names_no_one():
    from wiretrace.crosscheck.independence import is_named

    assert not is_named("The outcome") and not is_named("Both") and not is_named("The company")
    assert is_named("The Moscow Times") and is_named("iStories") and is_named("the United Kingdom Ministry of Defense")
