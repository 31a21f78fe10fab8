"""wiretrace: trace every claim in the news back to its sources.

The public façade, and the only module the CLI and the web app import from: open a store, ingest files,
and read what the pipeline found. Everything else in the package may change between versions.

    import wiretrace

    with wiretrace.open_store("news.db") as store:
        wiretrace.ingest(store, ["articles/"])
        for story in wiretrace.stories(store):
            dossier = wiretrace.dossier(store, story["id"])
        verdict = wiretrace.check(store, "The minister resigned on Monday")

Every function takes an optional `Settings` (every stage's options, `load_settings` reads a TOML file).
Three names here, `ingest`, `stories` and `claims`, are functions that share their names with stage
packages: import a stage's modules with `from wiretrace.stories import cluster`, not with
`import wiretrace.stories.cluster as cluster` (that form looks the name up here and finds the function).
"""

from __future__ import annotations

__version__ = "0.1.0"  # before the imports below: modules they load may read it

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wiretrace.engines.ray import RayOptions
from wiretrace.errors import AmbiguousId, NotFound, StoreUnavailable, UsageError, WiretraceError
from wiretrace.ingest import IngestOptions
from wiretrace.ingest.manifest import COLUMNS as MANIFEST_COLUMNS
from wiretrace.ingest.manifest import Stated, formula_safe, manifest_paths, manifest_row
from wiretrace.models import REVIEW_STATUSES, Article, Claim, Event, IngestReport, Review, Story
from wiretrace.pipeline import ingest, ingest_ray, update_store
from wiretrace.report.visible import show_bidi
from wiretrace.settings import Settings, load_settings
from wiretrace.store import Store, open_store, redact_url, resolve_db, scrub_secrets

if TYPE_CHECKING:
    from wiretrace.crosscheck.dossier import Dossier
    from wiretrace.stories.cluster import Grouping
    from wiretrace.verify import Checker, Verdict

__all__ = [
    "Article",
    "Claim",
    "Event",
    "IngestOptions",
    "IngestReport",
    "MANIFEST_COLUMNS",
    "NotFound",
    "REVIEW_STATUSES",
    "RayOptions",
    "Review",
    "Settings",
    "Stated",
    "Store",
    "StoreUnavailable",
    "Story",
    "UsageError",
    "WiretraceError",
    "__version__",
    "article_rows",
    "check",
    "check_all",
    "checker",
    "claim_review",
    "json_ld_script",
    "claims",
    "cluster",
    "copies",
    "dossier",
    "find_story",
    "formula_safe",
    "ingest",
    "ingest_ray",
    "load_settings",
    "manifest_paths",
    "manifest_row",
    "open_store",
    "problems",
    "record_verdict",
    "redact_url",
    "render",
    "resolve_db",
    "review",
    "reviewed_dossier",
    "reviews",
    "scrub_secrets",
    "search",
    "show_bidi",
    "stated_metadata",
    "stories",
    "update_store",
]


def stated_metadata(manifest: str | None = None, outlet: str | None = None, published: str | None = None,
                    names: dict[str, str] | None = None) -> Stated:
    """What the user states about a batch: a manifest's rows over batch-wide `outlet` and `published`.

    `names` maps the paths a manifest names to the files actually read (the web app's uploads). Raises
    `ManifestError` (a `UsageError`) for a bad manifest or date.
    """
    from wiretrace.ingest.manifest import batch_metadata, read_manifest

    batch = batch_metadata(outlet=outlet, published=published)
    return read_manifest(manifest, batch, names=names) if manifest else Stated(batch=batch)


def stories(store: Store) -> list[dict[str, Any]]:
    """Stories (related events), largest first, each with its events: the `stories --json` contract."""
    from wiretrace.stories.cluster import list_stories

    return list_stories(store)


def find_story(store: Store, story_id: str) -> Story:
    """One story by id or unique id prefix; raises `NotFound` (listing the candidates when ambiguous)."""
    from wiretrace.stories import find_story as find

    return find(store, story_id)


def copies(store: Store) -> list[dict[str, Any]]:
    """Copy groups (near-duplicate and syndicated articles) with the original each copies."""
    from wiretrace.stories.cluster import list_copies

    return list_copies(store)


def cluster(store: Store, settings: Settings | None = None, device: str | None = None) -> Grouping:
    """Redo copy detection and event/story clustering over every stored article, from scratch."""
    from wiretrace.ml import lead_embedder
    from wiretrace.pipeline import cluster_store

    settings = settings or Settings()
    return cluster_store(store, settings.cluster, embedder=lead_embedder(device or settings.device),
                         rebuild=True, dedupe=settings.dedupe)


def claims(store: Store, article: str | None = None, kinds: Sequence[str] | None = None) -> list[Claim]:
    """Stored claims (statements, quotes, figures), of one article (id or prefix) and some kinds if given."""
    from wiretrace.claims import claims_for

    return claims_for(store, article=article, kinds=kinds)


def problems(store: Store) -> dict[str, dict[str, str]]:
    """Article id -> {stage: one-line reason} for every stage that failed on a stored article."""
    from wiretrace.store.problems import stage_problems

    return stage_problems(store)


def article_rows(store: Store) -> list[dict[str, Any]]:
    """Every stored article's summary with the stages that failed on it (`problems`): `articles --json`."""
    from wiretrace.store.problems import stage_problems

    problems = stage_problems(store)
    return [{**a.summary(), "problems": problems.get(a.id, {})} for a in store.list_articles()]


def dossier(store: Store, story_id: str, settings: Settings | None = None, device: str | None = None,
            checker: Checker | None = None) -> Dossier:
    """Cross-check one story: claim groups, discrepancies, provenance, figures, timeline.

    A `checker` lends its loaded models (the web app keeps one); otherwise the shared ones are used.
    """
    from wiretrace.crosscheck.dossier import build_dossier

    settings = settings or Settings()
    models: dict[str, Any] = {"embedder": checker.embedder, "model": checker.stance_model} if checker else {}
    return build_dossier(store, story_id, options=settings.crosscheck, device=device or settings.device, **models)


def render(report: Dossier | dict[str, Any], fmt: str) -> str:
    """A dossier (or its contract, as `reviewed_dossier` gives it) as "json", "md" or "html" (one page)."""
    from wiretrace.report import render as render_report

    return render_report(report, fmt)


def reviewed_dossier(store: Store, report: Dossier | dict[str, Any], show_dismissed: bool = False) -> dict[str, Any]:
    """The dossier contract with each discrepancy's `review`; dismissed ones left out unless `show_dismissed`.

    Also records the dossier's findings in the store, so `review` can take a prefix of their keys.
    """
    from wiretrace.crosscheck.reviewed import discrepancy_findings, with_reviews

    data = report if isinstance(report, dict) else report.to_dict()
    findings = discrepancy_findings(data)
    store.put_findings(findings)
    found = {r.key: r for r in store.get_reviews([k for k, _, _ in findings])}
    return with_reviews(data, found, show_dismissed)


def record_verdict(store: Store, verdict: Verdict) -> dict[str, Any]:
    """The `check --json` contract with the verdict's `review`; records the verdict as a finding."""
    data = verdict.to_dict()
    store.put_findings([(verdict.key, "verdict", {
        "kind": "verdict", "type": "check", "claim": verdict.claim, "verdict": verdict.verdict,
        "confidence": data["confidence"]})])
    found = store.get_reviews([verdict.key])
    return {**data, "review": found[0].to_dict() if found else None}


def review(store: Store, key: str, status: str, note: str = "", by: str = "") -> Review:
    """Confirm or dismiss a finding by its key or a unique key prefix; replaces an earlier review of it.

    Keys are the `"key"` of a dossier's discrepancies and of a check's verdict. Raises `UsageError` for
    a status other than confirmed or dismissed, `NotFound` for a key no dossier or check has shown, and
    `AmbiguousId` (listing candidates) for a prefix of several.
    """
    import datetime as dt

    if status not in REVIEW_STATUSES:
        raise UsageError(f"review status {status!r}: use one of {', '.join(REVIEW_STATUSES)}")
    candidates = store.finding_keys(key, limit=50)
    if key in candidates:
        candidates = [key]
    if not candidates:
        raise NotFound(f"no finding with key {key!r}; keys come from: wiretrace dossier STORY --format json, "
                       "or wiretrace check CLAIM --json")
    if len(candidates) > 1:
        raise AmbiguousId(key, "findings", candidates, len(candidates))
    full = candidates[0]
    about = store.get_finding(full) or next((r.about for r in store.get_reviews([full])), {})
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    made = Review(key=full, status=status, note=note, by=by, at=at, about=about)
    store.put_review(made)
    return made


def reviews(store: Store) -> list[Review]:
    """Every review, oldest first: labelled data for tuning (`reviews --format csv`)."""
    return store.get_reviews()


def checker(store: Store, settings: Settings | None = None, device: str | None = None) -> Checker:
    """A `Checker` over the store: keeps the article vectors between checks (for many checks in a row)."""
    from wiretrace.verify import Checker

    return Checker(store, device=device or (settings or Settings()).device)


def check(store: Store, claim: str, settings: Settings | None = None, *, story: str | None = None,
          since: str | None = None, device: str | None = None) -> Verdict:
    """A verdict on one claim, with its evidence sentences and their sources.

    `story` and `since` narrow the evidence to one story's articles or to articles published on or after
    an ISO date; the rest of the options come from `settings.check`.
    """
    import dataclasses

    settings = settings or Settings()
    options = dataclasses.replace(settings.check, story=story or settings.check.story,
                                  since=since or settings.check.since)
    return checker(store, settings, device).check(claim, options)


def check_all(store: Store, claims: Sequence[str], settings: Settings | None = None, *, story: str | None = None,
              since: str | None = None, device: str | None = None) -> list[Verdict]:
    """Verdicts on many claims (`check --file`), one `Checker` for all so the models load once."""
    import dataclasses

    settings = settings or Settings()
    options = dataclasses.replace(settings.check, story=story or settings.check.story,
                                  since=since or settings.check.since)
    one = checker(store, settings, device)
    return [one.check(claim, options) for claim in claims]


def claim_review(store: Store, verdict: Verdict | dict[str, Any], organization: str | None = None,
                 date: str | None = None) -> dict[str, Any]:
    """A verdict as schema.org ClaimReview JSON-LD; `organization` defaults to `Settings.organization`."""
    import datetime as dt

    from wiretrace.report.claimreview import claim_review as build

    data = verdict if isinstance(verdict, dict) else verdict.to_dict()
    ids = list(dict.fromkeys(e["article"] for e in data.get("evidence") or []))
    urls = {a.id: a.url for a in store.list_articles(ids)}
    return build(data, urls, organization or Settings().organization,
                 date or dt.datetime.now(dt.UTC).date().isoformat())


def json_ld_script(data: Any) -> str:
    """JSON-LD text safe inside `<script type="application/ld+json">` (no `</script>` can end it)."""
    from wiretrace.report.claimreview import json_ld_script as safe

    return safe(data)


def search(store: Store, query: str, limit: int = 20) -> dict[str, Any]:
    """Full-text search over articles, claims and stories: `{"query", "articles", "claims", "stories"}`."""
    from wiretrace.store.search import SearchOptions
    from wiretrace.store.search import search as run

    return run(store, query, SearchOptions(limit=limit))
