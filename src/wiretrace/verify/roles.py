"""Who did what: a sentence with the claim's words but the people in each other's places.

"Ryan called Biden's remarks malarkey" and "Biden called Ryan's remarks malarkey" share every content
word, so word overlap reads the second as a restatement of the first and a small NLI model often agrees.
What differs is who is the subject of the verb. `swapped_actor` parses both texts (the shared spaCy
pipeline) and compares, verb by verb, the named actor: the subject of an active verb or the agent of a
passive one ("… were called malarkey by Ryan" keeps Ryan the actor, so a passive paraphrase is no swap).
"""

from __future__ import annotations

import re
from functools import lru_cache

from wiretrace.claims.nlp import lemma, parse

_NAME = re.compile(r"\b[A-Z][a-z]+\b")
# Verbs whose two sides may change places without changing the fact ("the mayor met the governor").
SYMMETRIC = frozenset("meet talk speak marry negotiate debate face play tie share discuss chat embrace hug join "
                      "partner confer".split())


def _names(text: str) -> set[str]:
    return {m.group().casefold() for m in _NAME.finditer(text)}


def worth_parsing(claim: str, sentence: str) -> bool:
    """Whether both texts share two or more capitalised words: without that no roles can be swapped."""
    return len(_names(claim) & _names(sentence)) >= 2


@lru_cache(maxsize=4096)
def actors(text: str) -> tuple[tuple[str, str], ...]:
    """(verb lemma, actor's surname folded) for each verb of the text whose actor is a proper name."""
    doc = next(iter(parse([text])))
    found = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        actor = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if actor is None:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            actor = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        if actor is not None and actor.pos_ == "PROPN":
            found.append((lemma(tok), actor.text.casefold()))
    return tuple(found)


def swapped_actor(claim: str, sentence: str) -> tuple[str, str] | None:
    """(claim's actor, sentence's actor) where the two texts swap who does what, else None.

    A swap: a verb both use, with different named actors, each of whom the other text also names.
    """
    if not worth_parsing(claim, sentence):
        return None
    claim_names, sentence_names = _names(claim), _names(sentence)
    theirs = dict(actors(sentence))
    for verb, actor in actors(claim):
        other = theirs.get(verb)
        if verb in SYMMETRIC:
            continue
        if other and other != actor and actor in sentence_names and other in claim_names:
            return actor, other
    return None
