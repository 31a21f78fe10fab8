"""Cross-check: line up what each outlet claims about one story.

Claims, quotes and figures of a story's articles ("mentions") are matched into claim groups by
meaning (MiniLM cosine) and wording (shared content words); each mention then gets a stance toward
its group from the stance model, read in both directions (`agree` when each entails the other,
`partial` when only one way holds — one adds or drops detail — and `contradict`). Discrepancies are
typed by explicit checks on the aligned pairs: another speaker, another number for the same quantity
at the same time, a dropped hedge, another date, or a plain contradiction.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wiretrace.crosscheck import checks
from wiretrace.ingest.dates import MONTH_NAME
from wiretrace.models import Article, Claim

STRONG_HEDGES = frozenset(
    "reportedly allegedly alleged purportedly supposedly apparently likely unlikely possibly probably"
    " unconfirmed unofficial unofficially informal rumor rumors rumour rumours rumored suspected".split()
)
VAGUE_SPEAKERS = re.compile(
    r"^(he|she|they|it|we|i|you|the source|a source|another source|sources|one source|the sources|an? insider"
    r"|another (\w+ )?insider|one of (its|their|the) sources|someone|a spokes\w+)$",
    re.I,
)
_DATE_WORDS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    + MONTH_NAME + r"\.?\s+\d{1,2}(?:,\s*\d{4})?)\b",
    re.I,
)


@dataclass(frozen=True)
class AlignOptions:
    """Thresholds of the alignment.

    Attributes:
        link_cosine: two mentions this similar in meaning belong together.
        link_cosine_lexical: lower cosine that still links when they also share many words.
        link_overlap: share of content words that, with `link_cosine_lexical`, links two mentions.
        group_cosine: a mention joins a group only if its mean cosine to the members reaches this.
        contradict: contradiction probability that makes a mention `contradict`.
        entail: entailment probability that counts as "entails" in one direction.
        min_statement_score: statements less check-worthy than this are left out.
        related_cosine: groups this similar are read against each other for contradictions.
    """

    link_cosine: float = 0.72
    link_cosine_lexical: float = 0.55
    link_overlap: float = 0.4
    group_cosine: float = 0.55
    contradict: float = 0.55
    entail: float = 0.5
    min_statement_score: float = 0.4
    related_cosine: float = 0.5
    cross_event_contradict: float = 0.8


@dataclass
class Mention:
    """A claim as it appears in one article, with the source it counts for."""

    claim: Claim
    article: Article
    outlet: str
    source: str  # the copy group (copies count once)
    stance: str = "agree"
    event: str | None = None  # the story's event its article belongs to, where known
    probabilities: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The dossier's mention shape."""
        return {
            "claim": self.claim.id, "article": self.article.id, "outlet": self.outlet, "kind": self.claim.kind,
            "text": self.claim.text, "start": self.claim.start, "end": self.claim.end, "stance": self.stance,
            "speaker": self.claim.speaker, "attribution": list(self.claim.attribution),
            "hedges": list(self.claim.hedges),
        }


@dataclass
class ClaimGroup:
    """Mentions of one claim across articles, with its status and where it came from."""

    id: str
    text: str
    kind: str
    mentions: list[Mention]
    status: str = "single-source"
    independent_sources: int = 1
    primary_source: str | None = None

    @property
    def articles(self) -> list[str]:
        """Articles that mention it, in mention order, once each."""
        return list(dict.fromkeys(m.article.id for m in self.mentions))

    def to_dict(self) -> dict[str, Any]:
        """The dossier's claim shape."""
        return {
            "id": self.id, "text": self.text, "kind": self.kind, "status": self.status, "articles": self.articles,
            "independent_sources": self.independent_sources, "primary_source": self.primary_source,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass
class Discrepancy:
    """Two mentions of one claim that disagree, and how."""

    type: str  # speaker | number | hedge | date | fact
    group: str
    mentions: list[Mention]
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """The dossier's discrepancy shape."""
        return {
            "type": self.type, "claim": self.group, "articles": list(dict.fromkeys(m.article.id for m in self.mentions)),
            "mentions": [m.to_dict() for m in self.mentions], "detail": self.detail,
        }


# -- grouping -------------------------------------------------------------------------------------------
def collect_mentions(
    articles: Sequence[Article], claims: dict[str, list[Claim]], sources: dict[str, str], options: AlignOptions
) -> list[Mention]:
    """Mentions worth aligning: quotes, figures, and check-worthy statements, in article order."""
    mentions = []
    for article in articles:
        outlet = article.source_name
        for claim in claims.get(article.id, []):
            if claim.kind == "statement" and claim.score < options.min_statement_score:
                continue
            mentions.append(Mention(claim, article, outlet, sources.get(article.id, article.id)))
    return mentions


def group_mentions(mentions: list[Mention], vectors: np.ndarray, options: AlignOptions) -> list[list[int]]:
    """Greedy average-link grouping over linked pairs, strongest pairs first; deterministic."""
    n = len(mentions)
    if n == 0:
        return []
    sims = vectors @ vectors.T
    words = [checks.content_words(m.claim.text) for m in mentions]
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            if mentions[i].article.id == mentions[j].article.id:
                continue
            if _linked(sims[i, j], words[i], words[j], options):
                pairs.append((-float(sims[i, j]), i, j))
    pairs.sort()
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _neg, i, j in pairs:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        merged = members[gi] + members[gj]
        if float(sims[np.ix_(members[gi], members[gj])].mean()) < options.group_cosine:
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi] = sorted(merged)
        del members[gj]
    return sorted(members.values())


def _linked(cosine: float, a: set[str], b: set[str], options: AlignOptions) -> bool:
    if cosine >= options.link_cosine:
        return True
    if not a or not b:
        return False
    share = len(a & b) / min(len(a), len(b))
    return cosine >= options.link_cosine_lexical and share >= options.link_overlap


def representative(indices: list[int], mentions: list[Mention], vectors: np.ndarray) -> int:
    """The most central mention (ties: earliest published, then text order)."""
    if len(indices) == 1:
        return indices[0]
    block = vectors[indices] @ vectors[indices].T
    centrality = block.mean(axis=1)
    best = max(
        range(len(indices)),
        key=lambda k: (round(float(centrality[k]), 4), -_date_key(mentions[indices[k]].article), -k),
    )
    return indices[best]


def _date_key(article: Article) -> int:
    return int((article.published or "9999-12-31").replace("-", ""))


# -- stance -----------------------------------------------------------------------------------------------
def assign_stances(group: list[Mention], rep: Mention, model: Any, options: AlignOptions) -> None:
    """Each mention's stance toward the group's representative, from both reading directions."""
    others = [m for m in group if m is not rep]
    rep.stance = "agree"
    if not others:
        return
    pairs = [(rep.claim.text, m.claim.text) for m in others] + [(m.claim.text, rep.claim.text) for m in others]
    probs = model.predict_batch(pairs)
    labels = list(model.labels)
    e, c = labels.index("entailment"), labels.index("contradiction")
    half = len(others)
    for k, mention in enumerate(others):
        forward, backward = probs[k], probs[half + k]
        contradiction = max(float(forward[c]), float(backward[c]))
        mention.probabilities = {"forward_entail": float(forward[e]), "backward_entail": float(backward[e]),
                                 "contradiction": contradiction}
        if contradiction >= _contradict_threshold(rep, mention, options):
            mention.stance = "contradict"
        elif forward[e] >= options.entail and backward[e] >= options.entail:
            mention.stance = "agree"
        elif max(forward[e], backward[e]) >= options.entail or checks.overlap(rep.claim.text, mention.claim.text) >= 0.8:
            mention.stance = "partial" if checks.overlap(rep.claim.text, mention.claim.text) < 0.9 else "agree"
        else:
            mention.stance = "partial"


def _contradict_threshold(a: Mention, b: Mention, options: AlignOptions) -> float:
    """The contradiction probability needed between two mentions.

    Mentions from different events of one story usually speak of different happenings (another state's
    primary, a later day); the stance model, trained to call a swapped place or name a contradiction,
    flags those too, so across events it takes a much stronger contradiction.
    """
    if a.event is not None and b.event is not None and a.event != b.event:
        return options.cross_event_contradict
    return options.contradict


def _figures_conflict(a: Mention, b: Mention) -> bool:
    """Same quantity at the same time with incompatible values (other dates make a time series).

    Only figures are compared: a sentence's bare numbers ("5 a.m.", "14 were taken to hospital")
    count different things too often to be set against each other.
    """
    if a.claim.kind != "figure" or b.claim.kind != "figure" or a.claim.value is None or b.claim.value is None:
        return False
    if effective_date(a) != effective_date(b):
        return False
    first = checks.Number(a.claim.value, a.claim.qualifier is not None, 0, 0)
    second = checks.Number(b.claim.value, b.claim.qualifier is not None, 0, 0)
    return not checks.numbers_compatible(first, second)


def _subject_key(subject: str) -> frozenset[str]:
    return frozenset(checks.content_words(subject))


# -- discrepancies ----------------------------------------------------------------------------------------
def find_discrepancies(group: ClaimGroup) -> list[Discrepancy]:
    """Typed disagreements between mentions of one group, each pair of articles reported once per type."""
    found: list[Discrepancy] = []
    seen: set[tuple[str, str, str]] = set()
    mentions = group.mentions
    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            if a.article.id == b.article.id or a.source == b.source and a.claim.text == b.claim.text:
                continue
            for kind, detail in _pair_discrepancies(a, b):
                key = (kind, *sorted((a.source, b.source)))  # copies of one report: reported once
                if key not in seen:
                    seen.add(key)
                    found.append(Discrepancy(kind, group.id, [a, b], detail))
    return found


def _pair_discrepancies(a: Mention, b: Mention) -> list[tuple[str, str]]:
    out = []
    speaker = _speaker_conflict(a, b)
    if speaker:
        out.append(("speaker", speaker))
    if _figures_conflict(a, b):
        out.append(("number", f"{a.outlet} gives {_numbers_text(a)}, {b.outlet} gives {_numbers_text(b)}"))
    hedge = _dropped_hedge(a, b) or _dropped_hedge(b, a)
    if hedge and "contradict" not in (a.stance, b.stance):
        out.append(("hedge", hedge))
    dates = _date_conflict(a, b)
    if dates:
        out.append(("date", dates))
    figures = a.claim.kind == "figure" or b.claim.kind == "figure"
    if not out and not figures and "contradict" in (a.stance, b.stance) and a.stance != b.stance:
        out.append(("fact", f"{b.outlet if b.stance == 'contradict' else a.outlet} contradicts the other account"))
    return out


def speaker_key(speaker: str | None) -> set[str]:
    """What identifies a speaker beyond their role: names and organisations (capitalized words, acronyms)."""
    if not speaker or VAGUE_SPEAKERS.match(speaker.strip()):
        return set()
    words = re.findall(r"\b([A-Z][A-Za-z]+|[A-Z]{2,})\b", speaker)
    skip = {"The", "A", "An", "One", "Another", "Former", "Senior", "Russian", "American", "British"}
    return {w.lower() for w in words if w not in skip}


def _speaker_conflict(a: Mention, b: Mention) -> str | None:
    if a.claim.kind not in ("quote", "statement") or b.claim.kind not in ("quote", "statement"):
        return None
    sa = a.claim.speaker_description or a.claim.speaker
    sb = b.claim.speaker_description or b.claim.speaker
    ka, kb = speaker_key(sa), speaker_key(sb)
    if not ka or not kb or ka & kb or _aliases(ka, kb):
        return None
    return f"{a.outlet} attributes it to {a.claim.speaker or sa!s}; {b.outlet} to {b.claim.speaker or sb!s}"


def _aliases(a: set[str], b: set[str]) -> bool:
    """An acronym on one side that spells a name on the other (FSB ~ Federal Security Service)."""
    for x, y in ((a, b), (b, a)):
        initials = "".join(sorted(w[0] for w in y))
        if any(len(w) >= 2 and sorted(w) == sorted(initials[: len(w)]) for w in x):
            return True
    return False


def _dropped_hedge(a: Mention, b: Mention) -> str | None:
    strong = [h for h in a.claim.hedges if h in STRONG_HEDGES]
    if not strong or any(h in STRONG_HEDGES for h in b.claim.hedges):
        return None
    return f"{a.outlet} says \"{strong[0]}\"; {b.outlet} states it without the hedge"


def _date_conflict(a: Mention, b: Mention) -> str | None:
    da = {d.lower() for d in _DATE_WORDS.findall(a.claim.text)}
    db = {d.lower() for d in _DATE_WORDS.findall(b.claim.text)}
    if da and db and not da & db:
        return f"{a.outlet} dates it {', '.join(sorted(da))}; {b.outlet} {', '.join(sorted(db))}"
    return None


def _numbers_text(m: Mention) -> str:
    if m.claim.kind == "figure" and m.claim.value is not None:
        qualifier = f"{m.claim.qualifier} " if m.claim.qualifier else ""
        return f"{qualifier}{m.claim.value:,.0f}"
    return ", ".join(f"{n.value:,.0f}" for n in checks.find_numbers(m.claim.text)) or "no number"


# -- independence -----------------------------------------------------------------------------------------
def primary_of(claim: Claim, outlet: str | None = None) -> str | None:
    """The innermost named source of a mention's attribution chain ("iStories"), if it names one.

    Anonymous links ("a source close to the administration", "a former FSB officer") are skipped: they
    cannot be traced, so the named outlet or body that relayed them is the primary source on record.
    """
    chain = list(claim.attribution)
    if chain and outlet and chain[0] == outlet:
        chain = chain[1:]
    for link in reversed(chain):
        if _is_named(link):
            return _normal_name(link)
    return None


_GENERIC_HEADS = re.compile(
    r"\b(sources?|insiders?|officials?|officers?|employees?|people|persons?|experts?|analysts?|residents?"
    r"|witnesses?|staffers?|aides?|diplomats?|lawmakers?|acquaintance)\b",
    re.I,
)
_DESCRIPTOR = re.compile(
    r"^.*?\b(?:outlet|publication|newspaper|agency|site|website|channel|broadcaster|magazine|tabloid|daily)\s+"
    r"(?=[A-Za-z]*[A-Z])",
)


def _is_named(link: str) -> bool:
    if VAGUE_SPEAKERS.match(link.strip()) or _GENERIC_HEADS.search(link):
        return False
    return bool(re.search(r"\b[a-z]*[A-Z]", link))


def _normal_name(name: str) -> str:
    """Display name of a source: no article, no possessive, no descriptor ("independent publication X")."""
    name = _DESCRIPTOR.sub("", name.strip())
    return re.sub(r"^(the|a|an)\s+|[’']s$", "", name, flags=re.I).strip()


def independent_sources(mentions: Sequence[Mention]) -> list[str]:
    """Distinct sources: copies count once, and mentions tracing to one primary source count once."""
    keys: list[str] = []
    primaries: dict[str, str] = {}
    for m in mentions:
        primary = primary_of(m.claim, m.outlet)
        if primary:
            primaries.setdefault(m.source, primary.lower())
    for m in mentions:
        key = primaries.get(m.source, f"copy:{m.source}")
        if key not in keys:
            keys.append(key)
    return keys


def group_status(mentions: Sequence[Mention]) -> tuple[str, int]:
    """Status from independent sources on each side."""
    agree = independent_sources([m for m in mentions if m.stance != "contradict"])
    against = independent_sources([m for m in mentions if m.stance == "contradict"])
    total = len(independent_sources(mentions))
    if against and len(against) >= len(agree):
        return "contradicted", total
    if against:
        return "disputed", total
    return ("corroborated" if len(agree) >= 2 else "single-source"), total


def primary_source(mentions: Sequence[Mention]) -> str | None:
    """The primary source most mentions trace to (ties: the earliest article's)."""
    named = [primary_of(m.claim, m.outlet) for m in mentions]
    counts = Counter(p for p in named if p)
    if not counts:
        speakers = [m.claim.speaker for m in mentions if m.claim.speaker and speaker_key(m.claim.speaker)]
        return speakers[0] if speakers else None
    top = max(counts.values())
    return next(p for p in named if p and counts[p] == top)


# -- the whole alignment ----------------------------------------------------------------------------------
def align_claims(
    articles: Sequence[Article],
    claims: dict[str, list[Claim]],
    sources: dict[str, str],
    embedder: Any,
    model: Any,
    options: AlignOptions | None = None,
    events: dict[str, str] | None = None,
) -> tuple[list[ClaimGroup], list[Discrepancy]]:
    """Claim groups (largest first) and their discrepancies for one story's articles.

    `events` maps article id to its event within the story; without it every pair is judged as if from
    one event.
    """
    options = options or AlignOptions()
    mentions = collect_mentions(articles, claims, sources, options)
    if not mentions:
        return [], []
    for mention in mentions:
        mention.event = (events or {}).get(mention.article.id)
    figures = [m for m in mentions if m.claim.kind == "figure"]
    texts = [m for m in mentions if m.claim.kind != "figure"]
    groups: list[ClaimGroup] = []
    if texts:
        vectors = embedder.embed([m.claim.text for m in texts])
        for indices in group_mentions(texts, vectors, options):
            members = [texts[i] for i in indices]
            rep = texts[representative(indices, texts, vectors)]
            assign_stances(members, rep, model, options)
            groups.append(_make_group(members, rep))
    for members in group_figures(figures, embedder):
        rep = members[0]
        for m in members:
            m.stance = "contradict" if _figures_conflict(rep, m) else (
                "agree" if effective_date(m) == effective_date(rep) else "partial")
        groups.append(_make_group(members, rep))
    discrepancies = [d for g in groups for d in find_discrepancies(g)]
    discrepancies += contradictions_between(groups, embedder, model, options)
    groups.sort(key=lambda g: (-len(g.articles), -g.independent_sources, g.mentions[0].claim.start, g.id))
    return groups, discrepancies


def _make_group(members: list[Mention], rep: Mention) -> ClaimGroup:
    text = rep.claim.text
    if rep.claim.kind == "figure" and rep.claim.sentence_start is not None:
        text = rep.article.text[rep.claim.sentence_start : rep.claim.sentence_end]
    group = ClaimGroup(
        id="g" + hashlib.sha256("|".join(m.claim.id for m in members).encode()).hexdigest()[:12],
        text=text, kind=rep.claim.kind, mentions=members,
    )
    group.status, group.independent_sources = group_status(members)
    group.primary_source = primary_source(members)
    return group


def group_figures(figures: list[Mention], embedder: Any, min_cosine: float = 0.6) -> list[list[Mention]]:
    """Figures of the same quantity together; the exact, best-sourced, earliest one first.

    Figures are grouped by what they count, not by their own words ("a total of 199,460" says nothing
    about troops): the same unit, and either related subjects ("residents" ⊂ "residents evacuated") or
    sentences that say the same thing.
    """
    usable = [m for m in figures if m.claim.value is not None and m.claim.unit]
    if not usable:
        return []
    sentences = [_figure_sentence(m) for m in usable]
    vectors = embedder.embed(sentences)
    parent = list(range(len(usable)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(usable):
        for j in range(i + 1, len(usable)):
            b = usable[j]
            if a.claim.unit.lower() != b.claim.unit.lower():
                continue
            ka, kb = _subject_key(a.claim.subject or ""), _subject_key(b.claim.subject or "")
            related = bool(ka and kb and (ka <= kb or kb <= ka))
            if related or float(vectors[i] @ vectors[j]) >= min_cosine:
                parent[root(j)] = root(i)
    buckets: dict[int, list[Mention]] = {}
    for i, m in enumerate(usable):
        buckets.setdefault(root(i), []).append(m)
    ordered = []
    for members in buckets.values():
        backing = Counter()
        for value in {m.claim.value for m in members}:
            backing[value] = len({m.source for m in members if m.claim.value == value})
        # The representative: the value most independent sources give, then exact, sourced, earliest.
        members.sort(key=lambda m: (-backing[m.claim.value], m.claim.qualifier is not None,
                                    primary_of(m.claim, m.outlet) is None, _date_key(m.article), m.claim.start))
        ordered.append(members)
    return sorted(ordered, key=lambda ms: (ms[0].article.id, ms[0].claim.start))


def _figure_sentence(m: Mention) -> str:
    if m.claim.sentence_start is not None and m.claim.sentence_end is not None:
        return m.article.text[m.claim.sentence_start : m.claim.sentence_end]
    return m.claim.text


def effective_date(m: Mention) -> str | None:
    """The date a figure holds for: its own `as_of`, else its article's publication date."""
    return m.claim.as_of or m.article.published


def contradictions_between(
    groups: Sequence[ClaimGroup], embedder: Any, model: Any, options: AlignOptions, max_pairs: int = 200,
    max_readings: int = 6, max_texts: int = 3,
) -> list[Discrepancy]:
    """`fact` discrepancies between claim groups that talk about the same thing but did not align.

    A denial rarely shares enough wording with the claim it denies to be grouped with it ("no risk to
    drinking water" / "ammonia reached the drinking water supply"), so related groups from different
    sources are read against each other by the stance model: whole, and clause by clause with the
    reporting frame removed (`checks.clauses`), because a denial is often one clause of a longer
    statement. Two groups are related when any of their mentions are (up to `max_texts` distinct texts
    of each), and are read through their closest pair of texts: a group's representative text may be a
    bare quote ("no risk to drinking water.") while the sentence around another mention of it names the
    subject. The two mentions shown come from different sources.
    """
    textual = [g for g in groups if g.kind != "figure"]
    if len(textual) < 2:
        return []
    texts_of = [list(dict.fromkeys([g.text, *(m.claim.text for m in g.mentions)]))[:max_texts] for g in textual]
    distinct = list(dict.fromkeys(t for texts in texts_of for t in texts))
    row_of = {t: k for k, t in enumerate(distinct)}
    vectors = embedder.embed(distinct)
    rows = [row_of[t] for texts in texts_of for t in texts]  # each group's texts, contiguous
    starts = np.cumsum([0] + [len(texts) for texts in texts_of])[:-1]
    by_text = vectors[rows] @ vectors[rows].T
    sims = np.maximum.reduceat(np.maximum.reduceat(by_text, starts, axis=0), starts, axis=1)
    sources = [{m.source for m in g.mentions} for g in textual]
    candidates = []
    for i, j in zip(*np.nonzero(np.triu(sims >= options.related_cosine, k=1)), strict=True):
        if not (sources[i] & sources[j] and len(sources[i] | sources[j]) == 1):
            candidates.append((-float(sims[i, j]), int(i), int(j)))
    candidates = sorted(candidates)[:max_pairs]
    if not candidates:
        return []
    # Each group pair is read through its closest texts, whole and clause by clause (frames removed), both
    # directions; a pair's score is its strongest contradiction.
    closest: list[tuple[str, str]] = []
    pairs: list[tuple[str, str]] = []
    owner: list[int] = []
    for n, (_, i, j) in enumerate(candidates):
        whole = max(((a, b) for a in texts_of[i] for b in texts_of[j]),
                    key=lambda ab: float(vectors[row_of[ab[0]]] @ vectors[row_of[ab[1]]]))
        closest.append(whole)
        readings = [whole] + [(a, b) for a in checks.clauses(whole[0]) for b in checks.clauses(whole[1])
                              if (a, b) != whole]
        for a, b in readings[:max_readings]:
            pairs += [(a, b), (b, a)]
            owner += [n, n]
    probs = model.predict_batch(pairs)
    c = list(model.labels).index("contradiction")
    best = [0.0] * len(candidates)
    for k, n in enumerate(owner):
        best[n] = max(best[n], float(probs[k][c]))
    found = []
    for n, (_, i, j) in enumerate(candidates):
        score = best[n]
        text_a, text_b = closest[n]
        apart = [(a, b) for a in textual[i].mentions for b in textual[j].mentions if a.source != b.source]
        # The mentions shown: the laxest threshold first, then those whose texts were read.
        apart.sort(key=lambda pair: (_contradict_threshold(*pair, options),
                                     (pair[0].claim.text, pair[1].claim.text) != (text_a, text_b)))
        if apart and score >= _contradict_threshold(*apart[0], options):
            a, b = apart[0]
            found.append(Discrepancy("fact", textual[i].id, [a, b],
                                     f"{b.outlet} contradicts {a.outlet} (stance model, p={score:.2f})"))
    return found
