"""The package layout is the architecture: imports run only down the data's flow.

``stages`` (per-page, pure) never imports ``build`` or ``read``; inside it, a module
imports only modules earlier in ``stages.FLOW``; ``build`` and ``read`` do not import
each other; the shared records and names at the top import no package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cadrespeech.stages import FLOW

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cadrespeech"
SHARED = {"records", "errors", "escaping", "versions", "schema", "views"}
ENTRY_POINTS = {"__init__", "__main__", "cli", "evaluate"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    """The cadrespeech modules ``path`` imports, as dotted names inside the package, wherever the import stands."""
    own = module_name(path).split(".")
    package = own[:-1]  # the package holding the module (for an __init__, its own package)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "cadrespeech":
                target = node.module.split(".")[1:]
            else:
                continue
            names = [alias.name for alias in node.names]
            # "from . import x" and "from .build import cache" name modules; others name attributes.
            modules = [".".join([*target, n]) for n in names if (PACKAGE.joinpath(*target, f"{n}.py")).is_file()]
            found |= set(modules) or {".".join(target)}
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".", 1)[1] for alias in node.names if alias.name.startswith("cadrespeech.")}
    return {name for name in found if name}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_stage_module_is_in_the_flow() -> None:
    stages = {p.stem for p in (PACKAGE / "stages").glob("*.py") if p.stem != "__init__"}
    assert stages == set(FLOW)


def layout_problems(name: str, targets: set[str]) -> list[str]:
    """Why module ``name`` may not import each of ``targets`` (dotted names inside the package)."""
    top, problems = name.split(".")[0], []
    if "." not in name and name in ENTRY_POINTS:
        return []  # the command line and the package's face may use everything
    for target in sorted(targets):
        where = target.split(".")[0]
        if "." not in name and where not in SHARED:
            problems.append(f"{name} imports {target}: a shared module imports no package")
        elif top == "stages" and where not in (SHARED - {"schema", "views"}) | {"stages"}:
            problems.append(f"{name} imports {target}: a stage is per page and knows no release")
        elif top == "stages" and where == "stages" and FLOW.index(target.split(".")[1]) >= FLOW.index(name.split(".")[1]):
            problems.append(f"{name} imports {target}, which comes later in the flow")
        elif top == "build" and where == "read":
            problems.append(f"{name} imports {target}: the build does not read releases")
        elif top == "read" and where == "build":
            problems.append(f"{name} imports {target}: reading does not need the build")
    return problems


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_run_down_the_flow(path: Path) -> None:
    assert layout_problems(module_name(path), imported(path)) == []


@pytest.mark.parametrize(
    ("name", "target"),
    [("stages.ingest", "stages.htmltext"), ("stages.clean", "build.release"), ("read.verify", "build.card"), ("records", "stages.edits")],
)
def test_an_import_against_the_flow_is_found(name: str, target: str) -> None:
    assert len(layout_problems(name, {target})) == 1


def test_imports_are_read_from_the_source() -> None:
    assert {"stages.clean_rules", "stages.edits", "records"} <= imported(PACKAGE / "stages" / "clean.py")
    assert "build.release" in imported(PACKAGE / "cli.py")  # an import inside a function counts
