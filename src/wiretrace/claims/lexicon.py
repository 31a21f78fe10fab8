"""Broad word lists shared by the claim readers, read from packaged data files (`claims/data/`).

Each file says in its header where its words come from; none was fitted to a corpus, so what the readers
do with them on the seed articles says something about other news.
"""

from __future__ import annotations

from importlib import resources


def data_rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a packaged data file, comment lines left out."""
    text = resources.files("wiretrace.claims").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


COUNTED_NOUN_FAMILY = {noun: family for family, nouns in data_rows("counted_nouns.tsv") for noun in nouns.split()}
"""Counted noun -> its family ("soldier", "death" -> "people"): broad families, see the file's header."""
DEMONYMS = dict(data_rows("demonyms.tsv"))
"""Country name -> demonym ("Kenya" -> "Kenyan")."""
DEMONYM_WORDS = frozenset(DEMONYMS.values())
