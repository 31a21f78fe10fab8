"""Imports point down the layers: a stage never imports from a stage after it, nor from the layers on top.

The order is the pipeline's, with the plain layers (errors, dataclasses, helpers, store, models) below the
stages and the orchestration and front ends (settings, pipeline, the façade, demo, web, cli) above them.
An import inside a function counts too: a lazy import still ties the lower layer to the upper one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wiretrace"

# Lowest first. A module belongs to the longest prefix listed; modules in one layer may import each other.
LAYERS = [
    ["errors"],
    ["models"],
    ["engines.local"],
    ["store"],
    ["ml"],
    ["ingest"],
    ["stories"],
    ["claims"],
    ["crosscheck"],
    ["verify"],
    ["report"],
    ["engines.ray", "engines"],
    ["settings"],
    ["pipeline"],
    ["__init__"],
    ["demo", "web", "cli", "__main__"],
]
RANK = {prefix: rank for rank, prefixes in enumerate(LAYERS) for prefix in prefixes}


def layer_of(dotted: str) -> int:
    """The rank of `wiretrace.<dotted>`: that of its longest listed prefix."""
    if dotted in ("", "__init__"):
        return RANK["__init__"]
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in RANK:
            return RANK[prefix]
    raise AssertionError(f"wiretrace.{dotted} is in no layer; add it to LAYERS in {__file__}")


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def facade_names() -> set[str]:
    """The names `wiretrace/__init__.py` exports (`__all__`): `from wiretrace import ingest` is the function."""
    for node in ast.parse((SRC / "__init__.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return {elt.value for elt in node.value.elts}
    return set()


def is_submodule(name: str) -> bool:
    if name in facade_names():
        return False
    return (SRC / f"{name}.py").is_file() or (SRC / name / "__init__.py").is_file()


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name under wiretrace) of every `import wiretrace.x` and `from wiretrace.x import y`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "wiretrace":  # a submodule by name, else a name the façade exports
                found += [(node.lineno, alias.name if is_submodule(alias.name) else "__init__")
                          for alias in node.names]
            elif node.module.startswith("wiretrace."):
                found.append((node.lineno, node.module.removeprefix("wiretrace.")))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name.removeprefix("wiretrace.")) for a in node.names
                      if a.name.startswith("wiretrace.")]
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        name = module_name(path)
        own = layer_of(name)
        for line, target in imported(ast.parse(path.read_text(encoding="utf-8"))):
            if layer_of(target) > own:
                problems.append(f"{path.relative_to(SRC)}:{line} wiretrace.{name} imports wiretrace.{target}")
    return problems


def test_imports_point_down_the_layers():
    assert upward_imports() == []


@pytest.mark.parametrize(("module", "target", "upward"), [
    ("stories.cluster", "crosscheck.align", True),
    ("verify", "stories", False),
    ("crosscheck.provenance", "crosscheck.align", False),
    ("engines.local", "engines.ray", True),
    ("cli", "pipeline", False),
])
def test_the_rule_itself(module, target, upward):
    assert (layer_of(target) > layer_of(module)) is upward


# What the front ends may import: the façade, their own package, for the CLI the demo and the web app it
# runs, for the web app the renderers it shares with `dossier --format html` (the claims × outlets matrix).
FRONT_ENDS = {"cli": ("__init__", "cli", "demo", "web"), "web": ("__init__", "web", "report"),
              "demo": ("__init__", "models", "demo")}


def front_end_imports() -> list[str]:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        name = module_name(path)
        allowed = next((ok for front, ok in FRONT_ENDS.items() if name == front or name.startswith(f"{front}.")), None)
        if allowed is None:
            continue
        for line, target in imported(ast.parse(path.read_text(encoding="utf-8"))):
            if not any(target == ok or target.startswith(f"{ok}.") for ok in allowed):
                problems.append(f"{path.relative_to(SRC)}:{line} wiretrace.{name} imports wiretrace.{target}")
    return problems


def test_the_cli_and_the_web_app_use_only_the_facade():
    assert front_end_imports() == []


def test_no_dotted_import_as_of_a_stage_the_facade_shadows():
    """`import wiretrace.stories.cluster as c` looks `stories` up on the façade and finds the function."""
    root = SRC.parents[1]
    shadowed = ("wiretrace.ingest.", "wiretrace.stories.", "wiretrace.claims.")
    bad = []
    for folder in ("src", "tests", "eval", "bench"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    bad += [f"{path.relative_to(root)}:{node.lineno} import {a.name} as {a.asname}"
                            for a in node.names if a.asname and a.name.startswith(shadowed)]
    assert bad == []
