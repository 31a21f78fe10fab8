"""Attributions: who said, reported or estimated what, read off the dependency parse.

An attribution is a cue ("said", "according to", "per", "citing"), the source(s) behind it and the
content attributed. Sources run outer to primary: in "Reuters cited a source close to the
ministry as saying" the chain is (Reuters, a source close to the ministry). All spans
are character offsets into the text the sentences were cut from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wiretrace.claims.nlp import lemma

Span = tuple[int, int]

# Lemmas of verbs that introduce reported speech, thought or findings.
CUE_LEMMAS = frozenset(
    "say tell add claim report announce explain state note argue insist write warn suggest believe"
    " think reveal confirm deny acknowledge admit estimate cite quote learn ask respond reply tweet"
    " predict show find indicate declare conclude assert contend maintain stress emphasize emphasise"
    " describe accuse allege urge promise vow pledge hope expect fear worry know agree recall"
    " criticize propose post share testify complain boast concede observe remark mention caution"
    " demand read continue lament charge speculate disclose divulge assure blame praise call want seek"
    " condemn endorse imply refuse decline understand portray defend support oppose reject dismiss"
    " downplay question slam blast attack applaud welcome recommend request criticise tout"
    # PolNeAR counts any expressed stance or message as attributed: discussing, thanking, backing...
    " discuss talk speak comment repeat echo express articulate answer joke shout yell email plead protest"
    " mock thank congratulate denounce decry disavow highlight point offer name back prefer intend plan"
    " unveil promote encourage challenge see release feature focus"
    # Acts of public stance taking, measured on PolNeAR train (each marks an annotated source over 40% of the
    # time it has a subject): "Trump railed against ...", "Sanders outlined ...", "Cruz invoked ...".
    " rail list invoke order reiterate outline publish issue envision wonder press compare signal advocate"
    " apologize rule refer push remind threaten lay nominate embrace underscore introduce identify recount"
    " chant spar file".split()
) - frozenset(
    # Measured on PolNeAR train: as bare cues these mark mostly unannotated private states ("he thinks",
    # "continues to"); with a "that" clause they still count (`_takes_that_clause`).
    "think know find maintain".split()
)
# Verbs of saying: whatever follows them in their subtree is what was said.
SPEECH_LEMMAS = frozenset("say tell add write claim state argue insist warn explain announce declare".split())
# Cues that take what they attribute as an object or infinitive ("condemned the attack", "wants to win").
VERB_PHRASE_CUES = CUE_LEMMAS - frozenset("say tell add write ask".split())
# Cues that only count with a clause or quote as content (they are common in other senses).
WEAK_CUES = frozenset("know read continue share find show post hope fear expect think".split())
# Nouns that stand for the organisation behind them: "a report by Reuters" -> Reuters.
REPORT_NOUNS = frozenset(
    "report statement story article analysis memo document study poll survey data estimate figure"
    " release letter filing record account investigation review assessment tally count post tweet"
    " interview publication".split()
)
# Nouns that carry their owner's stance or message: "Cruz's refusal to disavow ...". Not "comment",
# "statement", "plan", "support", "decision": measured on PolNeAR train, their owner is rarely marked as a
# source ("Clinton's support by 12 points", "Trump's comments").
STANCE_NOUNS = frozenset(
    "endorsement refusal criticism platform pledge promise claim remarks stance warning argument opinion belief"
    " announcement praise message accusation demand denial defense defence insistence suggestion assertion vow"
    " threat reply answer request".split()
)

SUBJECT_DEPS = ("nsubj", "nsubjpass")
_DROP_IN_SHORT = frozenset(["relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis", "prep"])
_EDGE_PUNCT = " ,;:-–—"
_CLOSING_QUOTES = ("”", '"', "’", "''")


@dataclass(frozen=True)
class Source:
    """One link of an attribution chain: the span as written and a shorter name for display."""

    span: Span
    description: str
    name: str


@dataclass(frozen=True)
class Attribution:
    """A cue with its source chain (outer to primary) and its content pieces."""

    cue: Span
    sources: tuple[Source, ...]
    content: tuple[Span, ...]

    @property
    def primary(self) -> Source | None:
        """The innermost source, the one closest to the facts."""
        return self.sources[-1] if self.sources else None


def find_attributions(
    text: str, sentences: Sequence[Span], docs: Sequence, quotes: Sequence[Span] = ()
) -> list[Attribution]:
    """All attributions in parsed sentences (`docs[i]` is the parse of `text[sentences[i]]`).

    Cues inside a direct quote ("I think ...") belong to the quoted speaker's own words and are skipped:
    the quote as a whole is what gets attributed.
    """
    found: list[Attribution] = []
    for (start, end), doc in zip(sentences, docs, strict=True):
        colon = _colon_attribution(text, start, end)
        if colon is not None:
            found.append(colon)
        for token in doc:
            attribution = _attribution_at(text, start, token)
            if attribution is not None and not any(q[0] < attribution.cue[0] < q[1] for q in quotes):
                found.append(attribution)
    return found


# No "^": `match(text, pos)` already anchors at pos, and "^" would only match at the text's start.
_COLON = re.compile(r"(?:.{0,120}?\s[-—–]\s+)?([A-Z][\w.’'&]*(?:\s+[A-Z&][\w.’'&]*){0,5}):\s+(?=[“\"‘'A-Z])")


# Words before a colon that label a section rather than name a speaker ("Breaking:", "Editor's Note:").
_LABEL = re.compile(
    r"\b(?:breaking|latest|contributing|revealed|note|correction|byline|update|name|remember|question|answer"
    r"|watch|photo|video|related|wow|exclusive|read|listen|source|sources|tags?)\b",
    re.IGNORECASE,
)


def _colon_attribution(text: str, start: int, end: int) -> Attribution | None:
    """`Philip Bump: "Two weeks ago ..."`, `Rubio: I Still Believe ...` (a name, a colon, the words)."""
    match = _COLON.match(text, start, end)
    if match is None or match.end() >= end - 3:
        return None
    name = match.group(1)
    if len(name) < 2 or _LABEL.search(name):
        return None
    source = Source((match.start(1), match.end(1)), name, name)
    content = _trimmed_span(text, match.end(), end)
    return Attribution((match.end(1), match.end(1) + 1), (source,), (content,))


def _attribution_at(text: str, base: int, token) -> Attribution | None:
    """The attribution whose cue is `token`, if it is one."""
    lower = token.lower_
    if lower == "according" and any(c.lower_ == "to" for c in token.children):
        to = next(c for c in token.children if c.lower_ == "to")
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return None
        cue = (base + token.idx, base + to.idx + len(to))
        return _adverbial(text, base, token, cue, objects[0])
    if lower == "per" and token.dep_ == "prep":
        objects = [c for c in token.children if c.dep_ == "pobj"]
        if objects and _is_source_noun(objects[0]):
            return _adverbial(text, base, token, _tok_span(base, token), objects[0])
        return None
    if token.pos_ in ("VERB", "AUX") and (lemma(token).lower() in CUE_LEMMAS or _takes_that_clause(token)):
        return _verbal(text, base, token)
    if token.pos_ == "NOUN" and lemma(token).lower() in STANCE_NOUNS:
        return _nominal(text, base, token)
    return None


def _nominal(text: str, base: int, noun) -> Attribution | None:
    """`Cruz's refusal to disavow ...`, `Graham's endorsement of Cruz`: a stance noun with its owner.

    Only a possessive owner counts ("the refusal" alone names nobody); the content is what the noun
    governs (its infinitive, clause or "of"/"for"/"on" phrase).
    """
    owner = next((c for c in noun.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None)
    if owner is None:
        return None
    governed = [c for c in noun.children if c.i > noun.i and c.dep_ in ("acl", "prep", "ccomp", "relcl")]
    if not governed:
        return None
    content = _trimmed(text, base, governed[0].left_edge.i, max(c.right_edge.i for c in governed), noun.doc)
    if not content:
        return None
    cue = _tok_span(base, noun)
    start, end = _trimmed_span(text, base + owner.left_edge.idx, base + owner.idx + len(owner))
    return Attribution(cue, (Source((start, end), text[start:end], text[start:end]),), content)


def _takes_that_clause(verb) -> bool:
    """Any verb with a "that" clause reports a stance or finding ("Trump insinuated that ...")."""
    return verb.pos_ == "VERB" and any(
        c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children) for c in verb.children
    )


def _adverbial(text: str, base: int, token, cue: Span, obj) -> Attribution | None:
    """`according to X, ...` and `..., per estimates from X`: the content is the clause around it."""
    source = _source(text, base, obj)
    clause = token.head
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    content = _clause_minus(text, base, clause, token)
    return Attribution(cue, (source,), content) if content else None


def _verbal(text: str, base: int, verb) -> Attribution | None:
    """`X said Y`, `Y, X said`, `X cited Y as saying`, `..., citing Y`, `Y was reported by X`."""
    passive = _passive_agent(text, base, verb)
    if passive is not None:
        return passive
    subject = _subject(verb)
    if subject is None and verb.dep_ in ("advcl", "conj", "xcomp") and (verb.tag_ == "VBG" or _infinitive(verb)):
        subject = next((c for c in verb.head.children if c.dep_ in SUBJECT_DEPS), None)
        if lemma(verb) == "cite":
            subject = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if subject is None and verb.dep_ == "conj":
        subject = _subject(verb.head)
    if subject is None and verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.head.pos_ in ("VERB", "AUX"):
        # `Trump doubled down by blasting ...`: the subject of the verb the phrase modifies.
        subject = next((c for c in verb.head.head.children if c.dep_ == "nsubj"), None)
    if subject is None and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
        return _participle(text, base, verb)
    # Measured on PolNeAR train: generic "you" and object pronouns are rarely sources.
    if subject is None or subject.lower_ in ("there", "this", "that", "what", "whom", "you", "him", "them"):
        return None
    # Relative pronouns count as sources (PolNeAR marks "who" in "Obama, who claimed ..."), only as the
    # subject of the relative clause itself.
    if subject.lower_ in ("which", "who") and verb.dep_ != "relcl":
        return None
    sources = [_source(text, base, subject)]
    sources += _cited(text, base, verb)
    content = _content(text, base, verb)
    if not content and lemma(verb).lower() in WEAK_CUES and not _follows_quote(subject):
        return None
    if not content:
        content = _predicate(text, base, verb, subject)
    cue = _tok_span(base, verb)
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    if aux:
        cue = (base + aux[0].idx, cue[1])
    return Attribution(cue, tuple(sources), content)


def _infinitive(verb) -> bool:
    """`Beck used his platform to discuss ...`: an infinitive speaks for the subject of the verb it serves."""
    return verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _participle(text: str, base: int, verb) -> Attribution | None:
    """`a super PAC supporting Mrs. Clinton`, `ads attacking Bush`: the noun the participle hangs on speaks."""
    noun = verb.head
    if noun.i > verb.i or noun.lower_ in ("one", "those", "anyone", "everyone"):
        return None
    content = _predicate(text, base, verb, noun)
    if not content:
        return None
    last = verb.doc[verb.i - 1]
    start, end = _trimmed_span(text, base + noun.left_edge.idx, base + last.idx + len(last))
    if end <= start:
        return None
    source = Source((start, end), text[start:end], _short_name(text, base, noun))
    return Attribution(_tok_span(base, verb), (source,), content)


def _passive_agent(text: str, base: int, verb) -> Attribution | None:
    """`The move was first reported by MSNBC`: the agent is the source, the passive subject the content."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    said = next((c for c in verb.children if c.dep_ in ("nsubjpass", "csubjpass")), None)
    if agent is None or said is None:
        return None
    obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    content = _trimmed(text, base, said.left_edge.i, said.right_edge.i, verb.doc)
    if not content:
        return None
    cue = (base + verb.idx, base + agent.idx + len(agent))
    return Attribution(cue, (_source(text, base, obj),), content)


def _subject(verb):
    """Who speaks: the grammatical subject, or after a quote the noun the parser took for an object.

    Parsers read `"...," added another insider` and `"...," a member of the unit was quoted as saying`
    with the speaker as an object; after a closing quote that object is the speaker.
    """
    deps = SUBJECT_DEPS if lemma(verb) in ("quote", "cite") else ("nsubj",)
    subject = next((c for c in verb.children if c.dep_ in deps), None)
    after_quote = [t.i for t in verb.doc[: verb.i] if t.text in _CLOSING_QUOTES]
    # `"Thanks, Clarkston," said the host`: a subject before the closing quote is the quote itself.
    if subject is not None and not (after_quote and subject.i < after_quote[-1]):
        return subject
    if not after_quote:
        return subject
    candidates = list(verb.children) + (list(verb.head.children) if verb.dep_ == "conj" else [])
    for token in candidates:
        is_noun = token.dep_ in ("dobj", "attr", "npadvmod", "nsubj") and token.pos_ in ("NOUN", "PROPN", "PRON")
        if is_noun and token.i > after_quote[-1] and (subject is None or token.i > verb.i):
            return token
    return subject


def _follows_quote(subject) -> bool:
    """`"...," the documents read`: the speaker comes right after a closing quote and a comma."""
    start, doc = subject.left_edge.i, subject.doc
    return start >= 2 and doc[start - 1].text in ("”", '"') and doc[start - 2].text == ","


def _cited(text: str, base: int, verb) -> list[Source]:
    """Deeper sources: `cited/quoted Y as saying`, `said, citing Y`."""
    chain: list[Source] = []
    if lemma(verb) in ("cite", "quote") and any(c.lower_ == "as" for c in verb.children):
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None:
            chain.append(_source(text, base, obj))
    for child in verb.children:
        if lemma(child) == "cite" and child.tag_ == "VBG":
            obj = next((c for c in child.children if c.dep_ == "dobj"), None)
            if obj is not None:
                chain.append(_source(text, base, obj))
    return chain


def _content(text: str, base: int, verb) -> tuple[Span, ...]:
    """What the cue attributes: its clausal complement, or the clause it is tacked onto."""
    for child in verb.children:
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and lemma(verb) in ("urge", "want")):
            return _trimmed(text, base, child.left_edge.i, child.right_edge.i, verb.doc)
    if lemma(verb) in VERB_PHRASE_CUES and any(c.dep_ in ("dobj", "xcomp", "oprd") for c in verb.children):
        return _trimmed(text, base, verb.i + 1, verb.right_edge.i, verb.doc)
    if lemma(verb) in SPEECH_LEMMAS:
        # The small parser often files what follows "said" as xcomp, advcl or a stray child ("he said
        # legalizing it could..."): after a verb of saying, the rest of its subtree is what was said.
        after = [c for c in verb.children if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj", "dobj", "dative")]
        if after and lemma(verb) != "tell" or any(c.dep_ in ("xcomp", "advcl") for c in after):
            first = min(c.left_edge.i for c in after)
            last = max(c.right_edge.i for c in after)
            span = _trimmed(text, base, first, last, verb.doc)
            if span and len(text[span[0][0]:span[0][1]].split()) >= 3:
                return span
    head = verb.head
    if head.i != verb.i and verb.dep_ in ("parataxis", "ccomp", "advcl", "conj") and verb.i > head.i:
        left = verb.left_edge
        if left.i > 0 and verb.doc[left.i - 1].text in (",", "—", "–"):
            return _clause_minus(text, base, head, verb)
    return ()


def _predicate(text: str, base: int, verb, subject) -> tuple[Span, ...]:
    """What follows the cue in its own phrase: `spoke about the importance of ...`, `asked her to call`.

    PolNeAR counts whatever a source says, asks or does by speaking as content, so a cue with no clause
    still attributes its objects and prepositional phrases.
    """
    after = [c for c in verb.children if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj", "mark")
             and not c.left_edge.i <= subject.i <= c.right_edge.i]
    if after:
        found = _trimmed(text, base, min(c.left_edge.i for c in after), max(c.right_edge.i for c in after), verb.doc)
        if found:
            return found
    # `The golf industry, she said, is ...`, `a charge that Mrs. Clinton denied`: the host clause or noun.
    if verb.dep_ in ("parataxis", "ccomp", "advcl", "relcl") and verb.head.i != verb.i:
        return _clause_minus(text, base, verb.head, verb)
    return ()


def _clause_minus(text: str, base: int, clause, cut) -> tuple[Span, ...]:
    """The clause's extent with the `cut` subtree (the cue and its source) taken out: up to two pieces."""
    doc = clause.doc
    lo, hi = clause.left_edge.i, clause.right_edge.i
    cut_lo, cut_hi = cut.left_edge.i, cut.right_edge.i
    pieces = []
    if cut_lo > lo:
        pieces.extend(_trimmed(text, base, lo, cut_lo - 1, doc))
    if cut_hi < hi:
        pieces.extend(_trimmed(text, base, cut_hi + 1, hi, doc))
    return tuple(pieces)


def _trimmed(text: str, base: int, first: int, last: int, doc) -> tuple[Span, ...]:
    """Tokens first..last as a character span, without edge punctuation or a final period."""
    start = base + doc[first].idx
    end = base + doc[last].idx + len(doc[last])
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1] == "."):
        end -= 1
    words = text[start:end].split()
    if len(words) < 2:
        return ()
    return ((start, end),)


def _source(text: str, base: int, head) -> Source:
    """The source noun phrase as written, and its short name (report nouns give way to their author)."""
    start, end = _trimmed_span(text, base + head.left_edge.idx, base + head.right_edge.idx + len(head.right_edge))
    name_head = head
    if lemma(head).lower() in REPORT_NOUNS:
        by = _author_of(head)
        if by is not None:
            name_head = by
    return Source((start, end), text[start:end], _short_name(text, base, name_head))


def _author_of(noun):
    """`a report published by X`, `estimates from X`, `a poll of X` -> X."""
    for token in noun.subtree:
        if token.dep_ == "pobj" and token.head.lower_ in ("by", "from") and token.head.head.i >= noun.i:
            return token
        if token.dep_ == "agent":
            obj = next((c for c in token.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    return None


def _short_name(text: str, base: int, head) -> str:
    """The noun phrase without relative clauses, appositions and most prepositional phrases."""
    keep = [head]
    for child in head.children:
        if child.dep_ not in _DROP_IN_SHORT or _keeps_prep(head, child):
            keep.extend(child.subtree)
    first = min(t.i for t in keep)
    last = max(t.i for t in keep)
    doc = head.doc
    start, end = _trimmed_span(text, base + doc[first].idx, base + doc[last].idx + len(doc[last]))
    return text[start:end]


def _keeps_prep(head, child) -> bool:
    """Prepositions worth keeping: "one of its sources", "a former employee in the ministry"."""
    if child.dep_ != "prep" or child.i < head.i:
        return False
    if head.pos_ in ("NUM", "PRON") or head.lower_ in ("one", "some", "many", "most", "none", "all"):
        return True
    objects = [c for c in child.children if c.dep_ == "pobj"]
    named = any(o.pos_ == "PROPN" or any(c.pos_ == "PROPN" for c in o.children) for o in objects)
    return named and child.lower_ in ("of", "in", "at", "for", "from")


def _is_source_noun(token) -> bool:
    """Whether the object of "per" names a source rather than a rate ("per day")."""
    if lemma(token).lower() in REPORT_NOUNS:
        return True
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "PERSON", "GPE", "NORP")


def _trimmed_span(text: str, start: int, end: int) -> Span:
    """A span without edge punctuation."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _tok_span(base: int, token) -> Span:
    return base + token.idx, base + token.idx + len(token)
