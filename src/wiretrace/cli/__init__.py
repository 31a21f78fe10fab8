"""The `wiretrace` command: parse options, call one library function, print the result.

No logic lives here. Domain errors become one line on stderr and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import wiretrace
from wiretrace import (
    Settings,
    Store,
    UsageError,
    WiretraceError,
    __version__,
    open_store,
    redact_url,
    resolve_db,
    scrub_secrets,
    show_bidi,
)
from wiretrace.cli.formats import add_format, chosen_format, write_records
from wiretrace.cli.workbench import (
    cmd_check,
    cmd_dossier,
    cmd_review,
    cmd_reviews,
    configure_check,
    configure_dossier,
    configure_review,
    configure_reviews,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Commands that may create a missing store; every other command reads one and fails on a missing one.
CREATES_STORE = frozenset({"ingest", "serve"})


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _say(text: str) -> None:
    """Print text for a person: bidi controls in titles, outlets or article text shown as "[U+202E]"."""
    print(show_bidi(text))


def _progress_printer() -> Callable[[str, int], None] | None:
    """A one-line progress counter on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        return None

    def show(path: str, count: int) -> None:
        sys.stderr.write(f"\r\033[Kingesting: {count} articles  {path[-60:]}")
        sys.stderr.flush()

    return show


# -- commands -----------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace, store: Store) -> int:
    """Ingest files, directories, globs or '-' (stdin)."""
    if args.max_bytes is not None and args.max_bytes <= 0:
        raise UsageError(f"--max-bytes must be positive, not {args.max_bytes}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    stated = _stated_metadata(args)
    if not args.paths:
        if not args.manifest:
            raise UsageError("name the files to ingest (PATH…), or a --manifest that lists them")
        args.paths = wiretrace.manifest_paths(stated)
    settings: Settings = args.settings
    base = settings.ingest
    read = base.read if args.max_bytes is None else dataclasses.replace(base.read, max_bytes=args.max_bytes)
    options = dataclasses.replace(base, read=read, workers=base.workers if args.workers is None else args.workers,
                                  stated=stated)
    progress = None if args.json else _progress_printer()
    if args.engine == "ray":
        ray_options = wiretrace.RayOptions(address=args.ray_address, device=args.device or settings.device, verbose=args.verbose)
        report = wiretrace.ingest_ray(store, args.paths, options, ray_options, stdin=sys.stdin.buffer,
                                      progress=progress, settings=settings)
    else:
        report = wiretrace.ingest(store, args.paths, options, stdin=sys.stdin.buffer, progress=progress,
                                  device=args.device, settings=settings)
    if progress:
        sys.stderr.write("\r\033[K")
    report.warnings = report.warnings or list(stated.warnings)  # an engine that does not pass them on
    for warning in report.warnings:
        print(f"wiretrace: warning: {warning}", file=sys.stderr)
    for failure in report.failed:
        print(f"wiretrace: {failure.path}: {scrub_secrets(failure.error, store.url)}", file=sys.stderr)
    if args.json:
        _print_json(report.to_dict())
    else:
        print(f"{len(report.ingested)} ingested, {len(report.unchanged)} unchanged, {len(report.failed)} failed")
    return EXIT_FAILED if report.failed else EXIT_OK


def _stated_metadata(args: argparse.Namespace) -> Any:
    """The metadata the user stated for this ingest: --manifest rows over --outlet/--published."""
    return wiretrace.stated_metadata(args.manifest, outlet=args.outlet, published=args.published)


def cmd_articles(args: argparse.Namespace, store: Store) -> int:
    """List stored articles (--format csv writes a manifest that `ingest --manifest` reads back)."""
    articles = wiretrace.article_rows(store)
    columns = [*wiretrace.MANIFEST_COLUMNS, "id", "title_source", "words"]

    def flat(a: dict[str, Any]) -> dict[str, Any]:
        return {**wiretrace.manifest_row(a), "id": a["id"], "title_source": a["title_source"] or "", "words": a["words"]}

    def line(a: dict[str, Any]) -> str:
        failed = f"  [failed: {', '.join(sorted(a['problems']))}]" if a["problems"] else ""
        return f"{a['id']}  {a['published'] or '----------'}  {(a['outlet'] or '-')[:20]:20}  {a['title'] or ''}{failed}"

    write_records(articles, chosen_format(args), flat=flat, table=line, columns=columns,
                  empty=f"0 articles in {redact_url(store.url)}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, store: Store) -> int:
    """Show one article with its clean text."""
    article = store.get_article(args.id)
    if args.json:
        _print_json(article.to_dict())
    else:
        summary = article.summary()
        for key in ("id", "title", "title_source", "outlet", "url", "published", "author", "words", "path"):
            _say(f"{key:12} {summary[key] if summary[key] is not None else '-'}")
        print()
        _say(article.text)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, store: Store) -> int:
    """Ingest the bundled demo corpus into a temporary store and show what wiretrace finds."""
    from wiretrace.demo import run_demo

    result = run_demo(args.keep)
    if args.json:
        _print_json(result.to_dict())
    else:
        _say(result.to_text())
    return EXIT_OK


def cmd_stories(args: argparse.Namespace, store: Store) -> int:
    """List stories (related events), largest first, with their events and articles."""
    def flat(st: dict[str, Any]) -> dict[str, Any]:
        return {"id": st["id"], "title": st["title"], "articles": len(st["articles"]), "events": len(st["events"]),
                "outlets": st.get("outlets"), "first_seen": st.get("first_seen"), "last_seen": st.get("last_seen")}

    write_records(wiretrace.stories(store), chosen_format(args), flat=flat, empty="0 stories",
                  columns=["id", "title", "articles", "events", "outlets", "first_seen", "last_seen"],
                  table=lambda st: f"{st['id']}  {len(st['articles']):4} articles  {len(st['events']):3} events  {st['title']}")
    return EXIT_OK


def cmd_copies(args: argparse.Namespace, store: Store) -> int:
    """List copy groups: near-duplicate and syndicated articles, with the original each copies."""
    groups = wiretrace.copies(store)
    fmt = chosen_format(args)
    if fmt == "csv":  # one row per member: a group is a list
        rows = [{"group": g["group"], **m} for g in groups for m in g["members"]]
        write_records(rows, fmt, columns=["group", "article", "copy_of", "similarity"])
        return EXIT_OK

    def lines(g: dict[str, Any]) -> str:
        members = [f"  {m['article']}  {m['similarity']:.2f}  {'original' if m['copy_of'] is None else ''}"
                   for m in g["members"]]
        return "\n".join([f"{g['group']}  {len(g['members'])} copies", *members])

    write_records(groups, fmt, table=lines, empty="0 copy groups")
    return EXIT_OK


def cmd_cluster(args: argparse.Namespace, store: Store) -> int:
    """Re-run copy detection and story clustering over every stored article, from scratch."""
    grouping = wiretrace.cluster(store, args.settings)
    summary = {"copies": sum(1 for c in grouping.copies if c.copy_of), "events": len(grouping.events),
               "stories": len(grouping.stories)}
    if args.json:
        _print_json(summary)
    else:
        print(f"{summary['stories']} stories, {summary['events']} events, {summary['copies']} copies")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, store: Store) -> int:
    """Serve the web app and JSON API over the store (needs the 'web' extra)."""
    from wiretrace.web import serve

    serve(store.url, host=args.host, port=args.port, token=args.token or os.environ.get("WIRETRACE_TOKEN"),
          allowed_hosts=args.allowed_host)
    return EXIT_OK


CLAIM_COLUMNS = ["id", "article", "kind", "text", "start", "end", "speaker", "attribution", "hedges", "value", "unit",
                 "subject", "qualifier", "as_of"]


def cmd_claims(args: argparse.Namespace, store: Store) -> int:
    """List extracted claims: statements, quotes with speakers, figures, with their attribution."""
    claims = [c.to_dict() for c in wiretrace.claims(store, article=args.article, kinds=args.kind)]
    write_records(claims, chosen_format(args), table=_claim_lines, empty="0 claims", columns=CLAIM_COLUMNS,
                  flat=lambda c: {k: c[k] for k in CLAIM_COLUMNS})
    return EXIT_OK


def _claim_lines(c: dict[str, Any]) -> str:
    lines = [f"{c['article']}  {c['kind']:9}  {c['text'][:100]}"]
    if c["speaker"] or c["attribution"]:
        lines.append(f"{'':30}source: {' > '.join(c['attribution']) or '-'}"
                     + (f"  (speaker: {c['speaker']})" if c["speaker"] else ""))
    if c["kind"] == "figure":
        lines.append(f"{'':30}value: {c['qualifier'] or ''} {c['value']:g} {c['unit'] or ''}  subject: "
                     f"{c['subject'] or '-'}  as of: {c['as_of'] or '-'}")
    if c["hedges"]:
        lines.append(f"{'':30}hedges: {', '.join(c['hedges'])}")
    return "\n".join(lines)


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace, Store], int], Callable[[argparse.ArgumentParser], None]]] = {}


def _register(name: str, func: Callable[[argparse.Namespace, Store], int], configure: Callable[[Any], None]) -> None:
    COMMANDS[name] = (func, configure)


def _configure_ingest(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories (recursive), globs, or - for stdin (default: the files --manifest lists)")
    p.add_argument("--manifest", metavar="FILE",
                   help="CSV or JSONL with columns path,url,outlet,published,title,author; what it states wins")
    p.add_argument("--outlet", help="the outlet of every article in this batch (a manifest cell wins over it)")
    p.add_argument("--published", metavar="DATE", help="the publication date of every article in this batch")
    p.add_argument("--max-bytes", type=int, help="largest input file (default: the config's, else 20 MB)")
    p.add_argument("--workers", type=int, help="processes that extract and clean documents (default: the config's, else 1)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this process (default); ray: a Ray cluster (extra 'ray')")
    p.add_argument("--verbose", action="store_true", help="with --engine ray: show Ray's own log lines and warnings")
    p.add_argument("--ray-address", metavar="ADDRESS",
                   help="Ray cluster to join with --engine ray (default $RAY_ADDRESS, else a local one)")
    _add_device(p)


def _add_device(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", choices=("cpu", "cuda", "auto"),
                   help="where the models run: cpu (default, or the config's), cuda (extra 'gpu'), auto (cuda when usable)")


def _configure_claims(p: argparse.ArgumentParser) -> None:
    p.add_argument("--article", metavar="ID", help="only this article (id or unique prefix)")
    p.add_argument("--kind", action="append", choices=["statement", "quote", "figure"], help="only these kinds (repeatable)")
    add_format(p)


def _configure_articles(p: argparse.ArgumentParser) -> None:
    add_format(p, help_extra="; csv is a manifest for ingest --manifest")


def _configure_show(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="article id (or a unique prefix)")


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep", metavar="DB", help="keep the demo store at this path instead of a temporary file")


def _configure_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--token", help="secret that uploads must send (default $WIRETRACE_TOKEN; none: uploads refused)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a Host name the server answers (repeatable; also $WIRETRACE_ALLOWED_HOSTS, comma-separated); "
                        "loopback binds answer loopback names only")


_register("ingest", cmd_ingest, _configure_ingest)
_register("articles", cmd_articles, _configure_articles)
_register("stories", cmd_stories, add_format)
_register("copies", cmd_copies, add_format)
_register("cluster", cmd_cluster, lambda p: None)
_register("show", cmd_show, _configure_show)
_register("claims", cmd_claims, _configure_claims)
_register("demo", cmd_demo, _configure_demo)
_register("check", cmd_check, lambda p: configure_check(p, _add_device))
_register("dossier", cmd_dossier, lambda p: configure_dossier(p, _add_device))
_register("review", cmd_review, configure_review)
_register("reviews", cmd_reviews, configure_reviews)
_register("serve", cmd_serve, _configure_serve)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by the docs test)."""
    parser = _Parser(prog="wiretrace", description="Trace every claim in the news back to its sources.")
    parser.add_argument(
        "--db", metavar="PATH", help="store file or postgresql:// URL (default $WIRETRACE_DB or ./wiretrace.db)"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="TOML file of stage options (default $WIRETRACE_CONFIG; see README Settings)"
    )
    parser.add_argument("--version", action="version", version=f"wiretrace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (func, configure) in COMMANDS.items():
        p = sub.add_parser(name, help=(func.__doc__ or "").strip().splitlines()[0], description=func.__doc__)
        configure(p)
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `wiretrace` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        args.settings = wiretrace.load_settings(args.config)
        store = None if args.command == "demo" else open_store(args.db, create=args.command in CREATES_STORE)
        try:
            return int(args.func(args, store))
        finally:
            if store is not None:
                store.close()
    except UsageError as exc:
        print(f"wiretrace: error: {scrub_secrets(str(exc), resolve_db(args.db))}", file=sys.stderr)
        return EXIT_USAGE
    except WiretraceError as exc:
        print(f"wiretrace: error: {scrub_secrets(str(exc), resolve_db(args.db))}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("wiretrace: interrupted; everything committed so far is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
