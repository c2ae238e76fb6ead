"""The import direction between the membership area and the General Assembly: assemblies
imports networks, networks.models names the assembly by string only, and no module of either
app imports itself back through the other (function-local imports count too)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("networks", "assemblies")


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The modules of both apps that ``name`` imports, anywhere in its code."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycle_from(start: str) -> list[str] | None:
    """A chain of imports from ``start`` back to itself, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        module, chain = stack.pop()
        for imported in GRAPH[module]:
            if imported == start:
                return [*chain, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*chain, imported]))
    return None


def test_networks_models_import_nothing_of_the_assembly():
    assert not {name for name in GRAPH["networks.models"] if name.startswith("assemblies")}


ASSEMBLY_MODULES = sorted(name for name in MODULES if name.startswith("assemblies"))


@pytest.mark.parametrize("module", ASSEMBLY_MODULES)
def test_no_assembly_module_imports_itself_back(module):
    assert _cycle_from(module) is None


@pytest.mark.parametrize("module", ["assemblies.models", "assemblies.selectors"])
def test_the_assembly_reads_the_membership_area_through_its_models_only(module):
    """The membership pages import assemblies.selectors: it imports none of their modules."""
    assert {name for name in GRAPH[module] if name.startswith("networks")} <= {"networks.models"}
