"""Stage: turn each article's clean text into claims (statements, quotes, figures) and entities.

Every claim points at exact offsets in `Article.text` and carries its attribution chain, outer (the
outlet) to primary (the person or body closest to the facts), and its hedges. The steps are split
into modules that each do one thing: `sentences` cuts, `nlp` parses, `attributions` reads who said
what off the parse, `quotes` pairs quotes with speakers, `figures` reads numbers, `hedges` and
`entities` annotate. This module only assembles their output into `Claim`s.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial

from wiretrace.claims.attributions import Attribution, Source, find_attributions
from wiretrace.claims.entities import find_entities
from wiretrace.claims.figures import find_figures, link_rounded
from wiretrace.claims.hedges import find_hedges
from wiretrace.claims.nlp import DEFAULT_MODEL, load_model, parse
from wiretrace.claims.quotes import Quote, attach_quotes, find_quote_spans
from wiretrace.claims.sentences import split_sentences
from wiretrace.engines.local import map_ahead, process_context, usable_cores
from wiretrace.models import Article, Claim, Entity
from wiretrace.store import Store
from wiretrace.store.problems import clear_problem, record_problem, stage_problems

# Bump when extraction changes, so `extract_store` redoes every article.
EXTRACTOR_VERSION = "claims-3"

Span = tuple[int, int]
PRONOUNS = frozenset(["he", "she", "they", "him", "her", "them", "i", "we", "you", "it"])
_BOILERPLATE = re.compile(
    r"^(read (more|the rest|also)|sign up|subscribe|follow (us|him|her)|click here|share (this|on)|advertisement"
    r"|related( coverage)?:|tags?:|photo|image|credit|copyright|all rights reserved|watch:|listen:)",
    re.IGNORECASE,
)
_OPINION = re.compile(r"\b(should|ought to|must|i think|we think|i believe|in my (view|opinion)|i feel)\b", re.I)


@dataclass(frozen=True)
class ExtractOptions:
    """How claims are extracted.

    Attributes:
        model: spaCy package name.
        min_score: statements scoring below this check-worthiness are dropped.
        min_quote_words: shorter quoted passages are scare quotes, not quotes.
        batch_size: sentences per spaCy batch.
        n_process: worker processes; 0 is one per usable core when the first batch has at least
            `parallel_sentences` sentences, else one (forking workers costs more than a small batch
            takes). `extract_store` gives each worker whole articles and takes back their claims; on
            PolNeAR dev (84 articles, 3,352 sentences, 2 cores) that took 6.1 s against 12.4 s in one
            process and 9.1 s with spaCy's own `n_process`, which shipped parsed docs back.
        parallel_sentences: the smallest call `n_process=0` parses in several processes.
        articles_per_batch: the most articles parsed (and stored) together by `extract_store`, whose
            worker processes each take whole batches (smaller ones when there are fewer articles than
            workers times this times `batches_per_worker`).
        batches_per_worker: with fewer articles than that, they are cut into this many batches per
            worker, so the workers finish together (the PolNeAR dev ingest took 7.7 s, not 8.3 s, with 4).
        articles_ahead: the most articles the workers extract before their claims are asked for (at
            least two batches per worker): they start before clustering and work meanwhile, but what
            they found waits in memory until it is stored.
    """

    model: str = DEFAULT_MODEL
    min_score: float = 0.4
    min_quote_words: int = 4
    batch_size: int = 256
    n_process: int = 0
    parallel_sentences: int = 2_000
    articles_per_batch: int = 256
    batches_per_worker: int = 4
    articles_ahead: int = 2_000


@dataclass(frozen=True)
class Analysis:
    """The parsed text with its attributions and quotes: what claims are built from (and what eval scores)."""

    text: str
    sentences: list[Span]
    docs: list
    attributions: list[Attribution]
    quotes: list[Quote]


def analyze_texts(texts: Sequence[str], options: ExtractOptions | None = None) -> list[Analysis]:
    """Split, parse (all texts in one batched pass) and find attributions and quotes."""
    options = options or ExtractOptions()
    splits = [split_sentences(t) for t in texts]
    pieces = (t[s:e] for t, spans in zip(texts, splits, strict=True) for s, e in spans)
    processes = options.n_process or (usable_cores() if sum(map(len, splits)) >= options.parallel_sentences else 1)
    docs = list(parse(pieces, options.model, options.batch_size, processes))
    analyses, at = [], 0
    for text, spans in zip(texts, splits, strict=True):
        own = docs[at : at + len(spans)]
        at += len(spans)
        quote_spans = find_quote_spans(text)
        found = find_attributions(text, spans, own, quote_spans)
        quotes, attributions = attach_quotes(text, quote_spans, found, spans)
        attributions = [a for a in attributions if a.content]
        analyses.append(Analysis(text, spans, own, attributions, quotes))
    return analyses


def extract_claims(article: Article, options: ExtractOptions | None = None) -> tuple[list[Claim], list[Entity]]:
    """Claims and entities of one article."""
    return extract_many([article], options)[0]


def extract_many(
    articles: Sequence[Article], options: ExtractOptions | None = None
) -> list[tuple[list[Claim], list[Entity]]]:
    """Claims and entities of many articles, parsed together for speed."""
    options = options or ExtractOptions()
    analyses = analyze_texts([a.text for a in articles], options)
    return [_claims_of(article, analysis, options) for article, analysis in zip(articles, analyses, strict=True)]


def extract_store(store: Store, options: ExtractOptions | None = None) -> int:
    """Extract claims for every stored article not yet done by this `EXTRACTOR_VERSION`; returns how many.

    An article the extractor fails on is recorded (`store.problems`, shown by `wiretrace articles`) and
    stored with no claims, so the rest of the batch, and every later ingest, goes on without it.
    """
    with start_extraction(store, options) as extraction:
        return extraction.store_results()


@contextmanager
def start_extraction(store: Store, options: ExtractOptions | None = None) -> Iterator[Extraction]:
    """Start extracting the pending articles now (in worker processes when worth it); store them later.

    The workers parse while the caller does other work (the pipeline clusters and indexes meanwhile);
    `Extraction.store_results` then writes what they found. Workers still running on exit are stopped.
    """
    extraction = Extraction(store, options or ExtractOptions())
    try:
        yield extraction
    finally:
        extraction.close()


class Extraction:
    """Claims of the articles pending when it was made, computed in the background, stored on request."""

    def __init__(self, store: Store, options: ExtractOptions) -> None:
        self.store = store
        done = store.extracted_articles(EXTRACTOR_VERSION)
        self.pending = [a for a in store.list_articles() if a.id not in done]
        self.pool = None
        self.batches, self.results = self._start(options)

    def _start(self, options: ExtractOptions) -> tuple[list[Sequence[Article]], Iterator[list]]:
        """Batches of articles and an iterator over `_extract_each`'s results for them, in order.

        Each worker parses and assembles whole articles and sends back only their claims: shipping parsed
        docs back to this process (what spaCy's own `n_process` does) kept this process busy decoding
        them while the workers waited, so two processes went 1.4x, not 2x, as fast as one.
        """
        pending = self.pending
        workers = options.n_process or usable_cores()
        if workers > 1 and not options.n_process:
            sentences = sum(len(split_sentences(a.text)) for a in pending[: options.articles_per_batch])
            workers = workers if sentences >= options.parallel_sentences else 1
        # Several batches per worker, so that one that ends early takes another rather than waiting.
        size = options.articles_per_batch if workers <= 1 else max(1, min(
            options.articles_per_batch, -(-len(pending) // (workers * options.batches_per_worker))))
        batches = [pending[i : i + size] for i in range(0, len(pending), size)]
        if workers <= 1 or len(batches) < 2:  # parsed here, when the results are asked for
            return batches, (_extract_each(batch, options) for batch in batches)
        load_model(options.model)  # loaded once here; the forked workers inherit it
        self.pool = process_context().Pool(workers)
        work = partial(_extract_each, options=replace(options, n_process=1))
        ahead = max(2 * workers, options.articles_ahead // size)
        return batches, map_ahead(self.pool, work, batches, ahead)

    def store_results(self) -> int:
        """Wait for every batch and store its claims (a failed article as a problem); returns how many."""
        failed_before = set(stage_problems(self.store))
        for batch, results in zip(self.batches, self.results, strict=True):
            for article, result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    record_problem(self.store, article.id, "claims", result)
                    result = ([], [])
                elif article.id in failed_before:
                    clear_problem(self.store, article.id, "claims")
                self.store.put_claims(article.id, result[0], result[1], EXTRACTOR_VERSION)
        return len(self.pending)

    def close(self) -> None:
        """Stop the workers (at once: after `store_results` they have nothing left to do)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _extract_each(
    articles: Sequence[Article], options: ExtractOptions
) -> list[tuple[list[Claim], list[Entity]] | Exception]:
    """`extract_many`, but an article that fails yields its exception instead of failing the batch."""
    try:
        analyses: list[Analysis | Exception] = list(analyze_texts([a.text for a in articles], options))
    except Exception:  # noqa: BLE001 - one bad text in the batch: parse each alone to find it
        analyses = [_analyze_one(a, options) for a in articles]
    results: list[tuple[list[Claim], list[Entity]] | Exception] = []
    for article, analysis in zip(articles, analyses, strict=True):
        if isinstance(analysis, Exception):
            results.append(analysis)
            continue
        try:
            results.append(_claims_of(article, analysis, options))
        except Exception as exc:  # noqa: BLE001 - recorded per article by the caller
            results.append(exc)
    return results


def _analyze_one(article: Article, options: ExtractOptions) -> Analysis | Exception:
    try:
        return analyze_texts([article.text], options)[0]
    except Exception as exc:  # noqa: BLE001 - recorded per article by the caller
        return exc


def claims_for(store: Store, article: str | None = None, kinds: Sequence[str] | None = None) -> list[Claim]:
    """Stored claims, brought up to date first; optionally of one article (id or prefix) and some kinds."""
    extract_store(store)
    article_id = store.get_article(article).id if article else None
    claims = store.get_claims(article_id)
    return [c for c in claims if not kinds or c.kind in kinds]


def _claims_of(article: Article, analysis: Analysis, options: ExtractOptions) -> tuple[list[Claim], list[Entity]]:
    """Assemble quotes, statements and figures of one analysed article."""
    entities = find_entities(analysis.text, analysis.sentences, analysis.docs)
    resolve = _speaker_resolver(analysis.attributions)
    claims = _quote_claims(article, analysis, options, resolve)
    claims += _statement_claims(article, analysis, options, resolve)
    claims += _figure_claims(article, analysis, resolve)
    for claim in claims:
        claim.entities = [e for e in entities if claim.start <= e.start and e.end <= claim.end]
    claims.sort(key=lambda c: (c.start, c.kind))
    return claims, entities


def _speaker_resolver(attributions: Sequence[Attribution]):
    """A function giving each source its display name.

    "He", "she" and "they" are taken back to the last named speaker before them.
    """
    names: dict[Span, str] = {}
    last: str | None = None
    for attribution in sorted(attributions, key=lambda a: a.cue):
        for source in attribution.sources:
            if source.name.lower() in PRONOUNS:
                names[source.span] = last or source.name
            else:
                names[source.span] = source.name
                last = source.name

    def resolve(source: Source) -> str:
        return names.get(source.span, source.name)

    return resolve


def _chain(article: Article, attribution: Attribution | None, resolve) -> list[str]:
    """Attribution names, outer (the outlet, when known) to primary."""
    names = [resolve(s) for s in attribution.sources] if attribution else []
    if article.outlet and (not names or names[0] != article.outlet):
        names.insert(0, article.outlet)
    return names


def _claim_id(article_id: str, kind: str, start: int) -> str:
    return hashlib.sha1(f"{article_id}|{kind}|{start}".encode()).hexdigest()[:16]


def _new_claim(article: Article, kind: str, span: Span, attribution: Attribution | None, resolve, **fields) -> Claim:
    """A claim of any kind with the fields every kind shares."""
    text = article.text[span[0] : span[1]]
    primary = attribution.primary if attribution else None
    return Claim(
        id=_claim_id(article.id, kind, span[0]), article=article.id, kind=kind, text=text, start=span[0],
        end=span[1], speaker=resolve(primary) if primary else None,
        speaker_description=primary.description if primary else None,
        attribution=_chain(article, attribution, resolve), **fields,
    )


def _quote_claims(article: Article, analysis: Analysis, options: ExtractOptions, resolve) -> list[Claim]:
    """One claim per direct quote long enough to be one (scare quotes are not)."""
    claims = []
    for quote in analysis.quotes:
        words = len(article.text[quote.span[0] : quote.span[1]].split())
        if words < options.min_quote_words:
            continue
        sentence = _sentence_of(analysis.sentences, quote.span[0])
        hedges = find_hedges(article.text[quote.span[0] : quote.span[1]])
        claims.append(_new_claim(article, "quote", quote.span, quote.attribution, resolve, score=0.7,
                                 hedges=hedges, sentence_start=sentence[0], sentence_end=sentence[1]))
    return claims


def _statement_claims(article: Article, analysis: Analysis, options: ExtractOptions, resolve) -> list[Claim]:
    """Check-worthy sentences that are not mostly direct quotes."""
    claims = []
    quote_spans = [q.span for q in analysis.quotes]
    for span, doc in zip(analysis.sentences, analysis.docs, strict=True):
        sentence = article.text[span[0] : span[1]]
        if _quoted_share(span, quote_spans) > 0.5 or _opens_with_quote(article.text, span, quote_spans, options):
            continue
        attribution = _sentence_attribution(analysis.attributions, span)
        score = _check_worthiness(sentence, doc, attribution is not None)
        if score < options.min_score:
            continue
        claims.append(_new_claim(article, "statement", span, attribution, resolve, score=score,
                                 hedges=find_hedges(sentence), sentence_start=span[0], sentence_end=span[1]))
    return claims


def _figure_claims(article: Article, analysis: Analysis, resolve) -> list[Claim]:
    """One claim per number that counts something, linked to the exact figure it rounds."""
    made: list[tuple[Claim, object]] = []
    for span, doc in zip(analysis.sentences, analysis.docs, strict=True):
        attribution = _sentence_attribution(analysis.attributions, span)
        for figure in find_figures(article.text, span, doc, article.published):
            claim = _new_claim(
                article, "figure", figure.span, attribution, resolve, score=0.8,
                hedges=find_hedges(article.text[span[0] : span[1]]), value=figure.value, unit=figure.unit,
                subject=figure.subject, qualifier=figure.qualifier, as_of=figure.as_of,
                sentence_start=span[0], sentence_end=span[1],
            )
            made.append((claim, figure))
    links = link_rounded([(c.id, f) for c, f in made])
    for claim, _figure in made:
        claim.linked_to = links.get(claim.id)
    return [c for c, _f in made]


def _sentence_attribution(attributions: Sequence[Attribution], span: Span) -> Attribution | None:
    """The attribution a sentence's claims carry: the outermost one with its cue in the sentence.

    In "The mayor threatened his staff, Example.com has learned" both verbs are cues; the one whose
    cue sits inside no other's content (Example.com) is who the sentence is attributed to.
    """
    inside = [a for a in attributions if span[0] <= a.cue[0] < span[1]]
    for attribution in inside:
        if not any(o is not attribution and any(p[0] <= attribution.cue[0] < p[1] for p in o.content) for o in inside):
            return attribution
    return inside[0] if inside else None


def _check_worthiness(sentence: str, doc, attributed: bool) -> float:
    """A 0..1 score: factual, specific sentences score high; questions, opinion and boilerplate zero."""
    words = sentence.split()
    if len(words) < 5 or sentence.rstrip("”\"’' ").endswith("?") or _BOILERPLATE.match(sentence):
        return 0.0
    if not any(t.pos_ in ("VERB", "AUX") for t in doc):
        return 0.0
    score = 0.3
    labels = {e.label_ for e in doc.ents}
    score += 0.25 if labels & {"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE"} else 0.0
    score += 0.2 if labels & {"PERSON", "ORG", "GPE", "NORP"} else 0.0
    score += 0.2 if attributed else 0.0
    score -= 0.3 if _OPINION.search(sentence) else 0.0
    score -= 0.2 if len(words) > 80 else 0.0
    return round(max(0.0, min(1.0, score)), 2)


def _opens_with_quote(text: str, span: Span, quotes: Sequence[Span], options: ExtractOptions) -> bool:
    """`"...," the soldier said.`: the sentence is a quote plus its cue, already a quote claim."""
    for start, end in quotes:
        if start <= span[0] < end and len(text[start:end].split()) >= options.min_quote_words:
            return True
    return False


def _quoted_share(span: Span, quotes: Sequence[Span]) -> float:
    inside = sum(max(0, min(span[1], q[1]) - max(span[0], q[0])) for q in quotes)
    return inside / max(1, span[1] - span[0])


def _sentence_of(sentences: Sequence[Span], offset: int) -> Span:
    return next((s for s in sentences if s[0] <= offset < s[1]), (offset, offset))
