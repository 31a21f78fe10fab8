"""Input files already ingested, known by a fingerprint, so a re-run need not read them again.

A fingerprint is a hash of the file's bytes and of every option that shapes the articles read from it
(reader limits, extraction, cleaning, the metadata the user stated for it). The store keeps, under each
fingerprint, the ids of the articles the file gave. A file whose fingerprint is known and whose articles
are all still stored would give the same articles again: the Ray engine skips it on the driver and
reports them unchanged, without sending anything to the cluster. A file that failed, or gave no article,
is never recorded, so it is read (and reported) again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from wiretrace.store import Store

if TYPE_CHECKING:
    from wiretrace.ingest import IngestOptions

META_PREFIX = "ingested-file:"
_CHUNK = 1 << 20


def file_fingerprint(path: str, options: IngestOptions) -> str | None:
    """The fingerprint of one input file read with `options`; None when it cannot be read here."""
    digest = hashlib.blake2b(digest_size=20)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None  # the reader reports the problem
    digest.update(b"\0" + _options_text(path, options).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _options_text(path: str, options: IngestOptions) -> str:
    """Everything but the bytes that decides what the file's articles are, as stable text."""
    key = os.path.normcase(os.path.abspath(path))
    rows = sorted((k, repr(v)) for k, v in options.stated.rows.items() if k == key or k.startswith((f"{key}:", f"{key}#")))
    return repr((options.read, options.extract, options.clean, options.min_words, options.root, options.stated.batch,
                 rows))


def known_articles(store: Store, fingerprint: str | None) -> list[str] | None:
    """The article ids a file with this fingerprint gave, if it was ingested and they are all still stored."""
    if fingerprint is None:
        return None
    value = store.get_meta(META_PREFIX + fingerprint)
    if value is None:
        return None
    ids = json.loads(value)
    if not ids or len(store.list_articles(dict.fromkeys(ids))) != len(set(ids)):
        return None
    return ids


def record_files(store: Store, files: Iterable[tuple[str | None, Sequence[str]]]) -> None:
    """Remember, for each (fingerprint, article ids) of a file ingested without failure, what it gave."""
    for fingerprint, ids in files:
        if fingerprint and ids:
            store.set_meta(META_PREFIX + fingerprint, json.dumps(list(ids)))
