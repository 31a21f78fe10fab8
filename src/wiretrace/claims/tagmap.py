"""Part of speech, morphology and lemma exceptions from the tags: spaCy's `attribute_ruler`, faster.

The pipeline's `attribute_ruler` turns each fine tag into a universal part of speech and morphology
(its tag map) and then applies ~120 exceptions keyed on the word, its tag and its dependency. It runs a
`Matcher` and sets every match through a `Span`, which cost 1.5 s of CPU per 3,352 PolNeAR sentences,
more than the parser. `TagMap` reads the same patterns from the loaded ruler and applies them with the
same precedence (a later pattern overrides an earlier one), memoised per (tag, word, dependency): the
same attributes on every token for a tenth of the cost (`tests/claims/test_tagmap.py` compares the two
on real text). The lemmatizer is not run at all: `lemma` lemmatizes on demand, only the tokens a cue
or a counted noun is looked up on, with spaCy's own rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]
# Only these keys and operators occur in en_core_web_sm's patterns; anything else is refused at load.
_KEYS = frozenset(["TAG", "LOWER", "DEP", "IS_SPACE"])


@dataclass(frozen=True)
class _Rule:
    """One pattern of the ruler: token conditions, which token it sets and what."""

    tokens: tuple[dict, ...]
    index: int
    pos: int | None
    morph: int | None
    lemma: int | None
    tag: int | None
    dep: int | None
    rank: int  # its place in pattern order, which decides which rule wins


def _test(condition, value: str) -> bool:
    if isinstance(condition, dict):
        (op, arg), = condition.items()
        if op == "IN":
            return value in arg
        if op == "NOT_IN":
            return value not in arg
        return re.search(arg, value) is not None  # REGEX
    return value == condition


def _holds(conditions: dict, token) -> bool:
    for key, condition in conditions.items():
        if key == "IS_SPACE":
            if token.is_space != condition:
                return False
        elif not _test(condition, token.tag_ if key == "TAG" else token.lower_ if key == "LOWER" else token.dep_):
            return False
    return True


class TagMap:
    """The attribute ruler's patterns, applied token by token with a memo.

    Single-token patterns depend only on (tag, lower, dep, is_space), so their combined effect is
    computed once per such key. The few multi-token ones ("gon na", "let 's", an expletive before
    "is") are tried wherever their first word could start them, and override in pattern order.
    """

    def __init__(self, ruler) -> None:
        vocab = ruler.vocab
        self.rules: list[_Rule] = []
        for entry in ruler.patterns:
            attrs = entry["attrs"]
            if set(attrs) - {"POS", "MORPH", "LEMMA", "TAG", "DEP"}:
                raise ValueError(f"attribute_ruler sets {sorted(attrs)}: TagMap knows POS, MORPH, LEMMA, TAG, DEP")
            for tokens in entry["patterns"]:
                if any(set(t) - _KEYS for t in tokens):
                    raise ValueError(f"attribute_ruler pattern {tokens}: TagMap knows {sorted(_KEYS)}")
                self.rules.append(_Rule(
                    tuple(tokens), entry.get("index", 0) % len(tokens),
                    vocab.strings.add(attrs["POS"]) if "POS" in attrs else None,
                    vocab.morphology.add(attrs["MORPH"]) if "MORPH" in attrs else None,
                    vocab.strings.add(attrs["LEMMA"]) if "LEMMA" in attrs else None,
                    vocab.strings.add(attrs["TAG"]) if "TAG" in attrs else None,
                    vocab.strings.add(attrs["DEP"]) if "DEP" in attrs else None,
                    len(self.rules),
                ))
        self.single = [r for r in self.rules if len(r.tokens) == 1]
        self.multi = [r for r in self.rules if len(r.tokens) > 1]
        # Single-token rules split by whether they name the word: those that do are looked up by it, the
        # others depend on (tag, dep, is_space) alone, so a new word costs a few tests, not ~170.
        self.by_word: dict[str, list[_Rule]] = {}
        self.word_patterns: list[_Rule] = []
        self.wordless: list[_Rule] = []
        for rule in self.single:
            word = rule.tokens[0].get("LOWER")
            if word is None:
                self.wordless.append(rule)
            elif isinstance(word, str):
                self.by_word.setdefault(word, []).append(rule)
            elif set(word) == {"IN"}:
                for each in word["IN"]:
                    self.by_word.setdefault(each, []).append(rule)
            else:
                self.word_patterns.append(rule)
        self.memo: dict[tuple, tuple] = {}
        self.wordless_memo: dict[tuple, list[_Rule]] = {}
        self.word_memo: dict[str, list[_Rule]] = {}
        self.maybe_multi: dict[int, bool] = {}

    def __call__(self, doc):
        """Set pos, morph and the ruler's lemma exceptions on every token, as the ruler would.

        All tokens are read before any is written, as the ruler matches the whole doc first.
        """
        memo, maybe_multi = self.memo, self.maybe_multi
        results = []
        for token in doc:
            key = (token.tag, token.lower, token.dep, token.is_space)
            entry = memo.get(key)
            if entry is None:
                single = self._single_hits(token)
                entry = memo[key] = (self._fold(single), single)
            found = entry[0]
            multi = maybe_multi.get(token.lower)
            if multi is None:
                multi = maybe_multi[token.lower] = any(_holds(_lower_only(r), token) for r in self.multi)
            if multi:
                found = self._with_multi(doc, token, found, entry[1])
            results.append(found)
        for token, found in zip(doc, results, strict=True):
            _apply(token, found)
        return doc

    def _single_hits(self, token) -> list[_Rule]:
        """The single-token rules that hold for `token`, in pattern order."""
        tag_key = (token.tag, token.dep, token.is_space)
        wordless = self.wordless_memo.get(tag_key)
        if wordless is None:
            wordless = self.wordless_memo[tag_key] = [r for r in self.wordless if _holds(r.tokens[0], token)]
        lower = token.lower_
        named = self.word_memo.get(lower)
        if named is None:
            named = self.by_word.get(lower, []) + [r for r in self.word_patterns if _holds(_lower_only(r), token)]
            named = self.word_memo[lower] = sorted(named, key=_rank)
        if not named:
            return wordless
        hits = wordless + [r for r in named if _holds(r.tokens[0], token)]
        return sorted(hits, key=_rank)

    def _with_multi(self, doc, token, found: tuple, single: list[_Rule]) -> tuple:
        """Redo the fold for a token that a multi-token pattern may target (rare: slang and "there is")."""
        hits = []
        for rule in self.multi:
            start = token.i - rule.index
            if start < 0 or start + len(rule.tokens) > len(doc):
                continue
            if all(_holds(c, doc[start + k]) for k, c in enumerate(rule.tokens)):
                hits.append(rule)
        if not hits:
            return found
        return self._fold(sorted(single + hits, key=_rank))

    @staticmethod
    def _fold(rules: list[_Rule]) -> tuple:
        """(pos, morph, lemma, tag, dep) after the rules in order; None where no rule sets it."""
        pos = morph = lemma = tag = dep = None
        for rule in rules:
            pos = rule.pos if rule.pos is not None else pos
            morph = rule.morph if rule.morph is not None else morph
            lemma = rule.lemma if rule.lemma is not None else lemma
            tag = rule.tag if rule.tag is not None else tag
            dep = rule.dep if rule.dep is not None else dep
        return pos, morph, lemma, tag, dep


def _rank(rule: _Rule) -> int:
    return rule.rank


def _lower_only(rule: _Rule) -> dict:
    """The word condition of the token a rule sets (what decides, per word, whether the rule may apply)."""
    target = rule.tokens[rule.index]
    return {"LOWER": target["LOWER"]} if "LOWER" in target else {}


def _apply(token, found: tuple) -> None:
    pos, morph, lemma, tag, dep = found
    if pos is not None:
        token.pos = pos
    if morph is not None:
        token.set_morph(morph)
    if lemma is not None:
        token.lemma = lemma
    if tag is not None:
        token.tag = tag
    if dep is not None:
        token.dep = dep
