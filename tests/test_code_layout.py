"""The codebase keeps the shape docs/architecture.md describes: the apps depend one way
(``policies`` ← ``indicators`` ← the project package), the rule, eras and value parsing are
pure Python, and functions stay short enough to read at once."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULES = ["indicators/achievement.py", "indicators/values.py", "policies/fiscal_years.py"]
LONGEST_FUNCTION = 60  # lines, docstring included


def modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def imports_of(path: Path, *packages: str) -> set[str]:
    return {
        name
        for name in imported_modules(path)
        if any(name == package or name.startswith(f"{package}.") for package in packages)
    }


def test_the_plan_structure_imports_neither_figures_nor_the_project():
    found = {str(path): imports_of(path, "indicators", "yumeplan") for path in modules("policies")}
    assert {path: names for path, names in found.items() if names} == {}


def test_figures_do_not_import_the_project_package():
    """The public site and the staff pages (``yumeplan``) read ``indicators``, not the
    other way round."""
    found = {str(path): imports_of(path, "yumeplan") for path in modules("indicators")}
    assert {path: names for path, names in found.items() if names} == {}


def test_the_rule_eras_and_values_are_pure_python():
    pure = {Path(name).with_suffix("").as_posix().replace("/", ".") for name in PURE_MODULES}
    for name in PURE_MODULES:
        imported = imported_modules(ROOT / name)
        assert not {module for module in imported if module.split(".")[0] == "django"}, name
        ours = {module for module in imported if module.split(".")[0] in {"indicators", "policies"}}
        assert ours <= pure, name


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION
    ]


def test_no_function_is_over_60_lines():
    found = {
        str(path.relative_to(ROOT)): long_functions(path)
        for app in ("policies", "indicators", "yumeplan")
        for path in modules(app)
        if "migrations" not in path.parts
    }
    assert {"indicators/services/workflow.py", "yumeplan/public/views.py"} <= found.keys()
    assert {path: names for path, names in found.items() if names} == {}


def test_the_checks_see_what_they_look_for(tmp_path):
    module = tmp_path / "module.py"
    body = "\n".join(f"    x = {n}" for n in range(LONGEST_FUNCTION))
    module.write_text(
        "import django.db\nfrom indicators.models import Actual\n"
        f"def f():\n    from yumeplan import public\n{body}\n"
    )
    assert imports_of(module, "indicators", "yumeplan") == {"indicators.models", "yumeplan"}
    assert imported_modules(module) >= {"django.db"}
    assert long_functions(module) == [f"f ({LONGEST_FUNCTION + 2} lines)"]
