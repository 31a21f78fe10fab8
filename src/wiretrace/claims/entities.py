"""Named entities of one article, each mapped to a canonical name shared by its variants.

"Smith", "Jane Smith" and "Finance Minister Jane Smith" all get norm "Jane Smith": within
one article a surname or a titled name means the fullest plain name seen for that person, and an
acronym given in parentheses ("World Health Organization (WHO)") means the name it abbreviates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wiretrace.claims.lexicon import DEMONYM_WORDS
from wiretrace.models import Entity

Span = tuple[int, int]

LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP", "FAC": "LOC"}
TITLES = frozenset(
    "president prime minister deputy secretary general gen col colonel commander chancellor senator sen"
    " rep representative gov governor mayor mr mrs ms dr king queen prince former us u.s."
    " spokesman spokeswoman spokesperson director chief"
    " minister foreign defense defence interior state sergeant lieutenant captain major officer ambassador"
    " judge justice pope vice candidate nominee republican democratic democrat leader speaker".split()
) | {word.lower() for word in DEMONYM_WORDS}
"""Words of a role before a name ("Finance Minister Jane Smith", "Kenyan President …"): titles, and every demonym."""
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def find_entities(text: str, sentences: Sequence[Span], docs: Sequence) -> list[Entity]:
    """Entities in parsed sentences, normalized across the whole article."""
    raw = []
    for (base, _end), doc in zip(sentences, docs, strict=True):
        for ent in doc.ents:
            if ent.label_ in LABELS:
                start, end = base + ent.start_char, base + ent.end_char
                raw.append((start, end, LABELS[ent.label_], _clean_name(text[start:end])))
    acronyms = _acronyms(text)
    persons = [name for *_, label, name in raw if label == "PERSON" and len(name.split()) > 1]
    entities = []
    for start, end, label, name in raw:
        norm, label = _normalize(name, label, persons, acronyms)
        if norm:
            entities.append(Entity(text[start:end], label, norm, start, end))
    return entities


def _clean_name(name: str) -> str:
    """Without a leading "the", a possessive ending or line noise."""
    name = re.sub(r"^(?:the|The)\s+", "", name.strip())
    return _POSSESSIVE.sub("", name).strip(" .,")


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().strip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _normalize(name: str, label: str, persons: list[str], acronyms: dict[str, str]) -> tuple[str, str]:
    """The canonical name (and possibly corrected label) of one mention."""
    if name in acronyms:
        return acronyms[name], label
    plain = _strip_titles(name) if label == "PERSON" else name
    last = plain.split()[-1] if plain else ""
    full = [_strip_titles(p) for p in persons if _strip_titles(p).split()[-1] == last]
    if full and (label == "PERSON" or len(plain.split()) == 1):
        return max(full, key=lambda p: (len(p.split()) == 2, -len(p))), "PERSON"
    return plain, label


def _acronyms(text: str) -> dict[str, str]:
    """`World Health Organization (WHO)` -> {"WHO": "World Health Organization"}."""
    found = {}
    for match in re.finditer(r"((?:[A-Z][\w’'-]*\s+(?:of\s+|the\s+|for\s+|and\s+)*){1,8})\(([A-Z]{2,6})\)", text):
        words = [w for w in match.group(1).split() if w[0].isupper()]
        initials = "".join(w[0] for w in words)
        if match.group(2) in initials or len(words) >= len(match.group(2)):
            found[match.group(2)] = match.group(1).strip()
    return found
