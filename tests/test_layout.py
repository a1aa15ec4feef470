"""The package layout holds: module-level imports form no cycle and never go upward.

Ranks (lower may not import higher): the top-level helper modules < ``data``,
``stats`` (which never import each other) < ``report`` < ``research`` < ``run``
< ``cli``, ``__init__``, ``__main__``. Only imports run at import time count:
module top level, including inside top-level ``if``/``try``; imports inside
functions are lazy and allowed to reach upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cxkit"
PKG = PACKAGE.name

BASE = ("errors", "_blas", "_checks", "_results", "_files", "_inputs", "_dates", "_progress", "_version", "scales",
        "_raking")
RANK = {**{m: 0 for m in BASE}, "data": 1, "stats": 1, "report": 2, "research": 3, "run": 4,
        "cli": 5, "__init__": 5, "__main__": 5}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _top_level_imports(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If | ast.Try):
            for block in (node.body, node.orelse, getattr(node, "finalbody", []),
                          *(h.body for h in getattr(node, "handlers", []))):
                yield from _top_level_imports(block)


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    """cxkit modules an import statement loads (the nearest existing module for each name)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module.split(".")[: None if is_package else -1]
            base = base[: len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        # `from .pkg import name`: the submodule if `name` is one, else the module defining it
        names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names]
    out = set()
    for name in names:
        if name != PKG and not name.startswith(PKG + "."):
            continue
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = set().union(*(_targets(module, path.name == "__init__.py", n)
                                      for n in _top_level_imports(tree.body)))
    return graph


def _part(module: str) -> str:
    """``cxkit.stats.metrics`` -> ``stats``; ``cxkit.errors`` -> ``errors``; ``cxkit`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rank(module: str) -> int:
    part = _part(module)
    assert part in RANK, f"{module}: unknown part of the package; add it to RANK in tests/test_layout.py"
    return RANK[part]


def test_the_graph_sees_known_imports():
    graph = _graph()
    assert "cxkit.stats.metrics" in MODULES and "cxkit._files" in graph["cxkit.run.batch"]
    assert "cxkit.errors" in graph["cxkit"]


def test_no_upward_imports():
    bad = [f"{m} imports {d}" for m, deps in _graph().items() for d in deps if _rank(d) > _rank(m)]
    assert bad == []


def test_data_and_stats_do_not_import_each_other():
    bad = [f"{m} imports {d}" for m, deps in _graph().items() for d in deps
           if {_part(m), _part(d)} == {"data", "stats"}]
    assert bad == []


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(" -> ".join(path[path.index(d):] + [m, d]) if d in path else f"{m} -> {d}")
            elif d not in state:
                visit(d, path + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    assert cycles == []
