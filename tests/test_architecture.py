"""The app graph stays a tree: accounts ← workorders ← hotline / knowledge ← analytics, hotline ← open311 (the
Open311 endpoint, which nothing uses) and hotline / knowledge ← calls (live calls, which nothing uses); the pure ``triage``
package is used by anyone and imports no Django; ``core`` (site-wide pieces and the demo) and ``config`` may
use everything, and nothing uses them. Read from the source, function-level imports included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "workorders", "hotline", "knowledge", "analytics", "open311", "calls", "triage", "core", "config")
MAY_IMPORT: dict[str, set[str]] = {
    "triage": set(),
    "accounts": set(),
    "workorders": {"accounts", "triage"},
    "hotline": {"accounts", "workorders", "triage"},
    "knowledge": {"accounts", "workorders", "triage"},
    "analytics": {"accounts", "workorders", "hotline", "knowledge", "triage"},
    "open311": {"accounts", "workorders", "hotline", "triage"},
    "calls": {"accounts", "workorders", "hotline", "knowledge", "triage"},
    "core": set(APPS) - {"core"},
    "config": set(APPS) - {"config"},
}
WEB_FRAMEWORKS = ("django", "rest_framework", "celery", "django_filters", "drf_spectacular")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app: str) -> None:
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(app)
        for module in imported_modules(path)
        if module.split(".")[0] in APPS and module.split(".")[0] != app and module.split(".")[0] not in MAY_IMPORT[app]
    )
    assert wrong == []


def test_the_triage_package_is_pure() -> None:
    framework = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources("triage")
        for module in imported_modules(path)
        if module.split(".")[0] in WEB_FRAMEWORKS
    )
    assert framework == []


def test_the_checks_above_would_see_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("def late():\n    from analytics.dashboards import views\n", encoding="utf-8")
    assert "analytics.dashboards" in imported_modules(module)
