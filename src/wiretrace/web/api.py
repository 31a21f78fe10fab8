"""The JSON API under `/api/`: the CLI's `--json` contracts over HTTP, plus check and ingest.

Every route returns the same dict the CLI prints, or the documented error body
`{"error": {"type", "message"}}`. Article `path` fields are left out: they name server folders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, field_validator
from starlette.datastructures import UploadFile

from wiretrace.web.security import bearer, encodable

if TYPE_CHECKING:
    from wiretrace.web.app import WebState

MAX_PAGE_SIZE = 500
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"items per page (1-{MAX_PAGE_SIZE})")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]
UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["files"],
            "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                           "manifest": {"type": "string", "format": "binary"},
                           "outlet": {"type": "string", "description": "outlet of every file (a manifest cell wins)"},
                           "published": {"type": "string", "description": "date of every file, YYYY-MM-DD"}},
        }}},
    }
}


class CheckRequest(BaseModel):
    """Body of `POST /api/check`."""

    claim: str = Field(description="the claim to check, one or two sentences")
    story: str | None = Field(default=None, description="only evidence from this story (id or prefix)")
    since: str | None = Field(default=None, description="only evidence published on or after this date (YYYY-MM-DD)")

    @field_validator("claim", "story", "since")
    @classmethod
    def _utf8(cls, value: str | None) -> str | None:
        r"""A lone surrogate ("\ud800") is valid JSON but no text: refuse it here, not in the tokenizer."""
        try:
            return encodable(value, "text")
        except Exception as exc:  # noqa: BLE001 - pydantic wants a ValueError
            raise ValueError(str(exc)) from None


def page_of(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """The pagination envelope of every list endpoint."""
    return {"items": items[offset : offset + limit], "total": len(items), "limit": limit, "offset": offset}


def public_article(data: dict[str, Any]) -> dict[str, Any]:
    """An article dict without its server path (the `articles`/`show --json` contracts less `path`)."""
    return {k: v for k, v in data.items() if k != "path"}


def add_api(app: FastAPI, state: WebState, upload_limit: int) -> None:
    """Register the JSON routes on `app`."""
    options = state.options

    @app.get("/api/stories", tags=["api"], summary="Stories, largest first (the `stories --json` contract)")
    def api_stories(limit: Limit = options.page_size, offset: Offset = 0) -> dict[str, Any]:
        return page_of(state.stories(), limit, offset)

    @app.get("/api/stories/{story_id}", tags=["api"], summary="One story (an item of the `stories --json` contract)")
    def api_story(story_id: str) -> dict[str, Any]:
        wanted = state.find_story(story_id).id
        return next(s for s in state.stories() if s["id"] == wanted)

    @app.get("/api/stories/{story_id}/dossier", tags=["api"], summary="A story's dossier (the dossier contract)")
    def api_dossier(story_id: str, show_dismissed: bool = False) -> dict[str, Any]:
        from wiretrace.web.reviews import reviewed_dossier

        return reviewed_dossier(state, story_id, show_dismissed)

    @app.get("/api/articles", tags=["api"],
             summary="Stored articles in ingest order (the `articles --json` contract, without `path`)")
    def api_articles(limit: Limit = options.page_size, offset: Offset = 0) -> dict[str, Any]:
        problems = state.problems()
        articles = [{**public_article(a.summary()), "problems": problems.get(a.id, {})} for a in state.articles()]
        return page_of(articles, limit, offset)

    @app.get("/api/articles/{article_id}", tags=["api"],
             summary="One article with its text (the `show --json` contract, without `path`)")
    def api_article(article_id: str) -> dict[str, Any]:
        return public_article(state.article(article_id).to_dict())

    @app.get("/api/articles/{article_id}/claims", tags=["api"], summary="The claims extracted from one article")
    def api_claims(article_id: str) -> list[dict[str, Any]]:
        return [c.to_dict() for c in state.article_with_claims(article_id)[1]]

    @app.post("/api/check", tags=["api"], summary="Check a claim (the `check --json` contract)",
              max_body_size=options.max_body_bytes)
    def api_check(body: CheckRequest) -> dict[str, Any]:
        return state.checked(body.claim, body.story, body.since)

    @app.post("/api/ingest", tags=["api"], summary="Ingest uploaded files (token needed; the `ingest --json` contract)",
              max_body_size=upload_limit, openapi_extra=UPLOAD_SCHEMA)
    async def api_ingest(request: Request) -> dict[str, Any]:
        state.require_token(bearer(request))
        async with request.form(max_files=options.max_files, max_fields=10) as form:
            uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)]
            manifest = form.get("manifest")
            manifest = manifest if isinstance(manifest, UploadFile) else None
            batch = {k: v for k in ("outlet", "published") if isinstance(v := form.get(k), str) and v.strip()}
            return await run_in_threadpool(state.ingest_uploads, uploads, manifest, batch)
