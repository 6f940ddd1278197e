"""Where code lives: package files hold no code (nor names re-exported from their modules), tests
share helpers through helpers.py and fixtures."""

import ast

from helpers import PROJECT


def test_package_files_hold_only_a_docstring():
    """Code goes in modules named by their job, where a reader looking for it finds it."""
    found = {}
    for path in sorted((PROJECT / "etl").rglob("__init__.py")):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        code = [node.lineno for node in body]
        if code:
            found[str(path.relative_to(PROJECT))] = code
    assert found == {}


def test_no_test_module_imports_another_or_conftest():
    """A test module imported by another runs its tests' module code twice and ties unrelated tests together."""
    found = []
    for path in sorted((PROJECT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found += [
                f"{path.name}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0].startswith("test_") or name.split(".")[0] == "conftest"
            ]
    assert found == []
