"""The claims × outlets matrix, computed once for every renderer (HTML report, web app).

A cell is one outlet's treatment of one claim: the strongest stance among that outlet's mentions
(`contradict` > `partial` > `agree` > `mentioned`), so an outlet that both agrees and contradicts is
shown contradicting: the disagreement is what a reader must see. An outlet without a mention is `silent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from wiretrace.models import MENTION_STANCES

CellState = Literal["agree", "partial", "contradict", "mentioned", "silent"]
CELL_STATES: tuple[CellState, ...] = ("agree", "partial", "contradict", "mentioned", "silent")
_CELL_RANK = {"contradict": 3, "partial": 2, "agree": 1, "mentioned": 0}


@dataclass
class MatrixCell:
    """One outlet's treatment of one claim, with its strongest mention (for the link)."""

    state: CellState
    mention: dict[str, Any] | None = None
    count: int = 0


@dataclass
class MatrixRow:
    """One claim across every outlet."""

    claim: dict[str, Any]
    cells: list[MatrixCell]


def matrix_outlets(dossier: dict[str, Any]) -> list[str]:
    """The columns: the story's outlets in its order, then any other outlet a mention names."""
    outlets = list(dict.fromkeys(dossier.get("story", {}).get("outlets") or []))
    for claim in dossier.get("claims", []):
        for mention in claim.get("mentions", []):
            if mention.get("outlet") and mention["outlet"] not in outlets:
                outlets.append(mention["outlet"])
    return outlets


def cell_state(stance: Any) -> CellState:
    """A mention's cell: its stance, or `mentioned` for anything outside the stance vocabulary."""
    return stance if stance in MENTION_STANCES else "mentioned"


def claim_matrix(dossier: dict[str, Any]) -> tuple[list[str], list[MatrixRow]]:
    """Outlets (columns) and one row per claim of a dossier dict (`Dossier.to_dict()`)."""
    outlets = matrix_outlets(dossier)
    rows = []
    for claim in dossier.get("claims", []):
        cells = {outlet: MatrixCell("silent") for outlet in outlets}
        for mention in claim.get("mentions", []):
            cell = cells.get(mention.get("outlet"))
            if cell is None:
                continue
            state = cell_state(mention.get("stance"))
            cell.count += 1
            if cell.state == "silent" or _CELL_RANK[state] > _CELL_RANK[cell.state]:
                cell.state, cell.mention = state, mention
        rows.append(MatrixRow(claim, [cells[o] for o in outlets]))
    return outlets, rows
