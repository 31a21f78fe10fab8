"""The FastAPI app: server-rendered pages (`pages`) and a JSON API (`api`) over one store.

Both are thin layers over the library: every route calls the same function the CLI calls
(`store.list_articles`, `verify.Checker.check`, `pipeline.ingest`, `dossier.build_dossier`) through
`WebState`. Every error, expected or not, becomes the documented JSON body `{"error": {"type",
"message"}}` under `/api/` and a friendly page elsewhere, with a message cleaned by
`security.public_message` (no password, no server path).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Scope

import wiretrace
from wiretrace import (
    Article,
    Claim,
    IngestOptions,
    IngestReport,
    NotFound,
    Store,
    StoreUnavailable,
    Story,
    UsageError,
    WiretraceError,
    __version__,
    open_store,
)
from wiretrace.web.api import add_api
from wiretrace.web.lists import add_list_routes
from wiretrace.web.pages import add_pages, make_templates, render, render_dossier
from wiretrace.web.reviews import add_review_routes
from wiretrace.web.security import (
    CatchAll,
    EarlySizeLimit,
    HostCheck,
    SecurityHeaders,
    Unauthorized,
    WritesDisabled,
    public_message,
    require_token,
    too_large_message,
)

HERE = Path(__file__).parent
LOG = logging.getLogger("wiretrace.web")
MULTIPART_OVERHEAD = 256 * 1024
UPLOAD_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".json", ".ndjson", ".xml", ".rss",
                   ".atom", ".warc", ".gz")
UPLOAD_PREFIX = "wiretrace-upload-"
__all__ = ["WebOptions", "WebState", "create_app", "render_dossier"]


@dataclass(frozen=True)
class WebOptions:
    """Limits and settings of the web app.

    Attributes:
        max_upload_bytes: largest file accepted by the upload form and `/api/ingest` (the ingest limit).
        max_body_bytes: largest body of any other request (a claim to check, a form).
        max_files: most files in one upload.
        page_size: default items per page of a list.
        allowed_hosts: Host header values answered (None: any); `serve` sets them from the bind address
            and `--allowed-host` (see `security.allowed_hosts_for`).
        dossier_wait: seconds a story page waits for its dossier, built on a background thread, before it
            answers with a "being built" page that refreshes itself (None: wait until it is built). A
            dossier of a large story takes seconds; a blank page for that long reads as a hang. `serve`
            sets 1.5 s and also starts building the dossiers of the stories an upload changed.
    """

    max_upload_bytes: int = IngestOptions().read.max_bytes
    max_body_bytes: int = 1024 * 1024
    max_files: int = 50
    page_size: int = 50
    allowed_hosts: tuple[str, ...] | None = None
    dossier_wait: float | None = None


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
        self._dossiers: dict[tuple[str, int], dict[str, Any]] = {}
        self._builds: dict[str, Future] = {}
        self._builds_lock = threading.Lock()
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier")
        self._builder_store: Store | None = None

    def checker(self) -> Any:
        """The cached `Checker`, with its article vectors, until the next ingest.

        The models it uses are loaded once per process (`wiretrace.ml`) and kept across ingests.
        """
        if self._checker is None:
            self._checker = wiretrace.checker(self.store)
        return self._checker

    def check(self, claim: str, story: str | None, since: str | None) -> Any:
        """`Checker.check` under the store lock."""
        from dataclasses import replace

        with self.lock:
            options = replace(wiretrace.Settings().check, story=story or None, since=since or None)
            return self.checker().check(claim, options)

    def checked(self, claim: str, story: str | None, since: str | None) -> dict[str, Any]:
        """The `check --json` contract, as the CLI gives it: the verdict recorded as a finding, its review in."""
        verdict = self.check(claim, story, since)
        with self.lock:
            return wiretrace.record_verdict(self.store, verdict)

    def find_story(self, story_id: str) -> Story:
        """A stored story by id or unique id prefix; raises `NotFound`."""
        with self.lock:
            return wiretrace.find_story(self.store, story_id)

    def dossier(self, story_id: str) -> dict[str, Any]:
        """The dossier contract of a story (built with the checker's models), cached until the next ingest."""
        with self.lock:
            story = self.find_story(story_id)
            key = (story.id, self.store.count_articles())
            if key not in self._dossiers:
                self._dossiers[key] = wiretrace.dossier(self.store, story.id, checker=self.checker()).to_dict()
            return self._dossiers[key]

    def dossier_within(self, story_id: str, wait: float | None) -> dict[str, Any] | None:
        """The dossier if it is built within `wait` seconds (built on the background thread), else None.

        The build goes on after a None, so the next request finds it; errors (an unknown story) are raised.
        It reads through a connection of its own and takes the store lock only to share its result, so
        other pages answer while it runs.
        """
        if wait is None:
            return self.dossier(story_id)
        story_id = self.find_story(story_id).id  # an unknown id is a 404 at once, a prefix one build
        with self._builds_lock:
            build = self._builds.get(story_id)
            if build is None:
                build = self._builds[story_id] = self._builder.submit(self._build_dossier, story_id)
        try:
            data = build.result(timeout=wait)
        except FutureTimeout:
            return None
        except BaseException:
            self._forget_build(story_id, build)
            raise
        self._forget_build(story_id, build)
        return data

    def _build_dossier(self, story_id: str) -> dict[str, Any]:
        """On the builder thread: the dossier through the builder's own store connection, then cached."""
        if self._builder_store is None:
            self._builder_store = open_store(self.store.url)
        store = self._builder_store
        story = wiretrace.find_story(store, story_id)
        key = (story.id, store.count_articles())
        with self.lock:
            cached = self._dossiers.get(key)
        if cached is not None:
            return cached
        data = wiretrace.dossier(store, story.id).to_dict()
        with self.lock:
            self._dossiers[key] = data
        return data

    def _forget_build(self, story_id: str, build: Future) -> None:
        with self._builds_lock:
            if self._builds.get(story_id) is build:
                del self._builds[story_id]

    def build_dossiers(self, story_ids: list[str]) -> None:
        """Start building these stories' dossiers in the background (after an upload changed them)."""
        for story_id in story_ids:
            self.dossier_within(story_id, 0)

    def cached_dossier(self, story_id: str) -> dict[str, Any] | None:
        """A dossier already built (the story list shows statuses without building every dossier)."""
        with self.lock:
            return self._dossiers.get((story_id, self.store.count_articles()))

    def stories(self) -> list[dict[str, Any]]:
        """The `stories --json` contract."""
        with self.lock:
            return wiretrace.stories(self.store)

    def story_list(self) -> list[Story]:
        """Stored stories, largest first."""
        with self.lock:
            return self.store.get_stories()

    def articles(self) -> list[Article]:
        """Stored articles in ingest order."""
        with self.lock:
            return self.store.list_articles()

    def count_articles(self) -> int:
        """How many articles are stored."""
        with self.lock:
            return self.store.count_articles()

    def article(self, article_id: str) -> Article:
        """One article; raises `NotFound`."""
        with self.lock:
            return self.store.get_article(article_id)

    def article_with_claims(self, article_id: str) -> tuple[Article, list[Claim], list[Story]]:
        """One article, its claims and the stories it belongs to."""
        with self.lock:
            article = self.store.get_article(article_id)
            claims = self.store.get_claims(article.id)
            stories = [s for s in self.store.get_stories() if article.id in s.articles]
        return article, claims, stories

    def problems(self) -> dict[str, dict[str, str]]:
        """Per-article stage failures (`store.problems`)."""
        with self.lock:
            return wiretrace.problems(self.store)

    def ingest(self, paths: list[str], stated: Any = None, root: str | None = None) -> IngestReport:
        """`pipeline.ingest` under the store lock (paths stored relative to `root`); caches dropped after."""
        from dataclasses import replace

        base = IngestOptions()
        options = replace(base, read=replace(base.read, max_bytes=self.options.max_upload_bytes),
                          stated=stated or wiretrace.Stated(), root=root)
        with self.lock:
            try:
                report = wiretrace.ingest(self.store, paths, options)
            finally:
                self._checker = None
                self._dossiers.clear()
            changed = [s.id for s in self.store.get_stories() if set(s.articles) & set(report.ingested)]
        if self.options.dossier_wait is not None:
            self.build_dossiers(changed)
        return report

    def ingest_uploads(self, uploads: list[UploadFile], manifest: UploadFile | None = None,
                       batch: dict[str, str] | None = None) -> dict[str, Any]:
        """Save uploads in a fresh temporary folder, ingest them, and report them by their client names.

        An optional `manifest` (CSV or JSONL, the `ingest --manifest` columns) names the files by their
        client names; `batch` holds `outlet` and `published` for every file (`ingest --outlet/--published`).
        """
        if not uploads:
            raise UsageError("no files were uploaded; send them as multipart form field 'files'")
        if len(uploads) > self.options.max_files:
            raise UsageError(f"{len(uploads)} files in one upload; the limit is {self.options.max_files}")
        folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
        try:
            names = save_uploads(uploads, folder)
            saved = None
            if manifest is not None:
                (folder / "manifest").mkdir()
                saved = next(iter(save_uploads([manifest], folder / "manifest")))
            stated = wiretrace.stated_metadata(saved, names={name: path for path, name in names.items()},
                                               **(batch or {}))
            report = self.ingest(list(names), stated, root=str(folder)).to_dict()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        report["warnings"] = [public_message(w.replace(str(folder / "manifest" / ""), ""), self.store.url,
                                             [str(folder) + "/", str(folder)]) for w in report.get("warnings", [])]
        for failure in report["failed"]:
            for path, name in names.items():
                failure["path"] = failure["path"].replace(path, name)
                failure["error"] = failure["error"].replace(path, name)
            failure["path"] = public_message(failure["path"], self.store.url, [str(folder) + "/", str(folder)])
            failure["error"] = public_message(failure["error"], self.store.url, [str(folder) + "/", str(folder)])
        return report

    def require_token(self, given: str | None) -> None:
        """Refuse a write unless `given` matches the configured token."""
        require_token(self.token, given)


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


# -- errors ----------------------------------------------------------------------------------------------
def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def error_response(env: jinja2.Environment, path: str, status: int, kind: str, message: str,
                   details: Any = None) -> Response:
    """The documented error: `{"error": {"type", "message"}}` under /api/, the error page elsewhere."""
    if _is_api(path):
        body: dict[str, Any] = {"type": kind, "message": message}
        if details is not None:
            body["details"] = details
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    return render(env, "error.html", status, code=status, kind=kind, message=message)


def add_error_handlers(app: FastAPI, env: jinja2.Environment, store_url: str, limit_for: Any) -> Any:
    """Domain errors, HTTP errors and invalid requests as the documented body; returns the message cleaner."""

    def clean(message: str) -> str:
        return public_message(message, store_url)

    @app.exception_handler(WiretraceError)
    def _domain_error(request: Request, exc: WiretraceError) -> Response:
        if isinstance(exc, StoreUnavailable):  # one line per refused request; the next one may work again
            LOG.warning("%s %s: 503: %s", request.method, request.url.path, clean(str(exc)))
        return error_response(env, request.url.path, error_status(exc), type(exc).__name__, clean(str(exc)))

    @app.exception_handler(HTTPException)
    def _http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 413:
            message = too_large_message(limit_for(request.url.path))
        return error_response(env, request.url.path, exc.status_code, "HTTPError", clean(message))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        details = [{"loc": [str(p) for p in e["loc"]], "msg": clean(str(e["msg"])), "type": e["type"]} for e in errors]
        status = 422 if _is_api(request.url.path) else 400
        return error_response(env, request.url.path, status, "ValidationError", clean(problems), details)

    return clean


def unexpected_error(env: jinja2.Environment, clean: Any) -> Any:
    """The answer to an exception no handler took: logged (with its traceback), a 500 with the error body."""

    def respond(scope: Scope, exc: Exception) -> Response:
        path = Request(scope).url.path
        LOG.error("%s %s: %s", scope.get("method"), path, clean(f"{type(exc).__name__}: {exc}"),
                  exc_info=(type(exc), exc, None))
        return error_response(env, path, 500, "InternalError",
                              "the server failed on this request; the server log names the cause")

    return respond


# -- the app ---------------------------------------------------------------------------------------------
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

    def refuse_size(scope: Scope) -> Response:
        path = Request(scope).url.path
        return error_response(env, path, 413, "HTTPError", too_large_message(limit_for(path)))

    def refuse_host(scope: Scope, host: str) -> Response:
        shown = "".join(ch for ch in host if ch.isprintable())[:100]
        return error_response(env, Request(scope).url.path, 400, "HTTPError",
                              f"host {shown!r} is not served here; start the server with --allowed-host {shown or 'NAME'}")

    clean = add_error_handlers(app, env, state.store.url, limit_for)
    app.add_middleware(CatchAll, respond=unexpected_error(env, clean))
    app.add_middleware(EarlySizeLimit, limit_for=limit_for, refuse=refuse_size)
    if options.allowed_hosts:
        app.add_middleware(HostCheck, allowed_hosts=options.allowed_hosts, refuse=refuse_host)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: every response carries the headers
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    add_api(app, state, upload_limit)
    add_pages(app, state, env, upload_limit)
    add_review_routes(app, state, env)
    add_list_routes(app, state, env)
    return app
