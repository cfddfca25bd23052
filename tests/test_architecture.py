"""The dependency direction of docs/architecture.md, checked on every module's imports (not on the migrations,
which name the apps their tables came from)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PROJECT_APPS = {
    "allianz_portal", "regions", "partners", "offers", "search", "finder", "merkliste", "submissions",
    "syndication", "alliance", "practice", "api", "enquiries", "alerts", "needs", "demand",
}  # fmt: skip
OFFER_APPS = {"offers", "search", "finder", "merkliste", "submissions", "syndication", "enquiries", "alerts", "needs"}
# allianz_portal's top floor: the project's URLs, settings, home page, SEO, loaders and commands may use every app.
TOP_FLOOR = {"urls.py", "views.py", "seo.py", "loading.py", "context_processors.py", "settings.py", "management"}

# app -> the apps it must never import
RULES = {
    "regions": OFFER_APPS | {"demand", "practice", "alliance", "api"},
    "partners": OFFER_APPS | {"demand", "practice", "alliance", "api"},
    "offers": {"search", "finder", "merkliste", "submissions", "syndication", "enquiries", "alerts", "needs", "api"},
    "search": {"finder", "merkliste", "submissions", "syndication", "enquiries", "alerts", "needs", "api", "demand"},
    "finder": {"merkliste", "submissions", "syndication", "enquiries", "alerts", "needs", "api", "demand"},
    "merkliste": {"finder", "submissions", "syndication"},
    "submissions": {"finder", "merkliste", "syndication"},
    "syndication": {"merkliste", "submissions", "api"},
}


def imported_apps(path):
    """The project apps a module imports (at any depth of the module: function-level imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & PROJECT_APPS


def modules(app):
    return [path for path in (BASE / app).rglob("*.py") if "migrations" not in path.parts]


@pytest.mark.parametrize("app", sorted(RULES))
def test_app_imports_only_downwards(app):
    wrong = {
        str(path.relative_to(BASE)): sorted(imported_apps(path) & RULES[app])
        for path in modules(app)
        if imported_apps(path) & RULES[app]
    }
    assert wrong == {}


def test_site_wide_mechanisms_import_no_app():
    """Content state, page cache, middleware, forms, mail, history …: the ground floor every app stands on."""
    wrong = {}
    for path in modules("allianz_portal"):
        relative = path.relative_to(BASE / "allianz_portal")
        if relative.parts[0] in TOP_FLOOR:
            continue
        apps = imported_apps(path) - {"allianz_portal"}
        if apps:
            wrong[str(relative)] = sorted(apps)
    assert wrong == {}


def test_every_project_app_is_installed_and_known_here():
    own = {path.parent.name for path in BASE.glob("*/apps.py")}
    assert own == PROJECT_APPS
    assert PROJECT_APPS <= set(settings.INSTALLED_APPS)
