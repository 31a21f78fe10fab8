"""Filters, sorting and exports of the web app's lists, and search.

Every list page takes the same query parameters as its `.csv` and `.json` twin, so a filtered,
sorted view can be downloaded as it is shown, and the pager keeps them from page to page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response

import wiretrace
from wiretrace import UsageError, formula_safe
from wiretrace.web.api import public_article
from wiretrace.web.security import encodable

if TYPE_CHECKING:
    from wiretrace.web.app import WebState

ARTICLE_SORTS = ("ingested", "published", "outlet", "title", "words")
STORY_SORTS = ("size", "title", "first_seen", "last_seen")
STORY_COLUMNS = ["id", "title", "articles", "events", "outlets", "first_seen", "last_seen"]
ARTICLE_COLUMNS = ["id", "title", "outlet", "published", "url", "author", "words", "title_source"]


@dataclass(frozen=True)
class ListQuery:
    """A list's filters and order, as given in the query string."""

    outlet: str = ""
    since: str = ""
    until: str = ""
    sort: str = ""
    order: str = "asc"

    def params(self) -> str:
        """The non-empty filters as a query string ending in '&' (for the pager and the export links)."""
        given = {k: v for k, v in self.__dict__.items() if v and not (k == "order" and v == "asc")}
        return urlencode(given) + "&" if given else ""

    def check(self, sorts: tuple[str, ...]) -> ListQuery:
        """Itself, once every value is valid text and the sort one of `sorts`; else `UsageError`."""
        for name, value in self.__dict__.items():
            encodable(value, name)
        if self.sort and self.sort not in sorts:
            raise UsageError(f"sort {self.sort!r}: use one of {', '.join(sorts)}")
        if self.order not in ("asc", "desc"):
            raise UsageError(f"order {self.order!r}: use asc or desc")
        return self


def _in_range(date: str | None, q: ListQuery) -> bool:
    if not (q.since or q.until):
        return True
    return bool(date) and (not q.since or date >= q.since) and (not q.until or date <= q.until[:10] + "\uffff")


def filter_articles(articles: list[dict[str, Any]], q: ListQuery) -> list[dict[str, Any]]:
    """Articles of an outlet and a date range (undated ones drop out of a range), in the order asked."""
    shown = [a for a in articles if (not q.outlet or (a["outlet"] or "").casefold() == q.outlet.casefold())
             and _in_range(a["published"], q)]
    if q.sort and q.sort != "ingested":
        shown.sort(key=lambda a: (a[q.sort] is None, a[q.sort] if a[q.sort] is not None else ""))
    return shown[::-1] if q.order == "desc" else shown


def filter_stories(stories: list[dict[str, Any]], q: ListQuery) -> list[dict[str, Any]]:
    """Stories with an article from an outlet, overlapping a date range, in the order asked."""
    folded = q.outlet.casefold()
    shown = [s for s in stories if (not folded or folded in (o.casefold() for o in s.get("outlets") or []))
             and (not (q.since or q.until) or _in_range(s.get("last_seen"), q) or _in_range(s.get("first_seen"), q))]
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "size": lambda s: -len(s["articles"]), "title": lambda s: (s["title"] or "").casefold(),
        "first_seen": lambda s: s.get("first_seen") or "9999", "last_seen": lambda s: s.get("last_seen") or "9999"}
    if q.sort:
        shown.sort(key=keys[q.sort])
    return shown[::-1] if q.order == "desc" else shown


REVIEW_STATES = ("unreviewed", "confirmed", "dismissed")


def filter_discrepancies(data: dict[str, Any], type_: str = "", review: str = "") -> dict[str, Any]:
    """The dossier contract with only the discrepancies and leads of one type and one review state (if given)."""
    if review and review not in REVIEW_STATES:
        raise UsageError(f"review {review!r}: use one of {', '.join(REVIEW_STATES)}")
    encodable(type_, "type")

    def state_of(d: dict[str, Any]) -> str:
        return d["review"]["status"] if d.get("review") else "unreviewed"

    def kept(key: str) -> list[dict[str, Any]]:
        return [d for d in data.get(key) or [] if (not type_ or d["type"] == type_) and (not review or state_of(d) == review)]

    types = {d["type"] for key in ("discrepancies", "leads") for d in data.get(key) or []}
    return {**data, "discrepancies": kept("discrepancies"), "leads": kept("leads"), "discrepancy_types": sorted(types)}


def story_row(s: dict[str, Any]) -> dict[str, Any]:
    """A story as one flat row (the CLI's `stories --format csv`)."""
    return {"id": s["id"], "title": s["title"], "articles": len(s["articles"]), "events": len(s["events"]),
            "outlets": "; ".join(s.get("outlets") or []), "first_seen": s.get("first_seen"), "last_seen": s.get("last_seen")}


def csv_cell(value: Any) -> str | int | float:
    """One cell of a web CSV download: numbers as they are, text guarded against spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return formula_safe(str(value))


def csv_response(rows: list[dict[str, Any]], columns: list[str], name: str) -> Response:
    """Rows as a CSV download."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def article_dicts(state: WebState) -> list[dict[str, Any]]:
    """Stored articles as the `articles --json` contract less `path`."""
    return [public_article(a.summary()) for a in state.articles()]


def add_list_routes(app: FastAPI, state: WebState, env: jinja2.Environment) -> None:
    """Register the `.csv`/`.json` twins of the lists, `/api/search` and the search page."""

    @app.get("/articles.{ext}", include_in_schema=False)
    def export_articles(ext: str, outlet: str = "", since: str = "", until: str = "", sort: str = "",
                        order: str = "asc") -> Response:
        q = ListQuery(outlet, since, until, sort, order).check(ARTICLE_SORTS)
        rows = filter_articles(article_dicts(state), q)
        return _export(ext, rows, ARTICLE_COLUMNS, "articles")

    @app.get("/stories.{ext}", include_in_schema=False)
    def export_stories(ext: str, outlet: str = "", since: str = "", until: str = "", sort: str = "",
                       order: str = "asc") -> Response:
        q = ListQuery(outlet, since, until, sort, order).check(STORY_SORTS)
        rows = filter_stories(state.stories(), q)
        if ext == "csv":
            return csv_response([story_row(s) for s in rows], STORY_COLUMNS, "stories")
        return _export(ext, rows, STORY_COLUMNS, "stories")

    @app.get("/api/search", tags=["api"], summary="Full-text search over articles, claims and stories")
    def api_search(q: str, limit: int = 20) -> dict[str, Any]:
        encodable(q, "q")
        with state.lock:
            return wiretrace.search(state.store, q, limit=max(1, min(limit, 100)))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def page_search(q: str = "") -> Response:
        from wiretrace.web.pages import render

        encodable(q, "q")
        results = None
        if q.strip():
            with state.lock:
                results = wiretrace.search(state.store, q)
        return render(env, "search.html", nav="search", q=q, results=results)


def _export(ext: str, rows: list[dict[str, Any]], columns: list[str], name: str) -> Response:
    if ext == "json":
        return JSONResponse(rows)
    if ext == "csv":
        return csv_response(rows, columns, name)
    raise UsageError(f"/{name}.{ext}: use /{name}.csv or /{name}.json")
