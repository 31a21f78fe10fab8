"""The server-rendered pages: stories, a story's dossier, articles, one article, check, upload.

Each page reads through `WebState` (the same library calls as the CLI) and renders a Jinja2 template
with autoescape on; every value shown passes `report.visible.show_bidi`, so stored text cannot reorder a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

import wiretrace
from wiretrace import __version__
from wiretrace.report.visible import show_bidi
from wiretrace.web import lists, present
from wiretrace.web.api import Offset
from wiretrace.web.security import encodable, leading_form_field

if TYPE_CHECKING:
    from wiretrace.web.app import WebState

HERE = Path(__file__).parent


def make_templates() -> jinja2.Environment:
    """The Jinja2 environment: autoescape always on, bidi controls made visible, helpers as filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=show_bidi,
    )
    env.filters["seg"] = lambda value: quote(str(value), safe="")
    env.filters["safe_url"] = present.safe_url
    env.filters["num"] = present.format_number
    env.filters["pct"] = lambda value: f"{float(value) * 100:.0f}%"
    env.globals["passage_url"] = passage_url
    env.globals["claim_url"] = claim_url
    env.globals["version"] = __version__
    return env


def passage_url(article: str, start: Any = None, end: Any = None) -> str:
    """Link to an article page with one passage marked and scrolled to."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
        return f"/articles/{quote(str(article), safe='')}?start={start}&end={end}#passage"
    return f"/articles/{quote(str(article), safe='')}"


def claim_url(article: str, claim: Any = None) -> str:
    """Link to an article page scrolled to one extracted claim."""
    anchor = f"#c-{quote(str(claim), safe='')}" if claim else ""
    return f"/articles/{quote(str(article), safe='')}{anchor}"


def render(env: jinja2.Environment, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template into an HTML response."""
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


def render_dossier(env: jinja2.Environment, dossier: dict[str, Any], status: int = 200, writable: bool = False,
                   show_dismissed: bool = False, filters: dict[str, str] | None = None) -> HTMLResponse:
    """The dossier page of a dossier contract dict (also used by tests with a fixture dossier)."""
    outlets, rows = present.claim_matrix(dossier)
    provenance = dossier.get("provenance") or {}
    graph = present.layout_graph(provenance.get("nodes") or [], provenance.get("edges") or [])
    charts = [(figure, present.figure_chart(figure)) for figure in dossier.get("figures") or []]
    timeline = sorted(dossier.get("timeline") or [], key=lambda t: (str(t.get("date") or "9999"), str(t.get("text"))))
    return render(env, "dossier.html", status, nav="stories", dossier=dossier, outlets=outlets, rows=rows,
                  graph=graph, charts=charts, timeline=timeline, counts=present.status_counts(dossier),
                  states=present.CELL_STATES, writable=writable, show_dismissed=show_dismissed,
                  filters=filters or {}, review_states=lists.REVIEW_STATES)


def add_pages(app: FastAPI, state: WebState, env: jinja2.Environment, upload_limit: int) -> None:
    """Register the HTML routes on `app`."""
    options = state.options
    page_size = options.page_size

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_stories(offset: Offset = 0, outlet: str = "", since: str = "", until: str = "", sort: str = "",
                     order: str = "asc") -> Response:
        q = lists.ListQuery(outlet, since, until, sort, order).check(lists.STORY_SORTS)
        every = state.stories()
        stories = lists.filter_stories(every, q)
        shown = stories[offset : offset + page_size]
        counts = {s["id"]: present.status_counts(d) for s in shown if (d := state.cached_dossier(s["id"]))}
        outlets = sorted({o for s in every for o in s.get("outlets") or []}, key=str.casefold)
        return render(env, "stories.html", nav="stories", stories=shown, total=len(stories), offset=offset,
                      page_size=page_size, counts=counts, article_count=state.count_articles(), q=q,
                      outlets=outlets, sorts=lists.STORY_SORTS)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_dossier(story_id: str, show_dismissed: bool = False, type: str = "", review: str = "") -> Response:  # noqa: A002
        from wiretrace.web.reviews import reviewed_dossier

        if state.dossier_within(story_id, state.options.dossier_wait) is None:
            return render(env, "building.html", nav="stories", refresh=2)
        data = lists.filter_discrepancies(reviewed_dossier(state, story_id, show_dismissed or review == "dismissed"),
                                          type, review)
        return render_dossier(env, data, writable=state.token is not None, show_dismissed=show_dismissed,
                              filters={"type": type, "review": review})

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def page_articles(offset: Offset = 0, outlet: str = "", since: str = "", until: str = "", sort: str = "",
                      order: str = "asc") -> Response:
        q = lists.ListQuery(outlet, since, until, sort, order).check(lists.ARTICLE_SORTS)
        every = lists.article_dicts(state)
        articles = lists.filter_articles(every, q)
        outlets = sorted({a["outlet"] for a in every if a["outlet"]}, key=str.casefold)
        return render(env, "articles.html", nav="articles", articles=articles[offset : offset + page_size],
                      total=len(articles), offset=offset, page_size=page_size, q=q, outlets=outlets,
                      sorts=lists.ARTICLE_SORTS)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(article_id: str, start: int | None = None, end: int | None = None) -> Response:
        article, claims, stories = state.article_with_claims(article_id)
        spans = present.claim_spans(article.text, claims)
        if start is not None and end is not None and 0 <= start < end <= len(article.text):
            spans.append(present.Span(start, end, "passage", "passage", "linked passage"))
        claims.sort(key=lambda c: (c.start, c.end))
        return render(env, "article.html", nav="articles", article=article, claims=claims, stories=stories,
                      segments=present.segment_text(article.text, spans))

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(claim: str | None = None, story: str | None = None, since: str | None = None) -> Response:
        encodable(claim, "claim")
        verdict = state.checked(claim, story, since) if claim else None
        json_ld = None
        if verdict:
            with state.lock:
                json_ld = wiretrace.json_ld_script(wiretrace.claim_review(state.store, verdict))
        return render(env, "check.html", nav="check", claim=claim or "", story=story or "", since=since or "",
                      stories=state.story_list(), verdict=verdict, claimreview=json_ld,
                      writable=state.token is not None)

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def page_upload() -> Response:
        return render(env, "upload.html", nav="upload", enabled=state.token is not None,
                      limit_mb=options.max_upload_bytes // (1024 * 1024), report=None)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False, max_body_size=upload_limit)
    async def page_upload_post(request: Request) -> Response:
        # The form sends its token field first: check it before a byte of the files is read or spooled.
        given, request = await leading_form_field(request, "token")
        state.require_token(given)
        async with request.form(max_files=options.max_files, max_fields=10) as form:
            uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile) and v.filename]
            report = await run_in_threadpool(state.ingest_uploads, uploads)
        return render(env, "upload.html", nav="upload", enabled=True,
                      limit_mb=options.max_upload_bytes // (1024 * 1024), report=report)
