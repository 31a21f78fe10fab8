"""The fact-checker's commands: `check` (one claim or a file of them), `dossier`, `review` and `reviews`.

Each parses its options, calls the façade, and prints; reviews are labelled data, so `reviews` writes
every list format.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import wiretrace
from wiretrace import Store, UsageError, show_bidi
from wiretrace.cli.formats import LIST_FORMATS, add_format, chosen_format, write_records

EXIT_OK = 0
REVIEW_COLUMNS = ["key", "status", "note", "by", "at", "kind", "type", "detail", "claim", "verdict", "texts", "outlets"]
CHECK_COLUMNS = ["key", "claim", "verdict", "confidence", "supports", "refutes", "review"]


def _read_claims(path: str) -> list[str]:
    """One claim a line; blank lines and lines starting with '#' are skipped."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = [" ".join(line.split()) for line in fh]
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path!r} is not UTF-8 text: {exc.reason}; save it as UTF-8, one claim a line") from exc
    claims = [line for line in lines if line and not line.startswith("#")]
    if not claims:
        raise UsageError(f"{path!r} holds no claims; write one claim a line")
    return claims


def cmd_check(args: argparse.Namespace, store: Store) -> int:
    """Check a claim (or --file, one claim a line) against the stored articles: verdicts with evidence and sources."""
    if bool(args.claim) == bool(args.file):
        raise UsageError("give one claim to check, or --file FILE with one claim a line (not both)")
    claims = _read_claims(args.file) if args.file else [args.claim]
    verdicts = wiretrace.check_all(store, claims, args.settings, story=args.story, since=args.since, device=args.device)
    records = [wiretrace.record_verdict(store, v) for v in verdicts]
    warnings = list(dict.fromkeys(w for v in verdicts for w in v.warnings))
    fmt = chosen_format(args)
    if fmt == "json" and not args.file:  # the one-claim `check --json` contract: an object
        print(json.dumps({**records[0], "warnings": warnings}, indent=2, ensure_ascii=False))
        return EXIT_OK
    for warning in warnings:
        print(f"wiretrace: warning: {warning}", file=sys.stderr)
    if fmt == "claimreview":
        org = args.org or args.settings.organization
        reviews = [wiretrace.claim_review(store, r, org) for r in records]
        print(json.dumps(reviews if args.file else reviews[0], indent=2, ensure_ascii=False))
    elif fmt == "text":
        for record in records:
            _print_verdict(record)
    else:
        write_records(records, fmt, flat=_check_row, table=_check_line, columns=CHECK_COLUMNS)
    return EXIT_OK


def _check_row(r: dict[str, Any]) -> dict[str, Any]:
    sides = {s: sorted({e["outlet"] or e["article"] for e in r["evidence"] if e["stance"] == s})
             for s in ("supports", "refutes")}
    return {"key": r["key"], "claim": r["claim"], "verdict": r["verdict"], "confidence": r["confidence"], **sides,
            "review": (r["review"] or {}).get("status")}


def _check_line(r: dict[str, Any]) -> str:
    return f"{r['key']}  {r['verdict']:13} {r['confidence']:.2f}  {r['claim']}"


def _print_verdict(r: dict[str, Any]) -> None:
    review = f"  [{r['review']['status']}]" if r["review"] else ""
    print(f"{r['verdict'].upper()}  (confidence {r['confidence']:.2f})  key {r['key']}{review}")
    print(show_bidi(r["explanation"]))
    for item in r["evidence"]:
        if item["stance"] != "neutral":
            print(show_bidi(f"  [{item['stance']}] {item['outlet']}: {item['text']}"))


def cmd_dossier(args: argparse.Namespace, store: Store) -> int:
    """Cross-check a story: claim groups, discrepancies (with their reviews), provenance, figures, timeline."""
    dossier = wiretrace.dossier(store, args.story_id, args.settings, device=args.device)
    for warning in dossier.warnings:
        print(f"wiretrace: warning: {warning}", file=sys.stderr)
    data = wiretrace.reviewed_dossier(store, dossier, show_dismissed=args.show_dismissed)
    text = wiretrace.render(data, "json" if args.json else args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output!r}: {exc.strerror or exc}") from exc
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        print(text)
    return EXIT_OK


def cmd_review(args: argparse.Namespace, store: Store) -> int:
    """Confirm or dismiss a finding (a discrepancy's or a verdict's key, or a unique prefix), with a note."""
    made = wiretrace.review(store, args.key, "confirmed" if args.confirm else "dismissed", note=args.note or "",
                            by=args.by or "")
    if args.json:
        print(json.dumps(made.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"{made.key}  {made.status}" + (f"  by {made.by}" if made.by else ""))
    return EXIT_OK


def review_row(r: dict[str, Any]) -> dict[str, Any]:
    """A review as one flat row: its own fields and what the finding was about."""
    about = r.get("about") or {}
    return {**{k: r[k] for k in ("key", "status", "note", "by", "at")},
            **{k: about.get(k) for k in ("kind", "type", "detail", "claim", "verdict", "texts", "outlets")}}


def cmd_reviews(args: argparse.Namespace, store: Store) -> int:
    """List reviews of findings, oldest first: labelled data (--format csv for a spreadsheet)."""
    records = [r.to_dict() for r in wiretrace.reviews(store)]
    write_records(records, chosen_format(args), flat=review_row, columns=REVIEW_COLUMNS, empty="0 reviews",
                  table=lambda r: show_bidi(f"{r['key']}  {r['status']:9}  {r['at']}  {r['by'] or '-':12}  "
                                            f"{(r['about'] or {}).get('detail') or (r['about'] or {}).get('claim') or ''}"))
    return EXIT_OK


def configure_check(p: argparse.ArgumentParser, add_device: Any) -> None:
    """Options of `check`."""
    p.add_argument("claim", nargs="?", help="the claim to check, in quotes")
    p.add_argument("--file", metavar="FILE", help="check every claim in FILE, one a line ('#' lines skipped)")
    p.add_argument("--story", metavar="ID", help="only evidence from this story")
    p.add_argument("--since", metavar="DATE", help="only evidence published on or after this date (YYYY-MM-DD)")
    add_format(p, extra=("text", "claimreview"), default="text",
               help_extra="; claimreview: schema.org ClaimReview JSON-LD")
    p.add_argument("--org", metavar="NAME", help="the ClaimReview author (default: the config's organization)")
    add_device(p)


def configure_dossier(p: argparse.ArgumentParser, add_device: Any) -> None:
    """Options of `dossier`."""
    p.add_argument("story_id", metavar="STORY_ID", help="story id (or a unique prefix), see: wiretrace stories")
    p.add_argument("--format", choices=("json", "md", "html"), default="md", help="output format (default md)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--show-dismissed", action="store_true", help="include discrepancies a review dismissed")
    add_device(p)


def configure_review(p: argparse.ArgumentParser) -> None:
    """Options of `review`."""
    p.add_argument("key", metavar="KEY", help="a finding's key (or a unique prefix), from dossier/check JSON")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--confirm", action="store_true", help="the finding holds")
    which.add_argument("--dismiss", action="store_true", help="the finding is wrong (hidden from dossiers)")
    p.add_argument("--note", metavar="TEXT", help="why")
    p.add_argument("--by", metavar="NAME", help="who says so")


def configure_reviews(p: argparse.ArgumentParser) -> None:
    """Options of `reviews`."""
    add_format(p)


__all__ = ["LIST_FORMATS", "cmd_check", "cmd_dossier", "cmd_review", "cmd_reviews", "configure_check",
           "configure_dossier", "configure_review", "configure_reviews"]
