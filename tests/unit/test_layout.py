"""The code base keeps the shape issue 12 gave it: no import circle, no oversized module."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "storage", "handlers", "bot")
#: Pure algorithms may be longer than the rest: splitting them would scatter one idea.
LONG_ALLOWED = {
    "core/schedule/optimiser.py",
    "core/matching/engine.py",
    "core/matching/index.py",
    "core/matching/text.py",
}
MAX_LINES = 400
CHECKED_DIRS = (*PRODUCT, "tests", "benchmarks", "fake_bot_api")


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_modules() -> None:
    """Every import counts, also those inside functions and under TYPE_CHECKING."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PRODUCT, include_external_packages=False)
    modules = set(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}
    assert _cycles(edges) == []


def _python_files() -> list[Path]:
    files: list[Path] = []
    for folder in CHECKED_DIRS:
        files += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return files


def test_no_module_is_oversized() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in _python_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(ROOT)) not in LONG_ALLOWED
    }
    assert long == {}


def test_handlers_never_reach_a_unit_of_work() -> None:
    """Handlers call feature doors; the transaction is the use case's business."""
    offenders = []
    for path in (ROOT / "handlers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "uow":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
