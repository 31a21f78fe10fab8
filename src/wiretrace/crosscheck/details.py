"""Detail by detail: what a retelling sentence changed from the source sentences it retells.

A small NLI model reads "The president signed an official decree" as entailed by "The president's
decree was unofficial": the two share nearly every word. A fact-checker reads the details instead: the names, the
numbers and dates, the qualifiers (official, confirmed, nearly), negation, hedges, who said it, and
words reversed (praised for denounced). `compare` does that and returns one typed `DetailFinding` per
changed detail, with the span in the retelling and the span in the source that it contradicts (none for
a detail the source never states: `invented`). The caller weighs the findings (`crosscheck.distortion`
for a retelling of a source, `verify.judge` for a claim and an evidence sentence).

Texts are parsed with the shared spaCy pipeline (`claims.nlp`) into `Parsed`, a plain record of tokens,
entities and speakers, so that comparing is pure and a source parsed once is compared many times.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wiretrace.claims.hedges import find_hedges
from wiretrace.claims.nlp import lemma, parse
from wiretrace.crosscheck import lexicon
from wiretrace.crosscheck.checks import find_numbers, numbers_compatible

FINDING_TYPES = ("actor", "entity", "number", "date", "qualifier", "negation", "hedge", "speaker", "antonym", "invented")
NAME_LABELS = frozenset("PERSON ORG GPE NORP LOC FAC EVENT PRODUCT WORK_OF_ART LAW LANGUAGE".split())
_PLACES = frozenset("ORG GPE NORP LOC FAC".split())
_CONTENT_POS = frozenset("NOUN PROPN VERB ADJ ADV NUM".split())
SPEECH_LEMMAS = frozenset("say tell claim announce state add insist warn confirm deny report write explain argue"
                          " suggest ask demand reveal admit allege".split())
_FRAME_WORDS = frozenset(
    "say tell discuss mention explain talk state describe report note express ask suggest summary document"
    " speaker conversation meeting call email also include provide highlight emphasize emphasise overall"
    " various several number many also additionally furthermore however well".split())
"""Words a summary or retelling adds about the telling itself: never an invented detail."""
_DATE_WORDS = {w: "weekday" for w in "monday tuesday wednesday thursday friday saturday sunday".split()} | {
    w: "month" for w in ("january february march april may june july august september october november"
                         " december").split() if w != "may"}
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_APPROXIMATORS = frozenset("nearly almost narrowly virtually practically".split())
_HEDGES_THAT_COUNT = frozenset(
    "reportedly allegedly purportedly supposedly apparently likely unlikely possibly probably perhaps presumably"
    " rumor rumors rumour rumours rumored speculation suspected is said to are said to was said to were said to"
    " it is understood is understood to appears to seems to are thought to is thought to are believed to"
    " is believed to".split(" "))
_PARSE_CACHE_SIZE = 20_000
_MODIFIER_DEPS = frozenset("amod compound advmod acomp npadvmod".split())


@dataclass(frozen=True)
class Span:
    """Characters `start:end` of one text, and the text there."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DetailFinding:
    """One detail the retelling changed, or added (`type` "invented", `source` None).

    Attributes:
        type: one of `FINDING_TYPES`.
        claim: the detail in the retelling (offsets into the claim text).
        source: what the source says instead (offsets into `sources[source_index]`), or None.
        reason: one line for a reader, e.g. "'official' where the source says 'unofficial'".
        detail: for `invented`, what was added: "entity", "number", "date", "qualifier" or "word";
            else the same as `type`.
        source_index: which of the compared source texts `source` is in (-1 when None).
    """

    type: str
    claim: Span
    source: Span | None
    reason: str
    detail: str = ""
    source_index: int = -1


@dataclass(frozen=True)
class Token:
    """A token of a parsed text, as far as comparing details needs it."""

    text: str
    lower: str
    lemma: str
    pos: str
    start: int
    end: int
    negated: bool
    modifier: bool = False  # an adjective's or adverb's job: "official" in "an official decree"


@dataclass(frozen=True)
class Parsed:
    """A text read once: tokens, named entities (text, label, start, end), speakers and its vocabulary."""

    text: str
    tokens: tuple[Token, ...]
    entities: tuple[tuple[str, str, int, int], ...]
    speakers: tuple[Span, ...]
    words: frozenset[str]
    actors: tuple[tuple[str, Span], ...] = ()  # (verb lemma, its named subject): who did what

    def forms(self) -> Iterable[tuple[Token, str]]:
        """Each token with each of its forms (lemma and lower-cased text), to match lexicon words."""
        for tok in self.tokens:
            yield tok, tok.lemma
            if tok.lower != tok.lemma:
                yield tok, tok.lower


_cache: OrderedDict[str, Parsed] = OrderedDict()


def read(texts: Sequence[str]) -> list[Parsed]:
    """Parse texts (sentences, or a whole short source) with spaCy; repeated texts are parsed once.

    Keeps the last `_PARSE_CACHE_SIZE` parses: a source is compared with every retelling of it.
    """
    todo = [t for t in dict.fromkeys(texts) if t not in _cache]
    for text, doc in zip(todo, parse(todo), strict=True):
        _cache[text] = _parsed(text, doc)
        if len(_cache) > _PARSE_CACHE_SIZE:
            _cache.popitem(last=False)
    return [_cache[t] for t in texts]


def _parsed(text: str, doc) -> Parsed:  # noqa: ANN001 - a spacy Doc
    tokens = tuple(Token(t.text, t.lower_, lemma(t).lower(), t.pos_, t.idx, t.idx + len(t.text), _is_negated(t),
                         t.dep_ in _MODIFIER_DEPS or t.pos_ in ("ADJ", "ADV")) for t in doc)
    entities = tuple((e.text, e.label_, e.start_char, e.end_char) for e in doc.ents)
    speakers = tuple(_speaker(t) for t in doc if lemma(t) in SPEECH_LEMMAS and t.pos_ == "VERB")
    words = frozenset(w for t in tokens for w in (t.lower, t.lemma))
    actors = tuple((lemma(t).lower(), span) for t in doc if t.pos_ == "VERB" and lemma(t) not in SPEECH_LEMMAS
                   and (span := _named_subject(t)) is not None)
    return Parsed(text, tokens, entities, tuple(s for s in speakers if s), words, actors)


_LIGHT_VERBS = frozenset({"be", "have", "get", "do", "make", "take", "go", "come", "give"})


def _named_subject(verb) -> Span | None:  # noqa: ANN001
    """The verb's subject when it is a person's or an organisation's name ("Leonid Vasyukevich, a lawmaker").

    Only for an active verb with content of its own: in "Foley beheaded by ISIS" the subject is who it was
    done to, and "have"/"get" say little of who did what. An acronym may be another name's alias ("ISIS",
    "Islamic State"), so it is no actor here; nor is a capitalised common noun of a headline ("Prankster").
    """
    if lemma(verb).lower() in _LIGHT_VERBS or any(c.dep_ in ("agent", "auxpass") for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "nsubj" and child.ent_type_ in ("PERSON", "ORG"):
            words = [w for w in child.subtree if w.ent_type_ in ("PERSON", "ORG") and w.ent_iob_ != "O"
                     and (w.i == child.i or w.dep_ in ("compound", "flat"))] or [child]
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            text = verb.doc.text[start:end]
            return None if text.isupper() else Span(start, end, text)
    return None


def _is_negated(token) -> bool:  # noqa: ANN001
    """Whether a word is negated: itself, through a copula, or by "without" / "fail to".

    "did not sign", "no evidence", "never"; "was not official" (the copula of a predicate adjective).
    """
    def direct(t) -> bool:  # noqa: ANN001
        return any(c.dep_ == "neg" or c.lower_ in ("no", "never") for c in t.children)

    if direct(token):
        return True
    head = token.head
    if token.dep_ in ("acomp", "attr", "xcomp") and head is not token and direct(head):
        return True
    if token.dep_ == "pobj" and head.lower_ == "without":
        return True
    return token.dep_ == "xcomp" and lemma(head) in ("fail", "refuse")


def _speaker(verb) -> Span | None:  # noqa: ANN001
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ != "PRON":
            words = list(child.subtree)
            return Span(words[0].idx, words[-1].idx + len(words[-1].text),
                        verb.doc.text[words[0].idx: words[-1].idx + len(words[-1].text)])
    return None


# ---------------------------------------------------------------- comparing


def compare(claim: Parsed, sources: Sequence[Parsed], context: Parsed | None = None,
            invented: Iterable[str] = ("entity", "number", "date", "qualifier", "word")) -> list[DetailFinding]:
    """The details of `claim` that its best-matching `sources` change, and those no source states.

    Args:
        claim: the retelling sentence (or a claim).
        sources: the source sentences it retells, best match first; conflicts are read against them.
        context: the whole source, for whether a detail is stated anywhere (default: `sources`).
        invented: which kinds of detail missing from the context are reported as `invented` (`check`
            asks only for qualifiers: an evidence sentence need not repeat every name of the claim).

    Returns:
        Findings in claim order; a claim detail gets at most one.
    """
    wanted = set(invented)
    known = set(context.words) if context else set().union(*(s.words for s in sources))
    known_text = (context.text if context else " ".join(s.text for s in sources)).lower()
    found: list[DetailFinding] = []
    found += _entity_findings(claim, sources, known_text, known, wanted)
    found += _number_findings(claim, sources, context, wanted)
    found += _date_findings(claim, sources, known, wanted)
    found += _contrast_findings(claim, sources, wanted)
    found += _approximation_findings(claim, sources)
    found += _negation_findings(claim, sources)
    found += _hedge_findings(claim, sources)
    found += _speaker_findings(claim, sources)
    if "word" in wanted:
        found += _invented_words(claim, known, found)
    seen: set[tuple[int, int]] = set()
    unique = []
    for f in sorted(found, key=lambda f: (f.claim.start, FINDING_TYPES.index(f.type))):
        if (f.claim.start, f.claim.end) not in seen:
            seen.add((f.claim.start, f.claim.end))
            unique.append(f)
    return unique


def compare_texts(claim: str, sources: Sequence[str],
                  invented: Iterable[str] = ("entity", "number", "date", "qualifier")) -> list[DetailFinding]:
    """`compare` on plain strings (parsed here): the entry point for stages holding two mentions' texts."""
    parsed = read([claim, *sources])
    return compare(parsed[0], parsed[1:], invented=invented)


def _finding(kind: str, claim: Parsed, start: int, end: int, reason: str, source: Parsed | None = None,
             s_start: int = 0, s_end: int = 0, index: int = -1, detail: str = "") -> DetailFinding:
    span = Span(s_start, s_end, source.text[s_start:s_end]) if source is not None else None
    return DetailFinding(kind, Span(start, end, claim.text[start:end]), span, reason, detail or kind,
                         index if source is not None else -1)


def _prefix(word: str) -> str:
    """Enough of a word to match its other forms: "Russian" ~ "Russia", "Kenyan" ~ "Kenya"."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def name_stated(name: str, text_lower: str, words: set[str] | frozenset[str]) -> bool:
    """Whether a name, or one of its telling words in any form, occurs in a text."""
    name = re.sub(r"^(the|a|an)\s+|['’]s$", "", name.strip(), flags=re.I).lower()
    if not name or name in text_lower:
        return True
    parts = [w for w in re.findall(r"[a-z0-9]+", name) if len(w) > 2 and w not in ("the", "and", "of")]
    return any(any(v.startswith(_prefix(p)) for v in words) for p in parts)


def _entity_findings(claim: Parsed, sources: Sequence[Parsed], known_text: str, known: set[str],
                     wanted: set[str]) -> list[DetailFinding]:
    """A name the source never states: swapped for the source's name of the same kind, or invented."""
    found = []
    claim_lower = claim.text.lower()
    for text, label, start, end in claim.entities:
        if label not in NAME_LABELS or name_stated(text, known_text, known):
            continue
        swap = _same_kind_name(label, sources, claim_lower, claim.words)
        if swap:
            i, (s_text, _s_label, s_start, s_end) = swap
            found.append(_finding("entity", claim, start, end, f"'{text}' where the source names '{s_text}'",
                                  sources[i], s_start, s_end, i))
        elif "entity" in wanted:
            found.append(_finding("invented", claim, start, end, f"'{text}' is not in the source", detail="entity"))
    return found


def _same_kind_name(label: str, sources: Sequence[Parsed], claim_lower: str, claim_words: frozenset[str]):  # noqa: ANN202
    """(source index, entity) of the first source name of the same kind that the claim does not state."""
    kinds = _PLACES if label in _PLACES else {label}
    for i, source in enumerate(sources):
        for ent in source.entities:
            if ent[1] in kinds and not name_stated(ent[0], claim_lower, claim_words):
                return i, ent
    return None


def _number_findings(claim: Parsed, sources: Sequence[Parsed], context: Parsed | None,
                     wanted: set[str]) -> list[DetailFinding]:
    """A number no source bears out: changed (the aligned source has another) or invented."""
    found = []
    stated = [n for s in ([context] if context else sources) for n in find_numbers(s.text)]
    for number in find_numbers(claim.text):
        if claim.text[number.start:number.end].isalpha() and number.value < 2:
            continue  # "one of them": a number word that is seldom a figure
        if any(numbers_compatible(number, other) for other in stated):
            continue
        nearby = [(i, n) for i, s in enumerate(sources) for n in find_numbers(s.text)]
        text = claim.text[number.start:number.end]
        if nearby:
            i, other = nearby[0]
            found.append(_finding("number", claim, number.start, number.end,
                                  f"{text} where the source says {sources[i].text[other.start:other.end]}",
                                  sources[i], other.start, other.end, i))
        elif "number" in wanted:
            found.append(_finding("invented", claim, number.start, number.end, f"{text} is not in the source",
                                  detail="number"))
    return found


def _date_kind(token: Token) -> str | None:
    if _YEAR.match(token.text):
        return "year"
    return _DATE_WORDS.get(token.lower)


def _date_findings(claim: Parsed, sources: Sequence[Parsed], known: set[str], wanted: set[str]) -> list[DetailFinding]:
    """A weekday, month or year the source does not give: another of the same kind there, or invented."""
    found = []
    for tok in claim.tokens:
        kind = _date_kind(tok)
        if kind is None or tok.lower in known:
            continue
        other = next(((i, t) for i, s in enumerate(sources) for t in s.tokens
                      if _date_kind(t) == kind and t.lower not in claim.words), None)
        if other:
            i, t = other
            found.append(_finding("date", claim, tok.start, tok.end, f"{tok.text} where the source says {t.text}",
                                  sources[i], t.start, t.end, i))
        elif "date" in wanted:
            found.append(_finding("invented", claim, tok.start, tok.end, f"{tok.text} is not in the source",
                                  detail="date"))
    return found


def _contrast_findings(claim: Parsed, sources: Sequence[Parsed], wanted: set[str]) -> list[DetailFinding]:
    """A qualifier or a word whose opposite the source uses (lexicon), or a qualifier the source lacks."""
    found = []
    for tok, form in claim.forms():
        for kind, name, cls in lexicon.contrasts(form):
            table = lexicon.QUALIFIERS if kind == "qualifier" else lexicon.ANTONYMS
            classes = {w: c for w, c in table[name].items()}
            if _class_present(claim, classes, cls, exclude=tok):
                continue  # the claim itself speaks of both sides
            hits = [(i, t, classes[f]) for i, s in enumerate(sources) for t, f in s.forms() if f in classes]
            if any(c == cls and _same_use(tok, t) for _i, t, c in hits):
                continue
            opposite = next(((i, t) for i, t, c in hits if c != cls and not t.negated and not tok.negated), None)
            if opposite:
                i, t = opposite
                found.append(_finding(kind, claim, tok.start, tok.end,
                                      f"'{tok.text}' where the source says '{t.text}'", sources[i], t.start, t.end, i))
            elif kind == "qualifier" and "qualifier" in wanted:
                found.append(_finding("invented", claim, tok.start, tok.end,
                                      f"'{tok.text}' is not stated in the source", detail="qualifier"))
    return found


def _same_use(a: Token, b: Token) -> bool:
    """Whether two words of one class are used alike: "officials" (a noun) does not state "official"."""
    return not (a.modifier and not b.modifier and a.lemma == b.lemma)


def _class_present(parsed: Parsed, classes: dict[str, str], cls: str, exclude: Token) -> bool:
    return any(f in classes and classes[f] != cls and t is not exclude for t, f in parsed.forms())


def _approximation_findings(claim: Parsed, sources: Sequence[Parsed]) -> list[DetailFinding]:
    """"collapsed" where the source says "nearly collapsed", and the reverse."""
    found = []
    claim_approx = _approximated(claim)
    for i, source in enumerate(sources):
        source_approx = _approximated(source)
        for tok in claim.tokens:
            if tok.pos not in ("VERB", "ADJ", "NOUN", "NUM"):
                continue
            same = [t for t in source.tokens if t.lemma == tok.lemma]
            if not same or any((t.start in source_approx) == (tok.start in claim_approx) for t in same):
                continue
            t = same[0]
            reason = (f"'{tok.text}' where the source says it only nearly happened" if t.start in source_approx
                      else f"'nearly {tok.text}' where the source says '{t.text}'")
            found.append(_finding("qualifier", claim, tok.start, tok.end, reason, source, t.start, t.end, i))
    return found


def _approximated(parsed: Parsed) -> set[int]:
    """Starts of the tokens an approximator ("nearly", "almost") governs, up to two words on."""
    marked: set[int] = set()
    for k, tok in enumerate(parsed.tokens):
        if tok.lower in _APPROXIMATORS:
            marked.update(t.start for t in parsed.tokens[k + 1: k + 3])
    return marked


def _negation_findings(claim: Parsed, sources: Sequence[Parsed]) -> list[DetailFinding]:
    """A word the source uses too, negated on one side only."""
    found = []
    for tok in claim.tokens:
        if tok.pos not in ("VERB", "ADJ", "NOUN", "AUX") or tok.lemma in ("be", "have", "do"):
            continue
        same = [(i, t) for i, s in enumerate(sources) for t in s.tokens if t.lemma == tok.lemma]
        if not same or any(t.negated == tok.negated for _i, t in same):
            continue
        i, t = same[0]
        reason = f"'{tok.text}' is negated here, not in the source" if tok.negated else \
            f"the source negates '{t.text}'"
        found.append(_finding("negation", claim, tok.start, tok.end, reason, sources[i], t.start, t.end, i))
    return found


def _hedge_findings(claim: Parsed, sources: Sequence[Parsed]) -> list[DetailFinding]:
    """The best-matching source hedges ("reportedly", "is said to") what the claim asserts."""
    if not sources or find_hedges(claim.text):
        return []
    best = sources[0]
    hedges = [h for h in find_hedges(best.text) if h in _HEDGES_THAT_COUNT]
    if not hedges:
        return []
    at = best.text.lower().find(hedges[0])
    return [_finding("hedge", claim, 0, len(claim.text), f"asserted; the source hedges it ('{hedges[0]}')",
                     best, at, at + len(hedges[0]), 0)]


def _speaker_findings(claim: Parsed, sources: Sequence[Parsed]) -> list[DetailFinding]:
    """Words given to someone the source does not name, where the source names another speaker."""
    found = []
    claim_lower = claim.text.lower()
    for speaker in claim.speakers:
        for i, source in enumerate(sources):
            if name_stated(speaker.text, source.text.lower(), source.words):
                break
            other = next((s for s in source.speakers if not name_stated(s.text, claim_lower, claim.words)), None)
            if other:
                found.append(_finding("speaker", claim, speaker.start, speaker.end,
                                      f"said by '{speaker.text}'; the source has '{other.text}' say it",
                                      source, other.start, other.end, i))
                break
    return found + _actor_findings(claim, sources)


def _words_of(name: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", name.lower()))


def _actor_findings(claim: Parsed, sources: Sequence[Parsed]) -> list[DetailFinding]:
    """A deed given to another person: the source's same verb has a subject the claim does not name.

    "Boris Bondarev requested the pullout" against "Leonid Vasyukevich ... requested the immediate pullout":
    the article may name Bondarev elsewhere, so the entity check (against the whole source) lets it pass.
    """
    found = []
    for verb, subject in claim.actors:
        for i, source in enumerate(sources):
            other = next((s for v, s in source.actors if v == verb), None)
            if other is None:
                continue
            # subject against subject: "Ryan called Biden's remarks malarkey" names both, the other way round
            if not name_stated(subject.text, other.text.lower(), _words_of(other.text)) \
                    and not name_stated(other.text, subject.text.lower(), _words_of(subject.text)):
                found.append(_finding("actor", claim, subject.start, subject.end,
                                      f"'{subject.text}' where the source has '{other.text}' ({verb})",
                                      source, other.start, other.end, i))
            break
    return found


def _invented_words(claim: Parsed, known: set[str], found: list[DetailFinding]) -> list[DetailFinding]:
    """Content words the source never uses, in no form (a changed or added detail a lexicon cannot name)."""
    taken = [(f.claim.start, f.claim.end) for f in found]
    prefixes = {w[:6] for w in known if len(w) >= 6}
    out = []
    for tok in claim.tokens:
        if (tok.pos not in _CONTENT_POS or len(tok.lower) < 3 or tok.lemma in _FRAME_WORDS
                or any(s <= tok.start < e for s, e in taken) or tok.lower in known or tok.lemma in known):
            continue
        if len(tok.lower) >= 6 and tok.lower[:6] in prefixes:
            continue  # another form of a source word ("resignation" for "resigned")
        detail = "entity" if tok.pos == "PROPN" else "word"
        out.append(_finding("invented", claim, tok.start, tok.end, f"'{tok.text}' is not in the source",
                            detail=detail))
    return out
