"""The bundled demo: a fictional news event told by eight outlets in every supported format.

`run_demo` ingests `corpus/` through the real pipeline and summarises what the store holds. The
summary reads stories, copies and claims from the store whenever the pipeline produced them, so it
shows more as later stages land, with no change here. `expected.json` lists what was planted in the
corpus (a copy group, a misattributed quote, a changed number, ...) for tests and for the reader.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from wiretrace.models import Article, Claim, CopyLink, IngestReport, Story

_MAX_LISTED = 8


@dataclass
class DemoResult:
    """What the demo ingested and what the pipeline found in it.

    Attributes:
        db: path of the kept store, or None when the store was temporary.
        report: the ingest report (ids ingested, unchanged, failures).
        articles: per-article summaries, in ingest order, with `path` relative to the corpus.
        stories: stories as the store holds them (empty until the stories stage runs).
        copies: copy links (empty until the dedupe stage runs).
        claims: claims (empty until the claims stage runs).
        planted: the planted distortions of `expected.json`, kind and short description.
    """

    db: str | None
    report: IngestReport
    articles: list[dict[str, Any]]
    stories: list[Story] = field(default_factory=list)
    copies: list[CopyLink] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    planted: list[dict[str, str]] = field(default_factory=list)
    discrepancies: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)  # discrepancies too unsure to list
    checks: list[dict[str, Any]] = field(default_factory=list)

    def counts(self, key: str) -> dict[str, int]:
        """Articles per value of one summary field (`format`, `outlet`, `published`), '-' for missing."""
        return dict(sorted(Counter(a.get(key) or "-" for a in self.articles).items()))

    def to_dict(self) -> dict[str, Any]:
        """The `demo --json` contract."""
        return {
            "db": self.db,
            "ingest": self.report.to_dict(),
            "articles": self.articles,
            "by_format": self.counts("format"),
            "by_outlet": self.counts("outlet"),
            "by_date": self.counts("published"),
            "stories": [_story_dict(s) for s in self.stories],
            "copies": [_copy_dict(c) for c in self.copies],
            "claims": {"total": len(self.claims), "by_kind": dict(Counter(c.kind for c in self.claims)),
                       "items": [c.to_dict() for c in self.claims]},
            "planted": self.planted,
            "discrepancies": self.discrepancies,
            "leads": self.leads,
            "checks": self.checks,
        }

    def to_text(self) -> str:
        """A readable summary, one section per pipeline stage that has output."""
        report = self.report
        lines = [
            f"Demo corpus: {len(self.articles)} articles "
            f"({len(report.ingested)} ingested, {len(report.unchanged)} unchanged, {len(report.failed)} failed)",
        ]
        lines += [f"  failed: {f.path}: {f.error}" for f in report.failed]
        for title, key in (("By format", "format"), ("By outlet", "outlet"), ("By date", "published")):
            lines += ["", f"{title}:"] + [f"  {count:3d}  {value}" for value, count in self.counts(key).items()]
        lines += ["", "Articles:"]
        lines += [f"  {a['id']}  {a['published'] or '----------'}  {(a['outlet'] or '-')[:22]:22}  {a['title'] or ''}"
                  for a in self.articles]
        lines += self._stories_text() + self._copies_text() + self._claims_text()
        if self.discrepancies:
            lines += ["", f"Discrepancies in the largest story ({len(self.discrepancies)}), from its dossier:"]
            lines += [f"  [{d['type']}] ({d['confidence']:.2f}) {d['reason'] or d['detail']}" for d in self.discrepancies]
        if self.leads:
            lines += ["", f"Leads, low confidence and not checked ({len(self.leads)}):"]
            lines += [f"  [{d['type']}] ({d['confidence']:.2f}) {d['reason'] or d['detail']}" for d in self.leads]
        if self.checks:
            lines += ["", "Checking claims against the store:"]
            lines += [f"  {c['verdict'].upper():20} ({c['confidence']:.2f})  {c['claim']}" for c in self.checks]
        if self.planted:
            lines += ["", "Planted in this corpus (see wiretrace/demo/expected.json):"]
            lines += [f"  - {p['kind']}: {p['what']}" for p in self.planted]
        if self.db:
            lines += ["", f"Store kept at {self.db}"]
        return "\n".join(lines)

    def _title_of(self, article_id: str) -> str:
        article = next((a for a in self.articles if a["id"] == article_id), None)
        return f"{article['outlet'] or '-'}: {article['title'] or ''}" if article else article_id

    def _stories_text(self) -> list[str]:
        if not self.stories:
            return []
        lines = ["", f"Stories ({len(self.stories)}):"]
        for story in self.stories:
            lines.append(f"  {story.title}  [{len(story.articles)} articles, {len(story.outlets)} outlets,"
                         f" {story.first_seen or '?'} to {story.last_seen or '?'}]")
        return lines

    def _copies_text(self) -> list[str]:
        if not self.copies:
            return []
        groups: dict[str, list[CopyLink]] = {}
        for link in self.copies:
            groups.setdefault(link.group, []).append(link)
        lines = ["", f"Copy groups ({len(groups)}):"]
        for members in groups.values():
            for link in sorted(members, key=lambda c: c.copy_of is not None):
                role = "original" if link.copy_of is None else f"copy ({link.similarity:.2f})"
                lines.append(f"  {role:16} {self._title_of(link.article)}")
        return lines

    def _claims_text(self) -> list[str]:
        if not self.claims:
            return []
        by_kind = Counter(c.kind for c in self.claims)
        lines = ["", f"Claims ({len(self.claims)}: " + ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items())) + "):"]
        notable = [c for c in self.claims if c.hedges or len(c.attribution) > 1][:_MAX_LISTED]
        for claim in notable:
            extra = f" hedges={claim.hedges}" if claim.hedges else ""
            extra += f" via {' < '.join(claim.attribution)}" if claim.attribution else ""
            lines.append(f"  [{claim.kind}] {claim.text[:100]}{extra}")
        return lines


def _story_dict(story: Story) -> dict[str, Any]:
    return {"id": story.id, "title": story.title, "articles": story.articles, "outlets": story.outlets,
            "first_seen": story.first_seen, "last_seen": story.last_seen}


def _copy_dict(link: CopyLink) -> dict[str, Any]:
    return {"article": link.article, "group": link.group, "copy_of": link.copy_of, "similarity": link.similarity}


def expected() -> dict[str, Any]:
    """The planted facts of the demo corpus (`expected.json`)."""
    return json.loads(resources.files(__name__).joinpath("expected.json").read_text(encoding="utf-8"))


def _planted() -> list[dict[str, str]]:
    planted = []
    for item in expected()["distortions"]:
        what = item.get("quantity") or item.get("quote") or item.get("hedge") or item.get("note") or ""
        if item["kind"] == "contradiction":
            what = item["claim"]["sentence"]
        elif item["kind"] == "attribution_chain":
            what = " < ".join(item["chain"])
        planted.append({"kind": item["kind"], "what": what.strip(" ,")})
    return planted


def _relative(path: str | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _summaries(articles: list[Article], root: Path) -> list[dict[str, Any]]:
    return [{**a.summary(), "format": a.format, "path": _relative(a.path, root)} for a in articles]


DEMO_CLAIMS = (
    "About 1,200 residents were evacuated after the Carrowby blast",
    "The Carrowby blast was caused by a faulty pressure valve",
    "The Skarra Island ferry was cancelled",
)


def _discrepancies(store: Any, stories: list[Story]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The largest story's dossier discrepancies and leads (cross-check stage)."""
    if not stories:
        return [], []
    import wiretrace

    data = wiretrace.dossier(store, stories[0].id).to_dict()
    return data["discrepancies"], data["leads"]


def _checks(store: Any) -> list[dict[str, Any]]:
    """A few claims checked against the demo store (check stage)."""
    import wiretrace

    checker = wiretrace.checker(store)
    return [checker.check(claim).to_dict() for claim in DEMO_CLAIMS]


def run_demo(keep: str | None = None) -> DemoResult:
    """Ingest the bundled corpus into a temporary store (or the store file `keep`) and summarise it.

    Args:
        keep: path of a store file to keep; None uses a temporary store removed afterwards.

    Returns:
        A `DemoResult`; `to_text()` is what `wiretrace demo` prints.
    """
    from wiretrace import ingest, open_store

    with tempfile.TemporaryDirectory(prefix="wiretrace-demo-") as tmp, \
            resources.as_file(resources.files(__name__).joinpath("corpus")) as corpus, \
            open_store(keep or str(Path(tmp) / "demo.db")) as store:
        report = ingest(store, [str(corpus)])
        stories = store.get_stories()
        listed, leads = _discrepancies(store, stories)
        return DemoResult(
            db=keep, report=report, articles=_summaries(store.list_articles(), Path(corpus)),
            stories=stories, copies=store.get_copies(), claims=store.get_claims(),
            planted=_planted(), discrepancies=listed, leads=leads, checks=_checks(store),
        )
