import json

import pytest

from wiretrace.claims import EXTRACTOR_VERSION, analyze_texts, extract_claims, extract_store
from wiretrace.claims.entities import find_entities
from wiretrace.claims.hedges import find_hedges
from wiretrace.cli import main
from wiretrace.models import Article
from wiretrace.pipeline import ingest
from wiretrace.store import open_store


def claims_of(text, outlet=None, published=None):
    article = Article(id="a1", text=text, outlet=outlet, published=published)
    claims, entities = extract_claims(article)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
    return claims, entities


def quote_with(claims, fragment):
    return next(c for c in claims if c.kind == "quote" and fragment in c.text)


@pytest.mark.parametrize(
    ("text", "fragment", "speaker"),
    [
        ('"If everyone leaves, control will be lost," said a former FSB officer who spoke to the outlet.',
         "control will be lost", "a former FSB officer"),
        ("“We will not retreat from the city,” the governor told The Moscow Times.", "retreat", "the governor"),
        ("“Many are willing to pay a high price to leave now,” one of its sources said.", "high price",
         "one of its sources"),
        ('"The army is exhausted after months of fighting," Ivan Petrov said. "We will keep going anyway," he added.',
         "keep going", "Ivan Petrov"),
        ("“Officials are afraid to resign from their posts,” iStories quoted a former employee of the FSB as saying.",
         "afraid", "a former employee of the FSB"),
        ("“The soldiers did not want to go back to the front,” added another Russian insider. “They were all very scared.”",
         "all very scared", "another Russian insider"),
        ('"The first part of the plan is simple," the minister said, "and the second part is harder still."',
         "second part", "the minister"),
    ],
)
def test_quote_speakers(text, fragment, speaker):
    claims, _ = claims_of(text)
    assert quote_with(claims, fragment).speaker == speaker


def test_speaker_description_is_kept_as_written():
    text = '"If everyone leaves, control will be lost," said a former FSB officer who spoke to the outlet on the condition of anonymity.'
    claim = quote_with(claims_of(text)[0], "control")
    assert claim.speaker == "a former FSB officer"
    assert claim.speaker_description.endswith("on the condition of anonymity")


@pytest.mark.parametrize(
    ("text", "outlet", "chain"),
    [
        ("The Kremlin imposed the unofficial ban on resignations, iStories cited a source close to the presidential"
         " administration as saying.", "The Moscow Times",
         ["The Moscow Times", "iStories", "a source close to the presidential administration"]),
        ("Officials have been banned from resigning, the iStories outlet reported Monday, citing four sources.",
         None, ["the iStories outlet", "four sources"]),
        ("According to the Daily Mail, senior Kremlin staffers grew skeptical about the invasion.", "RadarOnline.com",
         ["RadarOnline.com", "the Daily Mail"]),
        ("Vladimir Putin threatened his officials with criminal charges, RadarOnline.com has learned.",
         "RadarOnline.com", ["RadarOnline.com"]),
        ("The source said the Kremlin sees the desire to resign as a betrayal.", None, ["The source"]),
    ],
)
def test_attribution_chains(text, outlet, chain):
    claims, _ = claims_of(text, outlet=outlet)
    statement = next(c for c in claims if c.kind == "statement")
    assert statement.attribution == chain


def attributed(text):
    """(source, content) pairs of every attribution in `text`, as written."""
    analysis = analyze_texts([text])[0]
    return [(a.primary.description, [text[s:e] for s, e in a.content]) for a in analysis.attributions]


@pytest.mark.parametrize(
    ("text", "source", "fragment"),
    [
        # A cue with no clause still attributes what follows it.
        ("Rihanna spoke about the importance of self-love and self-acceptance.", "Rihanna", "importance of self-love"),
        # A parenthetical cue attributes the clause around it.
        ("The golf industry, she said, is doing much better than it has since 2009.", "she", "doing much better"),
        # A relative pronoun is the source of its own clause.
        ("One such politician was Barack Obama, who claimed Trump was not addressing reality.", "who",
         "not addressing reality"),
        # Two apostrophes are a double quote (NYT archives): the quote is the content.
        ("''We will win this state,'' Mr. Sanders said.", "Mr. Sanders", "''We will win this state,''"),
    ],
)
def test_attribution_rules(text, source, fragment):
    assert any(s == source and any(fragment in c for c in content) for s, content in attributed(text)), attributed(text)


def test_cue_inside_double_apostrophe_quote_is_not_an_attribution():
    text = "''I want every bit of advice he can give me,'' Mrs. Clinton said."
    assert [s for s, _ in attributed(text)] == ["Mrs. Clinton"]


@pytest.mark.parametrize(
    ("text", "published", "value", "qualifier", "subject", "as_of", "source"),
    [
        ("As of Monday, Russia has lost a total of 199,460 troops in combat, per estimates from the Ministry of"
         " Defense of Ukraine.", "2023-05-16", 199460, "a total of", "Russian people lost", "2023-05-15",
         "the Ministry of Defense of Ukraine"),
        ("According to Ukrainian estimates, 25,100 Russian soldiers have been killed since February.", None,
         25100, None, "Russian people lost", None, "Ukrainian estimates"),
        ("The estimate from the UK Defense ministry puts Russian deaths at roughly 15,000 soldiers.", None, 15000,
         "roughly", None, None, None),
        ("The company raised $2.5 million from at least 40 investors.", None, 2.5e6, None, None, None, None),
    ],
)
def test_figures(text, published, value, qualifier, subject, as_of, source):
    claims, _ = claims_of(text, published=published)
    figure = next(c for c in claims if c.kind == "figure" and c.value == value)
    assert figure.qualifier == qualifier
    if subject:
        assert figure.subject == subject
    assert figure.as_of == as_of
    if source:
        assert figure.attribution[-1] == source


def test_rounded_figure_links_to_exact_one():
    text = ("Russia has now lost over 199,400 troops in the war.\n\n"
            "As of Monday, Russia has lost a total of 199,460 troops in combat.")
    claims, _ = claims_of(text)
    rounded = next(c for c in claims if c.kind == "figure" and c.value == 199400)
    exact = next(c for c in claims if c.kind == "figure" and c.value == 199460)
    assert rounded.linked_to == exact.id and exact.linked_to is None


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("Putin reportedly banned officials from resigning.", ["reportedly"]),
        ("The ban is likely enforced with strong hints.", ["likely"]),
        ("While the decree was unofficial, officials were threatened.", ["unofficial"]),
        ("A rumor circulated about an alleged cancer diagnosis.", ["rumor", "alleged"]),
        ("If everyone leaves, control will be lost.", ["conditional"]),
        ("Thousands of soldiers are thought to have been killed.", ["are thought to"]),
        ("The court fired 115 officers on Thursday.", []),
        ("She leads among likely voters by four points.", []),  # a kind of voter, not a doubt
        ("The poll surveyed 552 likely Democratic primary voters.", []),
        ("He is the likely nominee, and the leak was likely caused by a valve.", ["likely"]),
    ],
)
def test_hedges(text, hedges):
    assert find_hedges(text) == hedges


@pytest.mark.parametrize(
    ("text", "mention", "norm"),
    [
        ("Russian President Vladimir Putin spoke on Monday. Later Putin left Moscow.", "Putin", "Vladimir Putin"),
        ("Vladimir Putin's decree was unofficial. Putin denied it.", "Putin", "Vladimir Putin"),
        ("He served in the Federal Security Service (FSB). The FSB denied it.", "FSB", "Federal Security Service"),
    ],
)
def test_entity_normalization(text, mention, norm):
    analysis = analyze_texts([text])[0]
    entities = find_entities(text, analysis.sentences, analysis.docs)
    assert any(e.text == mention and e.norm == norm for e in entities if e.start > 10)


@pytest.mark.parametrize(
    "text",
    [
        "Read more: the latest on the war.",
        "Would the ban survive a legal challenge in court?",
        "Tags: Russia, Ukraine, Kremlin",
    ],
)
def test_no_statement_from_boilerplate_or_questions(text):
    claims, _ = claims_of(text)
    assert not [c for c in claims if c.kind == "statement"]


def test_claim_ids_are_stable():
    text = "According to the ministry, 25,100 soldiers have been killed."
    first, _ = claims_of(text)
    second, _ = claims_of(text)
    assert [c.id for c in first] == [c.id for c in second]


# -- the seed articles ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_claims(tmp_path_factory):
    from conftest import shared_path

    seeds = shared_path("corpus", "seeds")
    store = open_store(str(tmp_path_factory.mktemp("claims") / "seeds.db"))
    ingest(store, [str(seeds)], update=False)
    extract_store(store)
    by_file = {a.path.rsplit("/", 1)[-1][:3]: store.get_claims(a.id) for a in store.list_articles()}
    yield by_file, store
    store.close()


@pytest.mark.parametrize("seed", ["000", "001", "002"])
def test_seed_control_will_be_lost_quote_has_a_speaker(seed_claims, seed):
    claims = seed_claims[0][seed]
    quote = next(c for c in claims if c.kind == "quote" and "If everyone leaves, control will be lost" in c.text)
    assert quote.speaker


@pytest.mark.parametrize(("seed", "words"), [("000", ["former", "FSB"]), ("001", ["former", "FSB"]),
                                             ("002", ["former Kremlin official"])])
def test_seed_two_governors_attribution(seed_claims, seed, words):
    claims = seed_claims[0][seed]
    claim = next(c for c in claims if "at least two cases" in c.text and "governors" in c.text)
    description = claim.speaker_description or ""
    assert all(w in description for w in words)


def test_seed_199460_russian_troops_lost_per_ukrainian_defense_ministry(seed_claims):
    figure = next(c for c in seed_claims[0]["000"] if c.kind == "figure" and c.value == 199460)
    assert figure.subject == "Russian people lost"
    assert "Ministry of Defense" in figure.attribution[-1] and "Ukraine" in figure.attribution[-1]
    rounded = next(c for c in seed_claims[0]["000"] if c.kind == "figure" and c.value == 199400)
    assert rounded.linked_to == figure.id


def test_seed_003_casualty_figures_same_kind_two_sources(seed_claims):
    claims = seed_claims[0]["003"]
    ukrainian = next(c for c in claims if c.kind == "figure" and c.value == 25100)
    british = next(c for c in claims if c.kind == "figure" and c.value == 15000)
    assert ukrainian.subject == british.subject == "Russian people lost"
    assert ukrainian.unit == british.unit
    assert "Ukrainian" in ukrainian.attribution[-1]
    assert "UK Defense ministry" in british.attribution[-1]
    assert ukrainian.attribution[-1] != british.attribution[-1]


def test_seed_003_tags_and_captions_yield_no_claims(seed_claims):
    for claim in seed_claims[0]["003"]:
        assert not claim.text.lower().startswith(("tags", "image", "photo", "getty"))


def test_claims_cli_json(seed_claims, capsys):
    _by_file, store = seed_claims
    article = store.list_articles()[1]
    assert main(["--db", store.url, "claims", "--article", article.id[:8], "--kind", "quote", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["kind"] for r in rows} == {"quote"}
    assert {"speaker", "attribution", "hedges", "value", "unit", "subject", "as_of", "entities"} <= set(rows[0])


@pytest.mark.parametrize(("one", "other"), [
    ("Kenya lost 120 residents in the floods, the Red Cross said.", "Kenya has lost 125 people to the floods."),
    ("Officials said 3,000 Nigerian workers were evacuated on Friday.", "About 3,100 Nigerian staff were evacuated."),
])
def test_figures_of_one_count_named_differently_share_unit_and_subject(one, other):
    first = next(c for c in claims_of(one)[0] if c.kind == "figure")
    second = next(c for c in claims_of(other)[0] if c.kind == "figure")
    assert first.unit == second.unit == "people" and first.subject == second.subject, (first, second)


# -- extract_store's worker processes -----------------------------------------------------------------
STORIES = [
    "The mayor said on Monday that 40 buses would be withdrawn. \"We have no choice,\" she told reporters.",
    "According to the union, 1,200 drivers will strike next week. The company declined to comment.",
    "Police said two men were arrested after the fire. The inquiry will report in March, officials said.",
    "The ministry reported 3,400 new cases. Hospitals in the north are full, a spokesman said.",
    "Ferry services resumed on Friday. The operator said 12 crossings had been cancelled.",
]


def _store_of(path, texts):
    store = open_store(str(path))
    store.put_articles([Article(id=f"a{i}", text=t, outlet="Example Wire") for i, t in enumerate(texts)])
    return store


def test_worker_processes_store_what_one_process_does(tmp_path):
    from wiretrace.claims import ExtractOptions

    stored = []
    for processes in (1, 2):
        with _store_of(tmp_path / f"p{processes}.db", STORIES) as store:
            assert extract_store(store, ExtractOptions(n_process=processes)) == len(STORIES)
            stored.append([(c.article, c.id, c.kind, c.text, c.attribution, c.value) for c in store.get_claims()])
    assert stored[0] and stored[0] == stored[1]


def test_an_article_failing_in_a_worker_is_recorded_and_the_others_stored(tmp_path, monkeypatch):
    import importlib

    from wiretrace.claims import ExtractOptions
    from wiretrace.store.problems import stage_problems

    claims = importlib.import_module("wiretrace.claims")  # the package, not the façade's function of that name
    real = claims._claims_of

    def failing(article, analysis, options):
        if "Ferry" in article.text:
            raise ValueError("planted failure")
        return real(article, analysis, options)

    monkeypatch.setattr(claims, "_claims_of", failing)  # the forked workers inherit it
    with _store_of(tmp_path / "fail.db", STORIES) as store:
        extract_store(store, ExtractOptions(n_process=2))
        assert "planted failure" in str(stage_problems(store)["a4"])
        assert {c.article for c in store.get_claims()} == {"a0", "a1", "a2", "a3"}


def test_extraction_started_before_other_writes_stores_the_same_claims(tmp_path):
    """The pipeline starts the workers, clusters and indexes through the same store, then stores claims."""
    from wiretrace.claims import ExtractOptions, start_extraction

    with _store_of(tmp_path / "one.db", STORIES) as store:
        extract_store(store, ExtractOptions(n_process=2))
        want = [(c.article, c.id, c.kind, c.text, c.attribution, c.value) for c in store.get_claims()]
    with _store_of(tmp_path / "two.db", STORIES) as store:
        with start_extraction(store, ExtractOptions(n_process=2)) as extraction:
            assert extraction.pool is not None  # already parsing
            store.put_articles([Article(id="late", text="Officials said the bridge reopened.", outlet="X")])
            assert extraction.store_results() == len(STORIES)
        assert extraction.pool is None
        got = [(c.article, c.id, c.kind, c.text, c.attribution, c.value) for c in store.get_claims()]
        assert got == want  # the article stored after the start waits for the next extraction
        assert "late" not in store.extracted_articles(EXTRACTOR_VERSION)


def test_leaving_an_extraction_unstored_stops_its_workers_and_stores_nothing(tmp_path):
    from wiretrace.claims import ExtractOptions, start_extraction

    with _store_of(tmp_path / "left.db", STORIES) as store:
        with pytest.raises(RuntimeError, match="clustering failed"), \
                start_extraction(store, ExtractOptions(n_process=2)) as extraction:
            workers = list(extraction.pool._pool)
            raise RuntimeError("clustering failed")
        for worker in workers:
            worker.join(timeout=10)
            assert not worker.is_alive()
        assert store.get_claims() == []
        assert extract_store(store) == len(STORIES)  # the next run does them

