"""The package layout: ``geo/`` has no import cycles, never imports Streamlit, and stays small at the top.

The import graph is read with :mod:`ast` (nothing is imported). What counts as an edge:

* every ``import`` statement anywhere in a module: module level, inside functions (a function-local import
  is still a dependency, deferred only to keep ``python -m geo`` start-up fast) and under
  ``if TYPE_CHECKING:``;
* ``from pkg import name`` points at ``pkg.name`` when that is a module, else at ``pkg`` itself;
* a sub-package ``__init__`` points at the modules its lazy ``_EXPORTS`` table names;
* the implicit import of a parent package's ``__init__`` when a submodule is imported is *not* an edge
  (Python handles a submodule importing a sibling through its package; the ``__init__`` files stay lazy).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

GEO = ROOT / "geo"
MAX_TOP_LEVEL_MODULES = 10


def module_names(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file of the package at ``package_dir``."""
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _exports(tree: ast.Module) -> list[str]:
    """The module names a lazy ``_EXPORTS = {"Name": "module", ...}`` table points at."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_EXPORTS" for t in node.targets):
            return [v.value for v in node.value.values if isinstance(v, ast.Constant)]
    return []


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (see the module docstring for what counts)."""
    modules = module_names(package_dir)
    graph: dict[str, set[str]] = {name: set() for name in modules}

    def target(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [target(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    found.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else target(base))
        if is_package:
            found += [target(f"{name}.{module}") for module in _exports(tree)]
        graph[name] |= {t for t in found if t and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
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


def imports_of(package_dir: Path, top: str) -> list[str]:
    """The modules of the package that import ``top`` (or a submodule of it), anywhere in the module."""
    offenders = []
    for name, path in module_names(package_dir).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            if any(n == top or n.startswith(top + ".") for n in names):
                offenders.append(name)
    return sorted(set(offenders))


# --------------------------------------------------------------------------- the real package


def test_geo_has_no_import_cycles():
    assert cycles(import_graph(GEO)) == []


def test_geo_never_imports_streamlit():
    assert imports_of(GEO, "streamlit") == []


def test_geo_top_level_stays_small():
    top = sorted(p.name for p in GEO.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_the_graph_sees_the_real_edges():
    graph = import_graph(GEO)
    # a module-level import, a function-local one, and `from package import module`
    assert "geo.places.sites" in graph["geo.places.gazetteer"]
    assert "geo.places.teamsites" in graph["geo.places.gazetteer"]
    assert "geo.reports.extract.multilingual" in graph["geo.reports.extract"]
    assert "geo.reports.extract.pipeline" in graph["geo.reports.extract.multilingual"]


@pytest.mark.parametrize("package", sorted(p.parent.name for p in GEO.glob("*/__init__.py")))
def test_each_sub_package_states_its_concern_and_api(package):
    init = GEO / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"geo/{package}/__init__.py needs a docstring stating its one concern"
    targets = [t for n in tree.body if isinstance(n, ast.Assign) for t in n.targets]
    targets += [n.target for n in tree.body if isinstance(n, ast.AnnAssign)]
    assert "__all__" in {getattr(t, "id", None) for t in targets}, f"geo/{package}/__init__.py needs an __all__"


@pytest.mark.parametrize("package", ["geo.places", "geo.reports", "geo.storage", "geo.formats", "geo.view"])
def test_lazy_exports_resolve(package):
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"


# --------------------------------------------------------------------------- the checker itself


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for relative, text in {"__init__.py": "", **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "files, expected",
    [
        pytest.param(
            {"a.py": "import pkg.b\n", "b.py": "from pkg.a import x\n"}, [["pkg.a", "pkg.b"]], id="module level"
        ),
        pytest.param(
            {"a.py": "from pkg import b\n", "b.py": "def f():\n    from pkg import a\n"},
            [["pkg.a", "pkg.b"]],
            id="function-local and from-package-import-module",
        ),
        pytest.param(
            {"sub/__init__.py": "", "sub/a.py": "from . import b\n", "sub/b.py": "from .a import x\n"},
            [["pkg.sub.a", "pkg.sub.b"]],
            id="relative",
        ),
        pytest.param(
            {"a.py": "import pkg.b\n", "b.py": "import pkg.c\n", "c.py": "import pkg.a\n", "d.py": "import pkg.a\n"},
            [["pkg.a", "pkg.b", "pkg.c"]],
            id="three modules, a bystander outside",
        ),
        pytest.param(
            {"sub/__init__.py": "_EXPORTS = {'X': 'a'}\n", "sub/a.py": "from pkg.sub import Y\n"},
            [["pkg.sub", "pkg.sub.a"]],
            id="through a lazy export table",
        ),
        pytest.param(
            {"a.py": "import pkg.b\nimport os\n", "b.py": "from pkg import c\n", "c.py": "x = 1\n"},
            [],
            id="a chain is no cycle",
        ),
    ],
)
def test_cycle_finder(tmp_path, files, expected):
    assert cycles(import_graph(_package(tmp_path, files))) == expected


def test_streamlit_finder(tmp_path):
    root = _package(
        tmp_path, {"ok.py": "import streamlit_folium_not\n", "bad.py": "def f():\n    import streamlit.components.v1\n"}
    )
    assert imports_of(root, "streamlit") == ["pkg.bad"]
