"""Reviews in the web app: the dossier with its reviews, the review forms on story and check pages, `POST /api/reviews`.

Writes need the server's token, as uploads do: the form carries it in a password field (a page on
another site cannot know it, so it cannot forge the request either) and the API takes it as a bearer token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

import wiretrace
from wiretrace.web.security import bearer, encodable

if TYPE_CHECKING:
    from wiretrace.web.app import WebState

MAX_NOTE_CHARS = 2000


class ReviewRequest(BaseModel):
    """Body of `POST /api/reviews`."""

    key: str = Field(description="the finding's key (or a unique prefix): a discrepancy's or a verdict's `key`")
    status: str = Field(description="confirmed or dismissed")
    note: str = Field(default="", max_length=MAX_NOTE_CHARS, description="why")
    by: str = Field(default="", max_length=200, description="who says so")


def reviewed_dossier(state: WebState, story_id: str, show_dismissed: bool) -> dict[str, Any]:
    """The cached dossier with the reviews as they are now (reviews change without a new dossier)."""
    data = state.dossier(story_id)
    with state.lock:
        return wiretrace.reviewed_dossier(state.store, data, show_dismissed=show_dismissed)


def make_review(state: WebState, given_token: str | None, key: str, status: str, note: str, by: str) -> dict[str, Any]:
    """Check the token, then store the review; returns it as the `review --json` contract."""
    state.require_token(given_token)
    for value, name in ((key, "key"), (note, "note"), (by, "by")):
        encodable(value, name)
    with state.lock:
        return wiretrace.review(state.store, key, status, note=note[:MAX_NOTE_CHARS], by=by[:200]).to_dict()


def add_review_routes(app: FastAPI, state: WebState, env: jinja2.Environment) -> None:
    """Register `POST /api/reviews` and the review forms of the story and check pages."""

    @app.post("/api/reviews", tags=["api"], summary="Confirm or dismiss a finding (token needed; `review --json`)")
    def api_review(body: ReviewRequest, request: Request) -> dict[str, Any]:
        return make_review(state, bearer(request), body.key, body.status, body.note, body.by)

    @app.post("/stories/{story_id}/reviews", include_in_schema=False)
    async def page_review(story_id: str, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=10) as form:
            fields = {k: str(form.get(k) or "") for k in ("token", "key", "status", "note", "by", "show_dismissed")}
        story = state.find_story(story_id).id
        made = make_review(state, fields["token"], fields["key"], fields["status"], fields["note"], fields["by"])
        back = f"/stories/{quote(story, safe='')}" + ("?show_dismissed=1" if fields["show_dismissed"] else "")
        return RedirectResponse(f"{back}#review-{made['key']}", status_code=303)

    @app.post("/check/reviews", include_in_schema=False)
    async def check_review(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=10) as form:
            fields = {k: str(form.get(k) or "") for k in ("token", "key", "status", "note", "by", "claim", "story", "since")}
        made = make_review(state, fields["token"], fields["key"], fields["status"], fields["note"], fields["by"])
        again = {k: fields[k] for k in ("claim", "story", "since") if fields[k]}
        return RedirectResponse(f"/check?{urlencode(again)}#review-{made['key']}", status_code=303)
