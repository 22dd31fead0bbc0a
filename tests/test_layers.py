"""The layers of DESIGN.md, enforced: data flows one way, and no module reaches into another's privates.

Every import counts — at the top, inside a function (a lazy import), or under ``TYPE_CHECKING``.
A module may import modules of its own layer or below, never above; the import graph has no
circle; and no module imports a ``_private`` name of another swchat module (what is shared gets
a public name where it belongs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "swchat"

#: The layers, lowest first (DESIGN.md). A module not named here fails the test: place it.
LAYERS: list[tuple[str, list[str]]] = [
    ("schema, errors, shared helpers", [
        "swchat.version", "swchat.errors", "swchat.schema", "swchat.choices", "swchat.parallel", "swchat.sample",
    ]),
    ("readers", ["swchat.readers", "swchat.readers.*"]),
    ("archive: storage, every SQL statement, derived tables", [
        "swchat.archive", "swchat.session_store", "swchat.consent_store", "swchat.database", "swchat.raw_blocks",
    ]),
    ("Chat: the data of one selection, and privacy (a transformation of a chat)", [
        "swchat.chat", "swchat.privacy",
    ]),
    ("analyses: pure functions of DataFrames", [
        "swchat.questions", "swchat.sessions", "swchat.threads", "swchat.mentions", "swchat.themes", "swchat.growth",
        "swchat.community", "swchat.derive", "swchat.network", "swchat.network.grouping", "swchat.network.build",
        "swchat.network.metrics", "swchat.network.community", "swchat.network.shape",
    ]),
    ("outputs: report, figures, exports", [
        "swchat.figures", "swchat.transcript", "swchat.report", "swchat.report.summary", "swchat.report.render",
        "swchat.report.site",
        "swchat.network.draw", "swchat.network.export", "swchat.exports",
    ]),
    ("CLI and the public facade", [
        "swchat", "swchat.__main__", "swchat.api", "swchat.cli", "swchat.commands", "swchat.commands.*", "swchat.collect",
        "swchat.report.clidoc", "swchat.report.readme_console",
    ]),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _layer_of(module: str) -> int | None:
    for level, (_, names) in enumerate(LAYERS):
        for name in names:
            if module == name or (name.endswith(".*") and module.startswith(name[:-1])):
                return level
    return None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """``(imported module, names taken from it, line)`` for every swchat import in a module."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            if not base.startswith("swchat"):
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
            out.append((base, [n for n in names if f"{base}.{n}" not in modules], node.lineno))
            out += [(sub, [], node.lineno) for sub in submodules]
        elif isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("swchat")]
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for target, _names, _line in _imports(module, path, modules):
            if target in modules and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in _modules() if _layer_of(m) is None)
    assert not unplaced, f"place these modules in a layer of LAYERS: {unplaced}"


def test_no_module_imports_a_layer_above_it():
    modules = _modules()
    upward = []
    for module, path in modules.items():
        mine = _layer_of(module)
        for target, _names, line in _imports(module, path, modules):
            if target not in modules or module.startswith(target + ".") or mine is None:
                continue
            theirs = _layer_of(target)
            if theirs is not None and theirs > mine:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} ({LAYERS[mine][0]}) "
                              f"imports {target} ({LAYERS[theirs][0]})")
    assert not upward, "imports against the flow of data:\n" + "\n".join(upward)


def test_the_import_graph_has_no_circle():
    graph = _graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append([*stack[stack.index(target):], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_no_private_name_is_imported_from_another_module():
    modules = _modules()
    reaching = []
    for module, path in modules.items():
        for target, names, line in _imports(module, path, modules):
            if target == module:
                continue
            for name in names:
                if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                    reaching.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target}.{name}")
    assert not reaching, "private names used across modules:\n" + "\n".join(reaching)


@pytest.mark.parametrize("module", ["swchat.archive", "swchat.session_store", "swchat.chat"])
def test_lower_layers_know_no_analysis(module):
    """The archive and the Chat data hold no analysis (the analyses are handed in, if at all)."""
    modules = _modules()
    imported = {t for t, _n, _l in _imports(module, modules[module], modules)}
    assert not imported & {"swchat.sessions", "swchat.questions", "swchat.growth", "swchat.network", "swchat.derive"}


def test_sql_lives_in_the_archive_layer():
    """No module outside the archive layer talks to SQLite."""
    archive_layer = set(LAYERS[2][1])
    talking = []
    for module, path in _modules().items():
        if module in archive_layer:
            continue
        text = path.read_text(encoding="utf-8")
        if "import sqlite3" in text or ".execute(" in text or ".db." in text:
            talking.append(module)
    assert not talking, f"SQL outside the archive layer: {talking}"
