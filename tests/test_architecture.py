"""The shape of the code, read from its source: layers that import only downwards, no
import cycles, no module too long to read. docs/architecture.md draws the same layers.

Every ``import`` counts, at the top of a module or inside a function, except those under
``if TYPE_CHECKING:``, which never run.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hcppcc", "proposals", "activities", "pages", "seeds", "tools", "bench")

# Lowest first. A module may import from its own layer and the layers below it, never from
# one above. The first prefix that matches a module decides its layer.
LAYERS = (
    ("configuration", ("hcppcc.settings", "hcppcc.env", "hcppcc.celery", "hcppcc")),
    ("core", ("hcppcc.core",)),
    ("directory", ("hcppcc.directory",)),
    ("notices", ("hcppcc.notices",)),
    ("proposals", ("proposals",)),
    ("activities", ("activities",)),
    ("pages", ("pages",)),
    # Beside the apps, importing from them: seeds and generators, then what wires the
    # project together (URLs, WSGI), then tools and benchmarks that nothing imports.
    ("seeds", ("seeds",)),
    ("entry points", ("hcppcc.urls", "hcppcc.api_urls", "hcppcc.wsgi", "hcppcc.asgi")),
    ("tools", ("tools", "bench")),
)
MAX_LINES = 800


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = project_modules()


def layer_of(module: str) -> int:
    best = None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            # The longest prefix wins: hcppcc.core is not configuration.
            if inside and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    assert best is not None, f"{module} is in no layer; add it to LAYERS"
    return best[0]


def _type_checking_only(node, parents) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(module: str, path: Path) -> set[str]:
    """The project modules ``module`` imports: ``from a.b import c`` names ``a.b.c`` when
    that is a module, else ``a.b``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        if _type_checking_only(node, parents):
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: imports_of(module, path) for module, path in MODULES.items()}


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = sorted(
        f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
        for module, targets in GRAPH.items()
        for target in targets
        if layer_of(target) > layer_of(module)
    )
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_cycles():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert _cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("hcppcc.settings", "configuration"),
        ("hcppcc.core.workflow.steps", "core"),
        ("hcppcc.directory.models", "directory"),
        ("hcppcc.urls", "entry points"),
        ("seeds.scale", "seeds"),
    ],
)
def test_modules_fall_in_the_layer_their_path_says(module, layer):
    assert LAYERS[layer_of(module)][0] == layer


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {
        module: lines
        for module, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
