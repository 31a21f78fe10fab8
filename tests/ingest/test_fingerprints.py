"""Fingerprints of input files: the same bytes and options, the same fingerprint; anything else, another."""

from __future__ import annotations

from dataclasses import replace

from wiretrace.ingest import IngestOptions
from wiretrace.ingest.clean import CleanOptions
from wiretrace.ingest.fingerprints import file_fingerprint, known_articles, record_files
from wiretrace.ingest.manifest import Stated, StatedMetadata
from wiretrace.models import Article
from wiretrace.store import open_store


def test_fingerprint_follows_the_bytes_and_the_options(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Some words of an article.", encoding="utf-8")
    options = IngestOptions()
    first = file_fingerprint(str(path), options)
    assert first == file_fingerprint(str(path), IngestOptions())
    assert first != file_fingerprint(str(path), replace(options, min_words=50))
    assert first != file_fingerprint(str(path), replace(options, clean=replace(CleanOptions(), credits=False)))
    stated = Stated(batch=StatedMetadata(outlet="Herald"))
    assert first != file_fingerprint(str(path), replace(options, stated=stated))
    path.write_text("Some other words of an article.", encoding="utf-8")
    assert first != file_fingerprint(str(path), options)
    assert file_fingerprint(str(tmp_path / "missing.txt"), options) is None


def test_a_file_is_known_only_while_all_its_articles_are_stored(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    store.put_articles([Article(id="a1", text="one"), Article(id="a2", text="two")])
    record_files(store, [("f1", ["a1", "a2"]), ("f2", ["a1", "gone"]), ("f3", [])])
    assert known_articles(store, "f1") == ["a1", "a2"]
    assert known_articles(store, "f2") is None  # one of its articles is not stored
    assert known_articles(store, "f3") is None  # a file that gave nothing is never recorded
    assert known_articles(store, None) is None
    store.close()
