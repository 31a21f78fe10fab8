"""Presentation helpers for the web pages: pure functions from library data to what a template draws.

Nothing here reads the store or decides anything about the news; it splits text at offsets for
highlighting, arranges a dossier's mentions into a claims × outlets matrix, and lays out the
provenance graph and the figure charts as SVG coordinates. Templates do all the escaping.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wiretrace import Claim
from wiretrace.report.matrix import CELL_STATES, MatrixCell, MatrixRow, claim_matrix

# -- links ------------------------------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link, else None (javascript:, data:, relative, junk)."""
    if not url or any(ord(ch) < 33 for ch in url.strip()):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


# -- highlighted article text -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A highlighted range of the article text: `kind` becomes a CSS class, `anchor` an element id."""

    start: int
    end: int
    kind: str
    anchor: str | None = None
    label: str = ""


@dataclass
class Segment:
    """A run of text covered by the same spans; `anchors` are ids of spans that begin here."""

    text: str
    kinds: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        """Space-separated CSS classes for the run."""
        return " ".join(f"hl-{k}" for k in self.kinds)

    @property
    def title(self) -> str:
        """Tooltip: what covers this run."""
        return "; ".join(label for label in self.labels if label)


def claim_spans(text: str, claims: Sequence[Claim]) -> list[Span]:
    """Spans for claims, quotes, figures and the speakers of quotes, clipped to the text.

    A speaker has no offsets of its own; it is highlighted where its name occurs in the claim's
    sentence, outside the quote itself.
    """
    spans: list[Span] = []
    for claim in claims:
        start, end = max(0, claim.start), min(len(text), claim.end)
        if start >= end:
            continue
        label = claim.kind + (f" by {claim.speaker}" if claim.speaker else "")
        spans.append(Span(start, end, claim.kind, f"c-{claim.id}", label))
        if claim.speaker:
            found = _find_speaker(text, claim)
            if found:
                spans.append(Span(found[0], found[1], "speaker", None, f"speaker: {claim.speaker}"))
    return spans


def _find_speaker(text: str, claim: Claim) -> tuple[int, int] | None:
    lo = claim.sentence_start if claim.sentence_start is not None else max(0, claim.start - 300)
    hi = claim.sentence_end if claim.sentence_end is not None else min(len(text), claim.end + 300)
    for name in (claim.speaker or "", (claim.speaker or "").split()[-1] if claim.speaker else ""):
        if len(name) < 2:
            continue
        index = text.find(name, lo, hi)
        while index != -1:
            if index + len(name) <= claim.start or index >= claim.end:
                return index, index + len(name)
            index = text.find(name, index + 1, hi)
    return None


def segment_text(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Split `text` at every span boundary; each segment lists the spans covering it.

    Overlapping and nested spans are fine: segments never overlap, so the page needs no nested markup.

    >>> [(s.text, s.kinds) for s in segment_text("a quote here", [Span(2, 7, "quote")])]
    [('a ', []), ('quote', ['quote']), (' here', [])]
    """
    spans = sorted((s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, -s.end, s.kind))
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    segments = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        kinds = sorted({s.kind for s in covering})
        anchors = [s.anchor for s in covering if s.start == lo and s.anchor]
        segments.append(Segment(text[lo:hi], kinds, anchors, [s.label for s in covering]))
    return segments


# -- the claims × outlets matrix: computed in `wiretrace.report.matrix`, one rule for every renderer ------
__all__ = ["CELL_STATES", "MatrixCell", "MatrixRow", "claim_matrix"]


def status_counts(dossier: dict[str, Any]) -> dict[str, int]:
    """How many claims of a dossier have each status, statuses sorted by name."""
    counts: dict[str, int] = {}
    for claim in dossier.get("claims", []):
        status = str(claim.get("status") or "unknown")
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


# -- the provenance graph -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class GraphNode:
    """A node placed on the canvas."""

    id: str
    label: str
    short: str
    kind: str
    x: float
    y: float
    primary: bool = False


@dataclass(frozen=True)
class GraphEdge:
    """A straight edge between two placed nodes, shortened to end at the node boxes."""

    x1: float
    y1: float
    x2: float
    y2: float
    kind: str

    @property
    def path(self) -> str:
        """An S-shaped cubic curve from start to end (the SVG `d` attribute)."""
        if self.x2 > self.x1:
            mid = (self.x1 + self.x2) / 2
            return f"M{self.x1:.1f},{self.y1:.1f} C{mid:.1f},{self.y1:.1f} {mid:.1f},{self.y2:.1f} {self.x2:.1f},{self.y2:.1f}"
        mid = (self.y1 + self.y2) / 2
        return f"M{self.x1:.1f},{self.y1:.1f} C{self.x1:.1f},{mid:.1f} {self.x2:.1f},{mid:.1f} {self.x2:.1f},{self.y2:.1f}"


@dataclass(frozen=True)
class GraphLayout:
    """Everything the SVG template needs: canvas size, node boxes, edges."""

    width: float
    height: float
    node_width: float
    node_height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def layout_graph(
    nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]],
    column: float = 230, row: float = 58, node_width: float = 190, node_height: float = 34,
) -> GraphLayout:
    """Deterministic layered layout: sources on the left, each node one column right of its deepest parent.

    Layers come from longest paths over the edges (cycles are broken by ignoring edges that would
    revisit a node on the current path); inside a column nodes are ordered by the mean row of their
    parents, then by id, so the same graph always gives the same picture.
    """
    ids = list(dict.fromkeys(str(n["id"]) for n in nodes))
    info = {str(n["id"]): n for n in nodes}
    parents: dict[str, list[str]] = {i: [] for i in ids}
    for edge in edges:
        a, b = str(edge.get("from")), str(edge.get("to"))
        if a in parents and b in parents and a != b:
            parents[b].append(a)
    layer: dict[str, int] = {}

    def depth(node: str, path: frozenset[str]) -> int:
        if node not in layer:
            layer[node] = 1 + max((depth(p, path | {node}) for p in parents[node] if p not in path), default=-1)
        return layer[node]

    for node in sorted(ids):
        depth(node, frozenset())
    columns: dict[int, list[str]] = {}
    position: dict[str, int] = {}
    for index in sorted(set(layer.values())):
        members = [i for i in ids if layer[i] == index]
        members.sort(key=lambda i: (_mean(position[p] for p in parents[i] if p in position), i))
        columns[index] = members
        position.update({m: k for k, m in enumerate(members)})
    pad = 16.0
    tallest = max((len(c) for c in columns.values()), default=1)
    offset = {index: (tallest - len(members)) * row / 2 for index, members in columns.items()}
    placed = {
        i: GraphNode(i, str(info[i].get("label") or i), _shorten(str(info[i].get("label") or i), 26),
                     str(info[i].get("kind") or ""), pad + layer[i] * column, pad + offset[layer[i]] + position[i] * row,
                     bool(info[i].get("primary")))
        for i in ids
    }
    drawn = []
    for edge in edges:
        a, b = placed.get(str(edge.get("from"))), placed.get(str(edge.get("to")))
        if a is None or b is None or a is b:
            continue
        x1, y1 = a.x + node_width, a.y + node_height / 2
        x2, y2 = b.x, b.y + node_height / 2
        if b.x <= a.x:  # an edge against the layering (a cycle): leave from the bottom, enter at the top
            x1, y1, x2, y2 = a.x + node_width / 2, a.y + node_height, b.x + node_width / 2, b.y
        drawn.append(GraphEdge(x1, y1, x2, y2, str(edge.get("kind") or "")))
    width = pad * 2 + (max(layer.values(), default=0)) * column + node_width
    height = pad * 2 + tallest * row - (row - node_height)
    return GraphLayout(width, height, node_width, node_height, [placed[i] for i in ids], drawn)


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else math.inf


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- figure charts -----------------------------------------------------------------------------------------
PALETTE = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7f8c", "#57606a")


@dataclass(frozen=True)
class ChartPoint:
    """One reported value placed on the chart."""

    x: float
    y: float
    color: str
    label: str
    point: dict[str, Any]


@dataclass(frozen=True)
class ChartSeries:
    """All points one source reported, joined by a line in date order."""

    name: str
    color: str
    points: list[ChartPoint]

    @property
    def path(self) -> str:
        """The SVG polyline points attribute."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    """An axis tick: position on its axis and its text."""

    at: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A figure tracker chart: value (y) over the date it is given as of (x), one series per source."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    series: list[ChartSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def figure_chart(figure: dict[str, Any], width: float = 560, height: float = 240) -> Chart:
    """Place a figure's points: dates as evenly spaced columns (undated last), values on a linear scale."""
    points = [p for p in figure.get("points", []) if _finite(p.get("value"))]
    dates = sorted({_date_key(p.get("as_of")) for p in points})
    left, top, right, bottom = 56.0, 12.0, width - 16.0, height - 28.0
    step = (right - left) / max(len(dates), 1)
    x_of = {d: left + step * (k + 0.5) for k, d in enumerate(dates)}
    values = [float(p["value"]) for p in points] or [0.0]
    y_ticks_values = _nice_ticks(min(0.0, min(values)), max(values))
    lo, hi = y_ticks_values[0], y_ticks_values[-1]

    def y_of(value: float) -> float:
        return bottom - (value - lo) / ((hi - lo) or 1.0) * (bottom - top)

    by_source: dict[str, list[dict[str, Any]]] = {}
    for p in points:
        by_source.setdefault(str(p.get("source") or p.get("outlet") or "unknown"), []).append(p)
    series = []
    dodge = min(10.0, step * 0.6 / max(len(by_source), 1))
    for k, (name, members) in enumerate(sorted(by_source.items())):
        color = PALETTE[k % len(PALETTE)]
        shift = (k - (len(by_source) - 1) / 2) * dodge  # sources side by side, so equal values stay visible
        members.sort(key=lambda p: (_date_key(p.get("as_of")), float(p["value"])))
        placed = [
            ChartPoint(x_of[_date_key(p.get("as_of"))] + shift, y_of(float(p["value"])), color,
                       f"{name}: {_fmt(float(p['value']))} {figure.get('unit') or ''} as of {p.get('as_of') or 'undated'}",
                       p)
            for p in members
        ]
        series.append(ChartSeries(name, color, placed))
    x_ticks = [Tick(x_of[d], d[1] or "undated") for d in dates]
    y_ticks = [Tick(y_of(v), _fmt(v)) for v in y_ticks_values]
    return Chart(width, height, left, top, right, bottom, series, x_ticks, y_ticks)


def _date_key(value: Any) -> tuple[int, str]:
    """Sort key: real dates first in date order, then other text, undated last."""
    if not value:
        return (2, "")
    text = str(value)
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return (1, text)
    return (0, text)


def _finite(value: Any) -> bool:
    """A number the chart can place: not a bool, not inf or NaN (a hostile or legacy stored value)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / (count - 1)
    if not math.isfinite(raw):  # lo and hi at the ends of the float range: their difference overflows
        return [lo, hi]
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks = [start]
    while ticks[-1] < hi - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def format_number(value: Any) -> str:
    """A figure for display: thousands separators, no trailing `.0`."""
    return _fmt(float(value)) if isinstance(value, int | float) else str(value if value is not None else "–")


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "not a number"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
