"""The FastAPI app: server-rendered pages and a JSON API over one store, both thin layers over the library.

Every route parses its parameters, calls the same library function the CLI calls (`store.list_articles`,
`verify.Checker.check`, `pipeline.ingest`, `dossier.build_dossier`) and renders or returns the result.
Domain errors become JSON errors under `/api/` and a friendly page elsewhere.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace import __version__
from wiretrace.errors import NotFound, StoreUnavailable, UsageError, WiretraceError
from wiretrace.ingest.readers import ReadOptions
from wiretrace.models import IngestReport, Story
from wiretrace.store import Store, open_store
from wiretrace.web import present

HERE = Path(__file__).parent
LOG = logging.getLogger("wiretrace.web")
MAX_PAGE_SIZE = 500
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"items per page (1-{MAX_PAGE_SIZE})")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]
MULTIPART_OVERHEAD = 256 * 1024
UPLOAD_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".json", ".ndjson", ".xml", ".rss",
                   ".atom", ".warc", ".gz")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass(frozen=True)
class WebOptions:
    """Limits and settings of the web app.

    Attributes:
        max_upload_bytes: largest file accepted by the upload form and `/api/ingest` (the ingest limit).
        max_body_bytes: largest body of any other request (a claim to check, a form).
        max_files: most files in one upload.
        page_size: default items per page of a list.
        allowed_hosts: Host header values answered (None: any); `serve` sets the loopback names.
    """

    max_upload_bytes: int = ReadOptions().max_bytes
    max_body_bytes: int = 1024 * 1024
    max_files: int = 50
    page_size: int = 50
    allowed_hosts: tuple[str, ...] | None = None


class Unauthorized(WiretraceError):
    """A write was asked for without the right token."""


class WritesDisabled(WiretraceError):
    """A write was asked for, but the server was started without a token."""


ERROR_STATUS: list[tuple[type[WiretraceError], int]] = [
    (UsageError, 400), (Unauthorized, 401), (WritesDisabled, 403), (NotFound, 404), (StoreUnavailable, 503),
]


def error_status(exc: WiretraceError) -> int:
    """HTTP status of a domain error: usage 400, unknown id 404, store down 503, else the input's fault (422)."""
    return next((status for kind, status in ERROR_STATUS if isinstance(exc, kind)), 422)


# -- state shared by the requests of one app -------------------------------------------------------------
class WebState:
    """One store and one `Checker` per app; a lock serialises store access (one SQLite connection)."""

    def __init__(self, store: Store, token: str | None, options: WebOptions):
        self.store = store
        self.token = token or None
        self.options = options
        self.lock = threading.RLock()
        self._checker: Any = None
        self._models: tuple[Any, Any] = (None, None)
        self._dossiers: dict[tuple[str, int], dict[str, Any]] = {}

    def checker(self) -> Any:
        """The cached `Checker` (models load on the first check and are kept across ingests)."""
        if self._checker is None:
            from wiretrace.verify import Checker

            self._checker = Checker(self.store, embedder=self._models[0], stance_model=self._models[1])
        return self._checker

    def check(self, claim: str, story: str | None, since: str | None) -> Any:
        """`Checker.check` under the store lock."""
        from wiretrace.verify import CheckOptions

        with self.lock:
            checker = self.checker()
            verdict = checker.check(claim, CheckOptions(story=story or None, since=since or None))
            self._models = (checker.embedder, checker.stance_model)
        return verdict

    def dossier(self, story_id: str) -> dict[str, Any]:
        """The dossier contract of a story (built with the checker's models), cached until the next ingest."""
        with self.lock:
            story = find_story(self.store, story_id)
            key = (story.id, self.store.count_articles())
            if key not in self._dossiers:
                checker = self.checker()
                self._dossiers[key] = build_dossier_dict(self.store, story.id, checker.embedder, checker.stance_model)
                self._models = (checker.embedder, checker.stance_model)
            return self._dossiers[key]

    def cached_dossier(self, story_id: str) -> dict[str, Any] | None:
        """A dossier already built (the story list shows statuses without building every dossier)."""
        with self.lock:
            return self._dossiers.get((story_id, self.store.count_articles()))

    def stories(self) -> list[dict[str, Any]]:
        """The `stories --json` contract."""
        from wiretrace.stories.cluster import list_stories

        with self.lock:
            return list_stories(self.store)

    def ingest(self, paths: list[str], stated: Any = None) -> IngestReport:
        """`pipeline.ingest` under the store lock; cached checker state and dossiers are dropped after."""
        from wiretrace.ingest import IngestOptions
        from wiretrace.ingest.manifest import Stated
        from wiretrace.pipeline import ingest

        options = IngestOptions(read=ReadOptions(max_bytes=self.options.max_upload_bytes), stated=stated or Stated())
        with self.lock:
            try:
                return ingest(self.store, paths, options)
            finally:
                self._checker = None
                self._dossiers.clear()

    def require_token(self, given: str | None) -> None:
        """Refuse a write unless `given` matches the configured token."""
        if self.token is None:
            raise WritesDisabled(
                "uploads are disabled because this server has no token: "
                "restart it with 'wiretrace serve --token SECRET' or set WIRETRACE_TOKEN"
            )
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise Unauthorized("a valid token is needed to ingest: send 'Authorization: Bearer TOKEN'")


def build_dossier_dict(store: Store, story_id: str, embedder: Any = None, model: Any = None) -> dict[str, Any]:
    """`wiretrace.crosscheck.dossier.build_dossier(...).to_dict()`; imported here, as it pulls in the alignment models."""
    from wiretrace.crosscheck.dossier import build_dossier

    return build_dossier(store, story_id, embedder=embedder, model=model).to_dict()


def find_story(store: Store, story_id: str) -> Story:
    """A stored story by id or unique id prefix; raises `NotFound`."""
    from wiretrace.stories import find_story as find

    return find(store, story_id)


def page_of(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """The pagination envelope of every list endpoint."""
    return {"items": items[offset : offset + limit], "total": len(items), "limit": limit, "offset": offset}


def display_name(filename: str | None, index: int) -> str:
    """A client's file name for messages only (never used as a path): base name, printable, short."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable())[:100].strip()
    return base or f"upload-{index + 1}"


def save_uploads(uploads: list[UploadFile], folder: Path) -> dict[str, str]:
    """Write uploads under generated names in `folder`; returns saved path -> display name."""
    saved = {}
    for index, upload in enumerate(uploads):
        suffix = "".join(PurePosixPath(display_name(upload.filename, index)).suffixes[-2:]).lower()
        suffix = suffix if suffix and all(s in UPLOAD_SUFFIXES for s in PurePosixPath("x" + suffix).suffixes) else ""
        path = folder / f"upload-{index + 1:03d}{suffix}"
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        saved[str(path)] = display_name(upload.filename, index)
    return saved


def ingest_uploads(state: WebState, uploads: list[UploadFile], manifest: UploadFile | None = None) -> dict[str, Any]:
    """Save uploads in a fresh temporary folder, ingest them, and report them by their client names.

    An optional `manifest` (CSV or JSONL, the `ingest --manifest` columns) names the files by their
    client names.
    """
    if not uploads:
        raise UsageError("no files were uploaded; send them as multipart form field 'files'")
    if len(uploads) > state.options.max_files:
        raise UsageError(f"{len(uploads)} files in one upload; the limit is {state.options.max_files}")
    folder = Path(tempfile.mkdtemp(prefix="wiretrace-upload-"))
    try:
        names = save_uploads(uploads, folder)
        stated = None
        if manifest is not None:
            from wiretrace.ingest.manifest import read_manifest

            (folder / "manifest").mkdir()
            saved = save_uploads([manifest], folder / "manifest")
            stated = read_manifest(next(iter(saved)), names={name: path for path, name in names.items()})
        report = state.ingest(list(names), stated).to_dict()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report["warnings"] = [w.replace(str(folder / "manifest" / ""), "") for w in report.get("warnings", [])]
    for failure in report["failed"]:
        for path, name in names.items():
            failure["path"] = failure["path"].replace(path, name)
            failure["error"] = failure["error"].replace(path, name)
    return report


# -- middleware ------------------------------------------------------------------------------------------
class SecurityHeaders:
    """Adds the Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present_names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present_names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class EarlySizeLimit:
    """Refuses a request whose Content-Length is over its path's limit before any of the body is read.

    Bodies without a Content-Length are cut off while streaming by each route's `max_body_size`.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], refuse: Callable[[Scope], Response]):
        self.app = app
        self.limit_for = limit_for
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 at once when the declared length is too large; otherwise pass the request on."""
        if scope["type"] == "http":
            declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
            too_large = not declared.strip().isdigit() or int(declared) > self.limit_for(scope["path"])
            if too_large:
                await self.refuse(scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# -- templates -------------------------------------------------------------------------------------------
def make_templates() -> jinja2.Environment:
    """The Jinja2 environment: autoescape always on, helpers as filters and globals."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
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


def render_dossier(env: jinja2.Environment, dossier: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The dossier page of a dossier contract dict (also used by tests with a fixture dossier)."""
    outlets, rows = present.claim_matrix(dossier)
    provenance = dossier.get("provenance") or {}
    graph = present.layout_graph(provenance.get("nodes") or [], provenance.get("edges") or [])
    charts = [(figure, present.figure_chart(figure)) for figure in dossier.get("figures") or []]
    timeline = sorted(dossier.get("timeline") or [], key=lambda t: (str(t.get("date") or "9999"), str(t.get("text"))))
    return render(env, "dossier.html", status, nav="stories", dossier=dossier, outlets=outlets, rows=rows,
                  graph=graph, charts=charts, timeline=timeline, counts=present.status_counts(dossier),
                  states=present.CELL_STATES)


def too_large_message(limit: int) -> str:
    """The 413 message, naming the limit."""
    size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit / 1024:.0f} KB"
    return f"the request is too large: the limit here is {size}"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error_response(env: jinja2.Environment, request: Request, status: int, kind: str, message: str,
                    details: Any = None) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"type": kind, "message": message}
        if details is not None:
            body["details"] = details
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    return render(env, "error.html", status, code=status, kind=kind, message=message)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-wiretrace-token")


# -- the app ---------------------------------------------------------------------------------------------
class CheckRequest(BaseModel):
    """Body of `POST /api/check`."""

    claim: str = Field(description="the claim to check, one or two sentences")
    story: str | None = Field(default=None, description="only evidence from this story (id or prefix)")
    since: str | None = Field(default=None, description="only evidence published on or after this date (YYYY-MM-DD)")


UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["files"],
            "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                           "manifest": {"type": "string", "format": "binary"}},
        }}},
    }
}


def create_app(store_url: str, token: str | None = None, options: WebOptions | None = None) -> FastAPI:
    """Build the app over the store at `store_url`.

    Args:
        store_url: a SQLite path or PostgreSQL URL, as for `open_store`.
        token: the secret that ingest requires; None refuses every write.
        options: limits and settings (defaults: `WebOptions()`).
    """
    options = options or WebOptions()
    upload_limit = options.max_upload_bytes + MULTIPART_OVERHEAD
    state = WebState(open_store(store_url), token, options)
    env = make_templates()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.store.close()

    app = FastAPI(title="wiretrace", version=__version__, description="Trace every claim in the news back to its sources.",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.web = state
    upload_paths = ("/api/ingest", "/upload")

    def limit_for(path: str) -> int:
        return upload_limit if path in upload_paths else options.max_body_bytes

    def refuse(scope: Scope) -> Response:
        request = Request(scope)
        return _error_response(env, request, 413, "HTTPError", too_large_message(limit_for(request.url.path)))

    app.add_middleware(EarlySizeLimit, limit_for=limit_for, refuse=refuse)
    if options.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(options.allowed_hosts))
    app.add_middleware(SecurityHeaders)  # added last, so outermost: every response carries the headers
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(WiretraceError)
    def _domain_error(request: Request, exc: WiretraceError) -> Response:
        if isinstance(exc, StoreUnavailable):  # one line per refused request; the next one may work again
            LOG.warning("%s %s: 503: %s", request.method, request.url.path, exc)
        return _error_response(env, request, error_status(exc), type(exc).__name__, str(exc))

    @app.exception_handler(HTTPException)
    def _http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 413:
            message = too_large_message(limit_for(request.url.path))
        return _error_response(env, request, exc.status_code, "HTTPError", message)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        details = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return _error_response(env, request, 422 if _is_api(request) else 400, "ValidationError", problems, details)

    # -- JSON API ---------------------------------------------------------------------------------------
    @app.get("/api/stories", tags=["api"], summary="Stories, largest first (the `stories --json` contract)")
    def api_stories(limit: Limit = options.page_size, offset: Offset = 0) -> dict[str, Any]:
        return page_of(state.stories(), limit, offset)

    @app.get("/api/stories/{story_id}", tags=["api"], summary="One story (an item of the `stories --json` contract)")
    def api_story(story_id: str) -> dict[str, Any]:
        with state.lock:
            wanted = find_story(state.store, story_id).id
        return next(s for s in state.stories() if s["id"] == wanted)

    @app.get("/api/stories/{story_id}/dossier", tags=["api"], summary="A story's dossier (the dossier contract)")
    def api_dossier(story_id: str) -> dict[str, Any]:
        return state.dossier(story_id)

    @app.get("/api/articles", tags=["api"], summary="Stored articles in ingest order (the `articles --json` contract)")
    def api_articles(limit: Limit = options.page_size, offset: Offset = 0) -> dict[str, Any]:
        with state.lock:
            articles = [a.summary() for a in state.store.list_articles()]
        return page_of(articles, limit, offset)

    @app.get("/api/articles/{article_id}", tags=["api"], summary="One article with its text (the `show --json` contract)")
    def api_article(article_id: str) -> dict[str, Any]:
        with state.lock:
            return state.store.get_article(article_id).to_dict()

    @app.get("/api/articles/{article_id}/claims", tags=["api"], summary="The claims extracted from one article")
    def api_claims(article_id: str) -> list[dict[str, Any]]:
        with state.lock:
            article = state.store.get_article(article_id)
            return [c.to_dict() for c in state.store.get_claims(article.id)]

    @app.post("/api/check", tags=["api"], summary="Check a claim (the `check --json` contract)",
              max_body_size=options.max_body_bytes)
    def api_check(body: CheckRequest) -> dict[str, Any]:
        return state.check(body.claim, body.story, body.since).to_dict()

    @app.post("/api/ingest", tags=["api"], summary="Ingest uploaded files (token needed; the `ingest --json` contract)",
              max_body_size=upload_limit, openapi_extra=UPLOAD_SCHEMA)
    async def api_ingest(request: Request) -> dict[str, Any]:
        state.require_token(_bearer(request))
        async with request.form(max_files=options.max_files, max_fields=10) as form:
            uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)]
            manifest = form.get("manifest")
            manifest = manifest if isinstance(manifest, UploadFile) else None
            return await run_in_threadpool(ingest_uploads, state, uploads, manifest)

    # -- pages ------------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_stories(offset: Offset = 0) -> Response:
        stories = state.stories()
        with state.lock:
            article_count = state.store.count_articles()
        shown = stories[offset : offset + options.page_size]
        counts = {s["id"]: present.status_counts(d) for s in shown if (d := state.cached_dossier(s["id"]))}
        return render(env, "stories.html", nav="stories", stories=shown, total=len(stories), offset=offset,
                      page_size=options.page_size, counts=counts, article_count=article_count)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_dossier(story_id: str) -> Response:
        return render_dossier(env, state.dossier(story_id))

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def page_articles(offset: Offset = 0) -> Response:
        with state.lock:
            articles = state.store.list_articles()
        return render(env, "articles.html", nav="articles", articles=articles[offset : offset + options.page_size],
                      total=len(articles), offset=offset, page_size=options.page_size)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(article_id: str, start: int | None = None, end: int | None = None) -> Response:
        with state.lock:
            article = state.store.get_article(article_id)
            claims = state.store.get_claims(article.id)
            stories = [s for s in state.store.get_stories() if article.id in s.articles]
        spans = present.claim_spans(article.text, claims)
        if start is not None and end is not None and 0 <= start < end <= len(article.text):
            spans.append(present.Span(start, end, "passage", "passage", "linked passage"))
        claims.sort(key=lambda c: (c.start, c.end))
        return render(env, "article.html", nav="articles", article=article, claims=claims, stories=stories,
                      segments=present.segment_text(article.text, spans))

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(claim: str | None = None, story: str | None = None, since: str | None = None) -> Response:
        with state.lock:
            stories = state.store.get_stories()
        verdict = state.check(claim, story, since) if claim else None
        return render(env, "check.html", nav="check", claim=claim or "", story=story or "", since=since or "",
                      stories=stories, verdict=verdict.to_dict() if verdict else None)

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def page_upload() -> Response:
        return render(env, "upload.html", nav="upload", enabled=state.token is not None,
                      limit_mb=options.max_upload_bytes // (1024 * 1024), report=None)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False, max_body_size=upload_limit)
    async def page_upload_post(request: Request) -> Response:
        async with request.form(max_files=options.max_files, max_fields=10) as form:
            given = form.get("token")
            state.require_token(given if isinstance(given, str) else None)
            uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile) and v.filename]
            report = await run_in_threadpool(ingest_uploads, state, uploads)
        return render(env, "upload.html", nav="upload", enabled=True,
                      limit_mb=options.max_upload_bytes // (1024 * 1024), report=report)

    return app
