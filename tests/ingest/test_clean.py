from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.ingest.clean import clean_text, normalize_unicode, split_scraped_text

SENTENCE = "The harbour council voted on Monday to run a year-round ferry to the island, officials said."


@pytest.mark.parametrize(
    "junk",
    [
        "Comments are closed.",
        "Real Time Analytics",
        "@YouTube",
        "Share this article",
        "Advertisement",
        "Subscribe now.",
        "Get real time updates directly on you device, subscribe now.",
        "Read more: Council approves budget",
        "© 2024 Northgate Herald. All rights reserved.",
        "[duma.gov.ru](https://duma.gov.ru)",
        "<https://example.org/story>",
        "Photo: Lars Ottesen/MPA",
        "Reuters",
        "NATALIA KOLESNIKOVA/AFP via Getty Images",
        "KEY POINTS",
    ],
)
def test_boilerplate_lines_are_dropped(junk):
    assert clean_text(f"{SENTENCE}\n\n{junk}\n\n{SENTENCE} Again.") == f"{SENTENCE}\n\n{SENTENCE} Again."


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Russia's Putin holds talks with China's Xi in Moscow", "Reuters"),
        ("Smoke rises over the works on Tuesday morning", "Photo: Lars Ottesen/MPA"),
        ("The mayor visits the shelter", "AP Photo/Jane Doe"),
    ],
)
def test_caption_with_credit_is_dropped(caption, credit):
    assert clean_text(f"{SENTENCE}\n\n{caption}\n{credit}\n\n{SENTENCE}") == f"{SENTENCE}\n\n{SENTENCE}"


def test_inline_caption_is_dropped():
    caption = "A court confirms the firing of 115 guards. NATALIA KOLESNIKOVA/AFP via Getty Images"
    assert clean_text(f"{caption}\n\n{SENTENCE}") == SENTENCE


def test_tag_list_after_tags_heading_is_dropped():
    assert clean_text(f"{SENTENCE}\n\nTags\nRussia, Ukraine, Vladimir putin\nReal Time Analytics") == SENTENCE


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices rose by a fifth after the vote, traders said.",
        "Follow-up tests showed no ammonia in the river, the board said.",
        "Photographs of the damage were shared widely on Tuesday.",
        "Tags on the barrels showed they came from the plant.",
        "Subscribers to the paper were told on Monday that prices would rise.",
        "The agency said 1,200 residents were evacuated.",
    ],
)
def test_real_sentences_survive(sentence):
    assert clean_text(f"{SENTENCE}\n\n{sentence}") == f"{SENTENCE}\n\n{sentence}"


def test_markdown_is_stripped_and_links_keep_their_text():
    text = "# Heading\n\nThe iStories outlet [reported](#) on **Monday** that officials were banned."
    assert clean_text(text, title="Heading") == "The iStories outlet reported on Monday that officials were banned."


def test_title_repeated_in_body_is_dropped():
    assert clean_text(f"Ferry approved\n\n{SENTENCE}", title="Ferry approved") == SENTENCE


def test_broken_quote_is_rejoined():
    text = "“They were not just prohibited, it was also\n\nhinted at that they could face prosecution,” he said."
    assert clean_text(text) == "“They were not just prohibited, it was also hinted at that they could face prosecution,” he said."


def test_paragraph_per_line_and_hard_wraps():
    assert clean_text("First paragraph ends here.\nSecond one starts\nand wraps on.") == (
        "First paragraph ends here.\n\nSecond one starts and wraps on.")
    assert clean_text("One sentence.\nand another paragraph.") == "One sentence.\n\nand another paragraph."


def test_unicode_is_normalized():
    assert normalize_unicode("Cafe\u0301\u200b\r\nline\x07\u00a0two") == "Café\nline\u00a0two"
    assert clean_text("Cafe\u0301 au\u00a0 lait.\u2028It is served, they said.") == "Café au lait.\n\nIt is served, they said."


def test_split_scraped_text():
    text = "\n\n# Kremlin Bans Resigning\n\nMay 15, 2023\n\nBody sentence here.\n\nOriginal url:\n\n<https://x.example/a>"
    scraped = split_scraped_text(text)
    assert (scraped.title, scraped.dateline, scraped.url) == ("Kremlin Bans Resigning", "May 15, 2023", "https://x.example/a")
    assert "Original url" not in scraped.body and "Body sentence here." in scraped.body


def test_split_scraped_text_ignores_non_http_url():
    assert split_scraped_text("Title\n\nBody.\nOriginal url: javascript:alert(1)").url is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
@settings(max_examples=300, deadline=None)
def test_cleaning_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


LINES = st.sampled_from([
    SENTENCE, "Comments are closed.", "Tags", "Russia, Ukraine", "Reuters", "# Title", "**Bold** text here.",
    "and continues here.", "“Open quote without end", "[link](http://x)", "", "   ", "Photo: A/B", "@x",
    "Short caption", "AP", "it was also", "— dash line —", "1. numbered item.", "• bullet point",
])


@given(st.lists(LINES, max_size=25), st.sampled_from([None, "Title", "Short caption"]))
@settings(max_examples=300, deadline=None)
def test_cleaning_scraper_like_text_is_idempotent(lines, title):
    once = clean_text("\n".join(lines), title)
    assert clean_text(once, title) == once


def test_empty_original_url_line_gives_no_url():
    # Found by tests/test_fuzz.py (slow run): an empty "Original url:" line gave url == "".
    from wiretrace.ingest.clean import split_scraped_text

    assert split_scraped_text("Title\nSome body text here.\nOriginal url: \n").url is None


def test_seed_caption_is_not_a_title(seeds_dir):
    from wiretrace.ingest import IngestOptions, read_articles

    article = next(a for a in read_articles([str(next(seeds_dir.glob("000_*.txt")))], IngestOptions()))
    assert "Council of Legislators" not in (article.title or "")
    assert article.title_source == "lead" and article.title.startswith("Russian President Vladimir Putin banned")


@pytest.mark.parametrize(("first", "second", "caption"), [
    ("Putin addresses legislators in St Petersburg", "Reuters", True),
    ("Putin addresses legislators in St Petersburg", "Sergei Bobylev/TASS", True),
    ("Putin bans officials from resigning", "Reuters", False),  # a byline: the body has the (Reuters) dateline
    ("Putin bans officials from resigning", "By Jane Doe", False),
])
def test_caption_title(first, second, caption):
    from wiretrace.ingest.clean import is_caption_title

    dateline = "" if caption else "MOSCOW (Reuters) - "
    body = f"{second}\n\n{dateline}Russian President Vladimir Putin banned officials from resigning, a report said."
    assert is_caption_title(first, body) is caption


def test_lead_title_skips_bullets_and_abbreviations():
    from wiretrace.ingest.clean import lead_title

    text = "Putin's ban was unofficial\n\nThe U.S. Senate voted on Tuesday to pass the bill after a long debate. It then left."
    assert lead_title(text) == "The U.S. Senate voted on Tuesday to pass the bill after a long debate."


def test_nested_list_markers_go_in_one_pass():
    """Found by the slow fuzz test: five markers outlasted the cleaner's four fixed-point passes."""
    from wiretrace.ingest.clean import clean_text

    once = clean_text("- - - - - [")
    assert once == "[" and clean_text(once) == once
