"""The dependency rules import-linter cannot see (docs/architecture.md, "Apps and their
direction"): templates, URL names, model relations and migrations follow the same layers as
imports, read from the `layers` contract in pyproject.toml.

- No app but the workbench extends or includes the workbench's templates or names its URLs:
  domain pages extend the project's staff layout (`templates/staff/base.html`) and name their
  own app's URLs.
- An app's templates and Python name URLs (`namespace:name`, each app's namespace being its
  label) and templates (`label/…`) of its own app or of apps below it, and reads no reverse
  relation that an app above it declares on its models (the register reads no `person.cases`).
  One stated departure: deliberation's staff pages link to the public page of a disclosure and
  to a topic's photos, which the portal serves.
- Model relations point down the layers, and so do migrations' dependencies, but one
  (`workcalendar.0001` took `CalendarDay` over from `cases` by state, so it follows
  `cases.0001`). Hence no model cycle: accounts' role assignments name orgs' departments,
  orgs names nothing of accounts.

Outside the rules: tests (they share one world, as for import-linter), migrations (history),
the project-level files (`gongzhi/urls.py`, `gongzhi/api.py`, `gongzhi/templates/`, which
mount and frame every app) and `accounts/access.py`, the URL table of the whole site, which
names every URL by design."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the gongzhi package
OUTSIDE = {ROOT / "accounts" / "access.py"}

# (the app naming, the app named) → why: the only upward references between apps.
DEPARTURES = {
    ("deliberation", "portal"): "the staff pages link to a disclosure's public page and a topic's photos",
}
# Migrations that depend on an app above theirs, and why.
MIGRATION_DEPARTURES = {
    ("workcalendar", "0001_initial", "cases"): "CalendarDay moved from cases by state only",
}


def _layers() -> dict[str, int]:
    """App label → its layer's depth in the import-linter `layers` contract (0 is the top)."""
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return {module.strip().removeprefix("gongzhi."): depth
            for depth, layer in enumerate(contract["layers"]) for module in layer.split("|")}


LAYERS = _layers()


def _sources(app: str) -> Iterator[tuple[Path, str]]:
    """An app's templates and Python modules, without its tests and migrations."""
    for path in sorted((ROOT / app).rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.suffix in {".py", ".html"} and "tests" not in parts and "migrations" not in parts \
                and path not in OUTSIDE:
            yield path, path.read_text()


def _listed(found: list[str]) -> str:
    return "\n" + "\n".join(found)


def _offences(app: str, pattern: re.Pattern[str], judge) -> list[str]:
    """`path:line: text` for each match of `pattern` in the app's sources that `judge` refuses."""
    found = []
    for path, text in _sources(app):
        for match in pattern.finditer(text):
            if not judge(match):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT.parent)}:{line}: {match.group(0)}")
    return found


def test_the_layers_name_every_app():
    from django.apps import apps

    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("gongzhi.")}
    assert ours <= set(LAYERS), f"apps outside the layers contract: {sorted(ours - set(LAYERS))}"


WORKBENCH = re.compile(r"""(extends|include)\s+["']workbench/|["']workbench:""")


@pytest.mark.parametrize("app", sorted(set(LAYERS) - {"workbench"}))
def test_no_app_but_the_workbench_extends_its_templates_or_names_its_urls(app):
    found = _offences(app, WORKBENCH, lambda match: False)
    assert not found, _listed(found)


def _below_or_own(app: str, named: str) -> bool:
    return named not in LAYERS or named == app or LAYERS[named] > LAYERS[app] or (app, named) in DEPARTURES


URL_NAME = re.compile(r"""["'](?P<named>[a-z_]+):[\w-]+["']""")
TEMPLATE = re.compile(r"""(\{%\s*(extends|include)\s+|render\(request,\s*|render_to_string\(|TemplateResponse\(request,\s*"""
                      r"""|_template\s*=\s*)["'](?P<named>[a-z_]+)/""")


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_names_urls_and_templates_of_its_own_or_lower_apps(app):
    judge = lambda match: _below_or_own(app, match.group("named"))  # noqa: E731
    found = _offences(app, URL_NAME, judge) + _offences(app, TEMPLATE, judge)
    assert not found, _listed(found)


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_reads_no_reverse_relation_an_app_above_it_declares(app):
    from django.apps import apps

    if not apps.is_installed(f"gongzhi.{app}"):
        return
    accessors = {rel.get_accessor_name(): rel.related_model._meta.app_label
                 for model in apps.get_app_config(app).get_models() for rel in model._meta.related_objects
                 if not _below_or_own(app, rel.related_model._meta.app_label) and not rel.hidden}
    if not accessors:
        return
    names = "|".join(map(re.escape, accessors))
    pattern = re.compile(rf"(?<!gongzhi)\.(?P<named>{names})\b")  # not a module's path (gongzhi.cases)
    found = _offences(app, pattern, lambda match: False)
    assert not found, f"relations declared above {app}: {accessors}" + _listed(found)


def test_model_relations_point_down_the_layers():
    from django.apps import apps

    upward = []
    for model in apps.get_models():
        app = model._meta.app_label
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            named = field.related_model._meta.app_label
            if app in LAYERS and not _below_or_own(app, named):
                upward.append(f"{model._meta.label}.{field.name} → {field.related_model._meta.label}")
    assert not upward, _listed(upward)


def test_migrations_depend_down_the_layers():
    from django.db.migrations.loader import MigrationLoader

    upward = [f"{app}.{name} → {dependency[0]}.{dependency[1]}"
              for (app, name), migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items()
              if app in LAYERS for dependency in migration.dependencies
              if not _below_or_own(app, dependency[0]) and (app, name, dependency[0]) not in MIGRATION_DEPARTURES]
    assert not upward, _listed(upward)


def test_the_departures_are_still_needed():
    """A departure that nothing uses any more is removed from the lists (and from the docs)."""
    from django.db.migrations.loader import MigrationLoader

    for app, named in DEPARTURES:
        pattern = re.compile(rf"""["']{named}:[\w-]+["']|["']{named}/""")
        assert _offences(app, pattern, lambda match: False), f"{app} → {named} is no longer used"
    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    for app, name, named in MIGRATION_DEPARTURES:
        assert any(dependency[0] == named for dependency in migrations[app, name].dependencies), (app, name)
