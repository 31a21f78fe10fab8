"""Provenance: who cites whom, drawn from the attribution chains of a story's claims.

Nodes are outlets, agencies, people and documents; an edge runs from the one who tells to the one
told about: `cites` (an outlet or agency relying on another), `quotes` (a person quoted directly) and
`reports` (a document someone published or relayed). The primary source of each claim group is marked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from wiretrace.crosscheck.independence import normal_name
from wiretrace.crosscheck.mentions import ClaimGroup
from wiretrace.ingest.metadata import known_outlets

_ACRONYM = re.compile(r"[A-Z]{2,6}")  # NATO, a ministry's initials: an unlisted body named by its initials
_DOCUMENT = re.compile(r"\b(documents?|report|memo|decree|statement|letter|filing|leak|cache|study|survey|data)\b", re.I)
_OUTLET_WORDS = re.compile(
    r"(\.com|\.co\.uk|\.ru|\.org|\.net|\.news)$|\b(times|post|news|mail|telegraph|guardian|herald|tribune|"
    r"journal|gazette|press|wire|radio|tv|television|magazine|daily|weekly|chronicle|observer|outlet|website|"
    r"site|portal|channel|broadcaster|broadcasting|media|newspaper|paper|publication)\b",
    re.I,
)
INSTITUTIONS_FILE = "institutions.tsv"  # institution words, written from general knowledge: see its header


@functools.cache
def _outlet_names() -> re.Pattern[str]:
    """Names of the packaged outlets and wire agencies (hundreds, `ingest/data/outlets.tsv`) as whole words."""
    names = {name.lower() for name, _kind in known_outlets().values()}
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b", re.I)


@functools.cache
def _institutions() -> re.Pattern[str]:
    """Words naming an institution, from the packaged data file (`crosscheck/data/institutions.tsv`)."""
    text = resources.files("wiretrace.crosscheck").joinpath("data", INSTITUTIONS_FILE).read_text(encoding="utf-8")
    words = {line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b", re.I)


def is_outlet(label: str) -> bool:
    """Whether a label reads as a news outlet or wire agency by its wording or the packaged list."""
    return bool(_OUTLET_WORDS.search(label) or _outlet_names().search(label))


@dataclass
class ProvenanceGraph:
    """Nodes and edges, ready for JSON and for drawing."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The dossier's provenance shape."""
        return {"nodes": self.nodes, "edges": self.edges}


def node_kind(label: str, outlets: set[str]) -> str:
    """Classify a chain element by its wording."""
    if label in outlets or is_outlet(label):
        return "outlet"
    if _DOCUMENT.search(label):
        return "document"
    if _institutions().search(label) or _ACRONYM.fullmatch(label.strip()):
        return "agency"
    return "person"


OUTLET_NOUN = r"(?:outlet|publication|newspaper|paper|website|site|portal|magazine|broadcaster|channel|news agency)"


def described_outlets(labels: set[str], texts: Sequence[str]) -> set[str]:
    """The labels a story's own sentences call an outlet ("the publication Foo", "Bar, a news website").

    A name alone says little (a one-word brand reads like a surname); the story usually says once what it is.
    """
    found = set()
    lowered = [text.lower() for text in texts]
    for label in labels:
        plain = normal_name(label)
        name = re.escape(plain)
        if len(name) < 2:
            continue
        near = re.compile(rf"{OUTLET_NOUN}\s+(?:[\w-]+\s+){{0,2}}?{name}\b|\b{name}(?:['’]s?)?\s+(?:[\w-]+\s+)?"
                          rf"{OUTLET_NOUN}\b|\b{name},\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?{OUTLET_NOUN}\b", re.I)
        if any(near.search(window) for window in _around(plain.lower(), texts, lowered)):
            found.add(label)
    return found


_REACH = 200  # characters either side of a name that a description of it can span (a few words)


def _around(name: str, texts: Sequence[str], lowered: Sequence[str]) -> Iterator[str]:
    """The stretches of text around each occurrence of `name`, cut at whitespace.

    Scanning a whole article with the description pattern for every label was most of a dossier's sourcing
    time; only the words around the name can describe it.
    """
    for text, low in zip(texts, lowered, strict=True):
        at = low.find(name)
        while at >= 0:
            start = max(0, at - _REACH)
            start = max(0, text.rfind(" ", 0, start) + 1) if start else 0
            end = text.find(" ", min(len(text), at + len(name) + _REACH))
            yield text[start : end if end >= 0 else len(text)]
            at = low.find(name, at + 1)


def node_id(label: str) -> str:
    """A stable id for a node label."""
    return re.sub(r"[^a-z0-9]+", "-", normal_name(label).lower()).strip("-") or "unknown"


def trace_provenance(groups: Sequence[ClaimGroup]) -> ProvenanceGraph:
    """The graph of every mention's chain; the primary source of each group marked."""
    outlets = {m.outlet for g in groups for m in g.mentions}
    labels = {c for g in groups for m in g.mentions for c in m.sources if c}
    outlets |= described_outlets(labels - outlets, [m.claim.text for g in groups for m in g.mentions])
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add_node(label: str) -> str:
        ident = node_id(label)
        if ident not in nodes:
            nodes[ident] = {"id": ident, "label": normal_name(label), "kind": node_kind(label, outlets),
                            "primary": False, "claims": []}
        return ident

    for group in groups:
        for mention in group.mentions:
            chain = [mention.outlet, *[c for c in mention.sources if c]]
            chain = [c for i, c in enumerate(chain) if i == 0 or node_id(c) != node_id(chain[i - 1])]
            ids = [add_node(c) for c in chain]
            for k in range(len(ids) - 1):
                last = k == len(ids) - 2
                kind = _edge_kind(chain[k + 1], mention.claim.kind, last, outlets)
                key = (ids[k], ids[k + 1], kind)
                edge = edges.setdefault(key, {"from": ids[k], "to": ids[k + 1], "kind": kind, "claims": []})
                if group.id not in edge["claims"]:
                    edge["claims"].append(group.id)
        if group.primary_source:
            ident = add_node(group.primary_source)
            nodes[ident]["primary"] = True
            if group.id not in nodes[ident]["claims"]:
                nodes[ident]["claims"].append(group.id)
    return ProvenanceGraph(
        nodes=sorted(nodes.values(), key=lambda n: n["id"]),
        edges=sorted(edges.values(), key=lambda e: (e["from"], e["to"], e["kind"])),
    )


def _edge_kind(target: str, claim_kind: str, last: bool, outlets: set[str]) -> str:
    kind = node_kind(target, outlets)
    if kind == "document":
        return "reports"
    if last and claim_kind == "quote" and kind == "person":
        return "quotes"
    return "cites"
