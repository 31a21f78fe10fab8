"""Stated metadata: a manifest (CSV, JSONL) and batch values win over what the file says."""

import csv
import json

from conftest import shared_path

from wiretrace.cli import main
from wiretrace.ingest import IngestOptions, ingest_paths
from wiretrace.ingest.manifest import Stated, batch_metadata, read_manifest
from wiretrace.store import open_store

BODY = "The council voted on Tuesday to close the old bridge for repairs, the mayor said.\n"


def _doc(tmp_path, name, title="A title"):
    path = tmp_path / name
    path.write_text(f"{title}\n\n{BODY}")
    return path


def test_polnear_manifest_gives_every_article_its_stated_outlet_and_date(tmp_path):
    dev = shared_path("corpus", "polnear", "dev")
    manifest = tmp_path / "m.csv"
    with open(dev / "metadata.tsv", encoding="utf-8") as fh, open(manifest, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["path", "outlet", "published", "author"])
        expected = {}
        for row in csv.DictReader(fh, delimiter="\t"):
            path = dev / "text" / f"{row['filename']}.txt"
            writer.writerow([str(path), row["publisher"], row["publication_date"], row["author"]])
            expected[str(path)] = (row["publisher"], row["publication_date"])
    store = open_store(str(tmp_path / "s.db"))
    report = ingest_paths(store, [str(dev / "text")], IngestOptions(stated=read_manifest(manifest)))
    assert not report.failed and not report.warnings
    articles = store.list_articles()
    assert len(articles) == len(expected)
    assert {a.path: (a.outlet, a.published) for a in articles} == expected


def test_missing_file_row_warns_and_the_rest_ingest(tmp_path, capsys):
    doc = _doc(tmp_path, "a.txt")
    (tmp_path / "m.csv").write_text("path,outlet,published\na.txt,The Ledger,2016-09-12\ngone.txt,X,2016-01-01\n")
    code = main(["--db", str(tmp_path / "s.db"), "ingest", "--manifest", str(tmp_path / "m.csv"), "--json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 0 and len(report["ingested"]) == 1
    assert err.count("\n") == 1 and "gone.txt" in err and "no such file" in err
    article = open_store(str(tmp_path / "s.db")).list_articles()[0]
    assert (article.outlet, article.published, article.path) == ("The Ledger", "2016-09-12", str(doc))


def test_manifest_cell_wins_over_batch_and_batch_over_file(tmp_path):
    a, b = _doc(tmp_path, "a.txt", "Title one"), _doc(tmp_path, "b.txt", "Title two")
    b.write_text(f"Title two\n\nOther words. {BODY}Original url: https://www.reuters.com/2020/01/02/x\n")
    (tmp_path / "m.jsonl").write_text(json.dumps({"path": "a.txt", "outlet": "Stated", "title": "Stated title"}) + "\n")
    stated = read_manifest(tmp_path / "m.jsonl", batch_metadata(outlet="Batch", published="March 3, 2021"))
    store = open_store(str(tmp_path / "s.db"))
    ingest_paths(store, [str(a), str(b)], IngestOptions(stated=stated))
    by_path = {x.path: x for x in store.list_articles()}
    assert (by_path[str(a)].outlet, by_path[str(a)].title, by_path[str(a)].published) == (
        "Stated", "Stated title", "2021-03-03")
    assert (by_path[str(b)].outlet, by_path[str(b)].title) == ("Batch", "Title two")


def test_stated_metadata_never_changes_the_id(tmp_path):
    doc = _doc(tmp_path, "a.txt")
    plain = ingest_paths(open_store(str(tmp_path / "1.db")), [str(doc)])
    stated = ingest_paths(open_store(str(tmp_path / "2.db")), [str(doc)],
                          IngestOptions(stated=Stated(batch=batch_metadata(outlet="X", published="2020-01-01"))))
    assert plain.ingested == stated.ingested


def test_articles_csv_round_trips_into_a_manifest(tmp_path, capsys):
    docs = [_doc(tmp_path, "a.txt", "First"), _doc(tmp_path, "b.txt", "Second")]
    docs[1].write_text(f"Second\n\nA different body. {BODY}")
    first = str(tmp_path / "1.db")
    assert main(["--db", first, "ingest", *map(str, docs), "--outlet", "The Ledger", "--published", "2016-09-12"]) == 0
    capsys.readouterr()
    assert main(["--db", first, "articles", "--format", "csv"]) == 0
    (tmp_path / "m.csv").write_text(capsys.readouterr().out)
    second = str(tmp_path / "2.db")
    assert main(["--db", second, "ingest", "--manifest", str(tmp_path / "m.csv")]) == 0
    fields = ("id", "title", "outlet", "published", "url", "author", "path")
    listing = [[getattr(a, f) for f in fields] for a in open_store(first).list_articles()]
    assert listing == [[getattr(a, f) for f in fields] for a in open_store(second).list_articles()]
    assert {a.outlet for a in open_store(second).list_articles()} == {"The Ledger"}


def test_articles_csv_guards_formulas_and_still_round_trips(tmp_path, capsys):
    # A title or outlet a spreadsheet would run ("=HYPERLINK(...)", "@SUM(...)") is written as text.
    doc = _doc(tmp_path, "a.txt", '=HYPERLINK("http://evil.example","x")')
    first = str(tmp_path / "1.db")
    assert main(["--db", first, "ingest", str(doc), "--outlet", "@SUM(A1)", "--published", "2016-09-12"]) == 0
    capsys.readouterr()
    assert main(["--db", first, "articles", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    row = next(csv.DictReader(out.splitlines()))
    assert row["title"] == "\'=HYPERLINK(\"http://evil.example\",\"x\")" and row["outlet"] == "\'@SUM(A1)"
    assert row["words"].isdigit()  # numbers stay numbers
    (tmp_path / "m.csv").write_text(out)
    second = str(tmp_path / "2.db")
    assert main(["--db", second, "ingest", "--manifest", str(tmp_path / "m.csv")]) == 0
    (stored,) = open_store(second).list_articles()
    assert stored.title.startswith("=HYPERLINK") and stored.outlet == "@SUM(A1)"


def test_bad_manifest_is_a_one_line_usage_error(tmp_path, capsys):
    (tmp_path / "m.csv").write_text("file,outlet\na.txt,X\n")
    assert main(["--db", str(tmp_path / "s.db"), "ingest", "--manifest", str(tmp_path / "m.csv")]) == 2
    err = capsys.readouterr().err
    assert "no 'path' column" in err and err.count("\n") == 1


def test_bad_published_is_a_usage_error(tmp_path, capsys):
    doc = _doc(tmp_path, "a.txt")
    assert main(["--db", str(tmp_path / "s.db"), "ingest", str(doc), "--published", "soon"]) == 2
    assert "'soon' is not a date" in capsys.readouterr().err


def test_the_facade_takes_a_manifest_and_batch_values(tmp_path):
    import wiretrace

    a, b = _doc(tmp_path, "a.txt", "Title one"), _doc(tmp_path, "b.txt", "Title two")
    b.write_text(f"Title two\n\nOther words. {BODY}")
    (tmp_path / "m.csv").write_text("path,outlet,published\na.txt,The Ledger,\n")
    stated = wiretrace.stated_metadata(str(tmp_path / "m.csv"), outlet="Batch", published="2019-02-03")
    store = wiretrace.open_store(str(tmp_path / "s.db"))
    report = wiretrace.ingest(store, [str(a), str(b)], IngestOptions(stated=stated))
    assert len(report.ingested) == 2 and not report.failed
    by_path = {x.path: (x.outlet, x.published) for x in store.list_articles()}
    assert by_path == {str(a): ("The Ledger", "2019-02-03"), str(b): ("Batch", "2019-02-03")}
