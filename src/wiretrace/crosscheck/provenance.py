"""Provenance: who cites whom, drawn from the attribution chains of a story's claims.

Nodes are outlets, agencies, people and documents; an edge runs from the one who tells to the one
told about: `cites` (an outlet or agency relying on another), `quotes` (a person quoted directly) and
`reports` (a document someone published or relayed). The primary source of each claim group is marked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.crosscheck.independence import normal_name
from wiretrace.crosscheck.mentions import ClaimGroup

_DOCUMENT = re.compile(r"\b(documents?|report|memo|decree|statement|letter|filing|leak|cache|study|survey|data)\b", re.I)
_AGENCY = re.compile(
    r"\b(ministry|department|agency|council|government|office|kremlin|court|police|army|military|service|"
    r"commission|committee|parliament|duma|senate|congress|administration|embassy|mod|un|nato|fsb|cia|fbi)\b",
    re.I,
)
_OUTLET = re.compile(
    r"(\.com|\.co\.uk|\.ru|\.org)$|\b(times|post|news|mail|telegraph|sun|guardian|herald|tribune|journal|gazette|"
    r"reuters|ap|afp|bbc|cnn|express|istories|press|wire|radio|tv|magazine|daily|chronicle|observer)\b",
    re.I,
)


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
    if label in outlets or _OUTLET.search(label):
        return "outlet"
    if _DOCUMENT.search(label):
        return "document"
    if _AGENCY.search(label):
        return "agency"
    return "person"


def node_id(label: str) -> str:
    """A stable id for a node label."""
    return re.sub(r"[^a-z0-9]+", "-", normal_name(label).lower()).strip("-") or "unknown"


def trace_provenance(groups: Sequence[ClaimGroup]) -> ProvenanceGraph:
    """The graph of every mention's chain; the primary source of each group marked."""
    outlets = {m.outlet for g in groups for m in g.mentions}
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
            chain = [mention.outlet, *[c for c in mention.claim.attribution if c]]
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
