"""Ingest: files to clean `Article`s in the store.

Readers find documents, `build_article` cleans each one and fills its metadata, and articles are
written in small transactions so that a run killed halfway keeps everything committed before the
kill and nothing half-written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import BinaryIO

from wiretrace import errors
from wiretrace.engines.local import process_context
from wiretrace.errors import InputError, NoArticle
from wiretrace.ingest.clean import CleanOptions, clean_text, is_caption_title, lead_title, split_scraped_text
from wiretrace.ingest.html import HtmlOptions, extract_page, fragment_text, is_fragment
from wiretrace.ingest.manifest import Stated, StatedMetadata
from wiretrace.ingest.metadata import (
    count_words,
    date_from_url,
    guess_language,
    normalize_date,
    outlet_from_url,
    self_mention,
    wire_agency,
)
from wiretrace.ingest.readers import ReadOptions, expand_paths, read_documents
from wiretrace.ingest.writer import ProgressCallback, write_batches
from wiretrace.models import Article, IngestFailure, IngestReport, RawDocument
from wiretrace.store import Store

# Most lines in one document's body: past this it is a data dump or an attack, and cleaning it line by
# line would take minutes (a 20 MB file of two-byte lines has 10 million).
MAX_LINES = 100_000


@dataclass(frozen=True)
class IngestOptions:
    """Options of one ingest run.

    Attributes:
        read: size and record limits for readers.
        extract: HTML main-content extraction settings.
        clean: which families of boilerplate lines cleaning drops.
        batch_size: articles per store transaction.
        min_words: fewer clean words than this and a document is not an article.
        workers: processes that clean and extract documents (1: in this process). Store writes stay
            in the calling process and the order of results does not depend on it.
        stated: metadata the user stated (a manifest, --outlet, --published); it wins over what is
            read from the file, but never changes the clean text or the id.
        root: a folder the stored `path` of files under it is relative to (the web upload's temporary
            folder, so that no server path is stored or shown); None: paths are stored as given.
    """

    read: ReadOptions = field(default_factory=ReadOptions)
    extract: HtmlOptions = field(default_factory=HtmlOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    batch_size: int = 64
    min_words: int = 5
    workers: int = 1
    stated: Stated = field(default_factory=Stated)
    root: str | None = None


def article_id(text: str) -> str:
    """Stable id from the normalized clean text: same words, same id, whatever the path or format."""
    normalized = re.sub(r"\s+", " ", text).strip().casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]


_SURROGATES = re.compile("[\ud800-\udfff]")


def _scrub(raw: RawDocument) -> RawDocument:
    """Lone UTF-16 surrogates (from JSON escapes, undecodable file names) become U+FFFD.

    They are not Unicode text, cannot be encoded as UTF-8 and so could not be stored or printed.
    """
    changes = {
        name: _SURROGATES.sub("\ufffd", value)
        for name, value in vars(raw).items()
        if isinstance(value, str) and _SURROGATES.search(value)
    }
    return replace(raw, **changes) if changes else raw


def build_article(raw: RawDocument, options: IngestOptions | None = None) -> Article:
    """Clean one document and gather its metadata; raises `NoArticle` when no article text is left."""
    options = options or IngestOptions()
    raw = _scrub(raw)
    title, url, published, outlet, author, language = raw.title, raw.url, raw.published, raw.outlet, raw.author, None
    dateline = None
    if raw.text is not None:
        if raw.format == "text":
            scraped = split_scraped_text(raw.text)
            title, body, url, dateline = scraped.title, scraped.body, scraped.url, scraped.dateline
            if title and is_caption_title(title, body):  # the caption stays in the body for cleaning to judge
                title, body = None, f"{title}\n{body}"
        else:
            body = raw.text
    elif raw.html is not None and is_fragment(raw.html):
        body = fragment_text(raw.html)
    elif raw.html is not None:
        page = extract_page(raw.html, url=raw.url, options=options.extract, label=raw.source)
        body = page.text
        title = title or page.title
        url = url or page.url
        author = author or page.author
        outlet = outlet or page.outlet
        published = published or page.published
        language = page.language
    else:
        raise NoArticle(raw.source, "no text")
    lines = body.count("\n")
    if lines > MAX_LINES:  # cleaning costs per line; a news article has hundreds, not millions
        raise NoArticle(raw.source, f"{lines:,} lines of text is not an article (the limit is {MAX_LINES:,})")
    text = clean_text(body, title, options.clean)
    words = count_words(text)
    if words < options.min_words:
        raise NoArticle(raw.source, f"no article text after cleaning ({words} words)")
    stated = options.stated.for_source(raw.source) if options.stated else StatedMetadata()
    url = stated.url or url
    title = stated.title or (title.strip() if title and title.strip() else None) or lead_title(text)
    author = stated.author or author
    return Article(
        id=article_id(text),
        text=text,
        title=title,
        url=url,
        outlet=stated.outlet or outlet or outlet_from_url(url) or self_mention(text) or wire_agency(text),
        published=stated.published or normalize_date(published) or date_from_url(url) or normalize_date(dateline),
        author=author.strip() if author else None,
        language=language or guess_language(text),
        words=words,
        path=_relative(raw.source, options.root),
        format=raw.format,
    )


def _relative(source: str, root: str | None) -> str:
    """`source` relative to `root` when it lies under it ("upload-001.txt", "feed.jsonl#3"), else as given."""
    prefix = root.rstrip("/") + "/" if root else None
    return source[len(prefix):] if prefix and source.startswith(prefix) else source


def read_articles(
    paths: Iterable[str], options: IngestOptions, stdin: BinaryIO | None = None
) -> Iterator[Article | InputError]:
    """Every article (or the error in its place) from the given paths, in order.

    With `options.workers` > 1, documents are read here and cleaned in a process pool, a bounded batch
    at a time, and results come back in input order, so the output is the same as with one worker. The
    next batch is handed to the workers before this one's articles are yielded, so they keep working
    while the caller stores them (at most two batches are in memory).
    """
    documents = _documents(paths, options, stdin)
    if options.workers <= 1:
        for doc in documents:
            yield doc if isinstance(doc, InputError) else _build_or_error(doc, options)
        return
    # fork where there is fork: spawn re-runs __main__, and fails for a script read from stdin.
    build = partial(_build_in_worker, options=options)

    def results(batch: list[RawDocument | InputError], work: AsyncResult) -> Iterator[Article | InputError]:
        built = iter(work.get())
        for doc in batch:
            yield doc if isinstance(doc, InputError) else _from_worker(next(built))

    with process_context().Pool(options.workers) as pool:
        previous = None
        for batch in _batches(documents, options.workers * 32):
            docs = [doc for doc in batch if not isinstance(doc, InputError)]
            if options.stated.rows:  # send workers this batch's manifest rows, not the whole manifest
                narrowed = replace(options, stated=options.stated.only(doc.source for doc in docs))
                build = partial(_build_in_worker, options=narrowed)
            work = pool.map_async(build, docs, chunksize=8)
            if previous is not None:
                yield from results(*previous)
            previous = (batch, work)
        if previous is not None:
            yield from results(*previous)


def _documents(
    paths: Iterable[str], options: IngestOptions, stdin: BinaryIO | None
) -> Iterator[RawDocument | InputError]:
    for pattern in paths:
        try:
            files = list(expand_paths([pattern]))
        except InputError as exc:
            yield exc
            continue
        for path in files:
            yield from read_documents(path, options.read, stdin)


def _batches(items: Iterator[RawDocument | InputError], size: int) -> Iterator[list[RawDocument | InputError]]:
    while batch := list(islice(items, size)):
        yield batch


def _build_or_error(doc: RawDocument, options: IngestOptions) -> Article | InputError:
    try:
        return build_article(doc, options)
    except InputError as exc:
        return exc


def _build_in_worker(doc: RawDocument, options: IngestOptions) -> Article | tuple[str, str, str]:
    """`build_article` in a pool worker; an error travels back as (class name, path, problem)."""
    result = _build_or_error(doc, options)
    return (type(result).__name__, result.path, result.problem) if isinstance(result, InputError) else result


def _from_worker(result: Article | tuple[str, str, str]) -> Article | InputError:
    if isinstance(result, Article):
        return result
    name, path, problem = result
    error_class = getattr(errors, name, InputError)
    return error_class(path, problem)


def ingest_paths(
    store: Store,
    paths: Iterable[str],
    options: IngestOptions | None = None,
    stdin: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read, clean and store articles from paths; a bad file is reported, never fatal to the run."""
    options = options or IngestOptions()
    results = (IngestFailure(path=item.path, error=item.problem) if isinstance(item, InputError) else (item, None)
               for item in read_articles(paths, options, stdin))
    return write_batches(store, results, options.batch_size, IngestReport(warnings=list(options.stated.warnings)),
                         progress)
