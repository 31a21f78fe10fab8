from __future__ import annotations

import pytest

from wiretrace.ingest.metadata import (
    count_words,
    date_from_url,
    guess_language,
    host_of,
    normalize_date,
    outlet_from_url,
    self_mention,
    wire_agency,
)


@pytest.mark.parametrize(
    ("url", "host", "outlet"),
    [
        ("https://www.themoscowtimes.com/2023/05/15/x", "themoscowtimes.com", "The Moscow Times"),
        ("https://edition.bbc.co.uk/news", "edition.bbc.co.uk", "BBC"),
        ("https://valleysentinel.example/news/x", "valleysentinel.example", "valleysentinel.example"),
        ("not a url", None, None),
        ("http://[::1", None, None),
        (None, None, None),
    ],
)
def test_host_and_outlet(url, host, outlet):
    assert host_of(url) == host
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://x.example/2023/05/15/story", "2023-05-15"),
        ("https://x.example/news/2024-03-12-blast", "2024-03-12"),
        ("https://x.example/2023/02/30/story", None),
        ("https://x.example/story-20230515", None),
        (None, None),
    ],
)
def test_date_from_url(url, date):
    assert date_from_url(url) == date


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2024-03-12T18:05:00+01:00", "2024-03-12"),
        ("2024-03-12", "2024-03-12"),
        ("Tue, 12 Mar 2024 08:00:00 +0100", "2024-03-12"),
        ("May 15, 2023", "2023-05-15"),
        ("1710230400", "2024-03-12"),
        ("2024-03-12T17:55:02Z", "2024-03-12"),
        ("yesterday-ish", None),
        ("", None),
        (None, None),
        ("99999999999999999999", None),
    ],
)
def test_normalize_date(value, date):
    assert normalize_date(value) == date


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("CARROWBY, Lisseran (MPA) — An explosion tore through", "MPA"),
        ("MOSCOW (Reuters) - Russia said", "Reuters"),
        ("WASHINGTON (AP) — The Senate", "AP"),
        ("The (UN) said on Monday", None),
        ("Officials (AP) — no dateline", None),
    ],
)
def test_wire_agency(text, agency):
    assert wire_agency(text) == agency


def test_self_mention():
    assert self_mention("Putin reportedly threatened officials, RadarOnline.com has learned.") == "RadarOnline.com"
    assert self_mention("Nobody learned anything.") is None


def test_guess_language_and_count_words():
    assert guess_language("The mayor said that the council would meet again on Monday to vote on it.") == "en"
    assert guess_language("Der Bürgermeister sagte, dass der Rat am Montag erneut tagen werde.") is None
    assert guess_language("Too short") is None
    assert count_words("It's a well-known fact: 1,200 people’s homes.") == 7


def test_metadata_warnings_count_articles_without_outlet_or_date():
    from wiretrace.ingest.metadata import metadata_warnings
    from wiretrace.models import Article

    articles = [Article(id="a", text="x"), Article(id="b", text="x", url="https://example.org/x"),
                Article(id="c", text="x", outlet="O", published="2020-01-01")]
    warnings = metadata_warnings(articles)
    assert warnings[0].startswith("1 of 3 articles have no outlet") and warnings[1].startswith("2 of 3 articles have no date")
    assert metadata_warnings(articles[2:]) == []


def test_outlets_list_is_broad_and_well_formed():
    from wiretrace.ingest.metadata import known_outlets, outlet_from_url

    outlets = known_outlets()
    assert len(outlets) >= 200
    assert {kind for _, kind in outlets.values()} == {"outlet", "wire agency"}
    assert sum(kind == "wire agency" for _, kind in outlets.values()) >= 30
    assert outlet_from_url("https://news.sky.com/story/x") == "Sky News"  # longest listed suffix first
    assert outlet_from_url("https://www.lemonde.fr/a") == "Le Monde"
    assert outlet_from_url("https://unlisted.example/a") == "unlisted.example"
