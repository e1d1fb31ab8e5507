"""The engine's floors: every import inside workbench/ goes down (or stays on its floor), and nothing imports in a
circle. Read from the source with `ast` (no import runs). An import inside a function is allowed only where it is
lazy on purpose (a heavy or optional dependency, or a fast `--help`), and then says so with a `# lazy:` comment.

The floors, lowest first. A module belongs to the longest prefix that names it; a new top-level module or package
must be placed here (the test says so), which is the point: decide which floor it lives on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYERS = (
    ("errors", ("workbench.errors",)),
    ("ground", ("workbench.options", "workbench.registry", "workbench.formats", "workbench.metrics",
                "workbench.safety")),
    ("data io", ("workbench.datasets_io",)),   # Arrow files and the encoded-rows cache (datasets)
    ("sections", ("workbench.store", "workbench.data", "workbench.sections")),
    ("data stream", ("workbench.datasets_io.stream",)),   # data.streaming: reads sources through workbench.data
    ("sharding", ("workbench.dist.sharding",)),   # train.sharding: what FSDP takes, DTensor-aware tensor helpers
    ("model", ("workbench.model",)),
    ("tasks", ("workbench.tasks",)),
    ("strategies", ("workbench.strategies",)),
    ("config", ("workbench.config",)),
    ("dist", ("workbench.dist",)),            # ranks and the launcher: below the loop, which uses the ranks
    ("run", ("workbench.run",)),
    ("dist worker", ("workbench.dist.worker",)),   # each rank's entry point: runs the loop
    ("evaluate", ("workbench.evaluate",)),
    ("export", ("workbench.export",)),
    ("stories", ("workbench.demo", "workbench.study")),   # guided demos and studies: many runs, compared
    ("host", ("workbench.host",)),                          # identity, policy, quotas, fair queue (no gradio)
    ("surfaces", ("workbench.cli", "workbench.ui", "workbench.listing")),
    ("entry", ("workbench.__main__", "workbench")),
)
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int | None:
    best = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            below = module.startswith(prefix + ".") and prefix != "workbench"   # the package itself: exactly
            if (module == prefix or below) and (best is None or len(prefix) > best[1]):
                best = (i, len(prefix))
    return None if best is None else best[0]


def imports_of(module: str):
    """(target module, line, inside a function, source line) for every workbench import of `module`."""
    path = MODULES[module]
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    in_function = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(n) for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            yield target, node.lineno, id(node) in in_function, lines[node.lineno - 1]


def graph() -> dict[str, set[str]]:
    return {m: {t for t, *_ in imports_of(m) if t in MODULES and t != m} for m in MODULES}


def test_every_module_has_a_floor():
    unplaced = [m for m in MODULES if layer_of(m) is None]
    assert not unplaced, f"place these in LAYERS of {Path(__file__).name}: {unplaced}"


def test_imports_only_go_down():
    upward = []
    for m in MODULES:
        for target, line, _, _ in imports_of(m):
            if target.startswith("workbench") and layer_of(target) > layer_of(m):
                upward.append(f"{MODULES[m].relative_to(ROOT)}:{line} {m} ({LAYERS[layer_of(m)][0]}) imports "
                              f"{target} ({LAYERS[layer_of(target)][0]})")
    assert not upward, "imports that go up a floor:\n" + "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_function_level_imports_say_why():
    unexplained = [f"{MODULES[m].relative_to(ROOT)}:{line}: {text.strip()}"
                   for m in MODULES for _, line, inside, text in imports_of(m) if inside and "# lazy:" not in text]
    assert not unexplained, ("imports inside functions must be lazy on purpose and say why with '# lazy: <reason>' "
                             "(else move them to the top of the module):\n" + "\n".join(sorted(set(unexplained))))


def test_the_checks_catch_what_they_should():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    assert layer_of("workbench.run.loop") > layer_of("workbench.strategies.l2sp") > layer_of("workbench.tasks._crf")
    assert layer_of("workbench.tasks") > layer_of("workbench.model.catalogue") > layer_of("workbench.data")
    assert layer_of("workbench.ui.form") > layer_of("workbench.export.formats")
    assert layer_of("workbench.elsewhere") is None   # a new top-level module must be given its floor
    assert layer_of("nothing_of_ours") is None


@pytest.mark.parametrize("module", ["workbench.model.catalogue", "workbench.strategies._peft",
                                    "workbench.evaluate.refs", "workbench.config"])
def test_the_old_knots_are_untied(module):
    """The arrows the review found running back up: models <-> _peft, config -> tasks (both ways), refs -> trainer."""
    targets = {t for t, *_ in imports_of(module)}
    assert "workbench.run.loop" not in targets
    if module.startswith("workbench.model"):
        assert not any(t.startswith(("workbench.strategies", "workbench.tasks", "workbench.config")) for t in targets)
