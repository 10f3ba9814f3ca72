"""The public site reads published figures only, through ``indicators.published``."""

import ast
from pathlib import Path

import yumeplan.public

PUBLIC = Path(yumeplan.public.__file__).parent
WORKING_NAMES = {"indicators.working", "indicators.statuses.StatusReader"}


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def public_modules() -> list[Path]:
    return sorted(PUBLIC.rglob("*.py"))


def test_the_public_site_has_modules_to_check():
    names = {path.name for path in public_modules()}
    assert {"views.py", "api.py", "opendata.py", "search.py"} <= names


def test_no_public_module_imports_the_working_read_path():
    for path in public_modules():
        assert not imported_names(path) & WORKING_NAMES, path


def test_no_public_module_or_template_reads_a_working_figure():
    """Nor reaches past the read path to working values or their judgements."""
    sources = [*public_modules(), *PUBLIC.rglob("*.html")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for name in ("working_", "actual_for(", ".value_for(", "Judgement.objects"):
            assert name not in text, f"{path}: {name}"


def test_the_check_sees_an_import_of_the_working_path(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("from indicators import working\nimport indicators.working\n")
    assert imported_names(module) >= {"indicators.working"}
