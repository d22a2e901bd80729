"""The shared test world: a small city of square areas (so tests can reason about points),
built through the real importer, and a cast with one user per role plus the awkward ones."""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path

import pytest

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import User
from gongzhi.accounts.roles import Role
from gongzhi.areas import importers
from gongzhi.areas.models import Area
from gongzhi.common.actors import ResidentActor, SystemActor
from gongzhi.orgs.models import Department, DepartmentKind, Organization, OrgKind

PASSWORD = "Test-pass-2026"


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code, name, level, parent, geometry=None, **extra) -> dict:
    props = {"code": code, "name": name, "level": level, "parent_code": parent, **extra}
    return {"type": "Feature", "properties": props, "geometry": geometry}


# 成都市 (0..4 × 0..2) ⊃ 武侯区 (0..2) ⊃ 街道 S1 (0..1) and S2 (1..2); 锦江区 (2..4).
# S1 ⊃ communities C1 (0..1 × 0..1) and C2 (0..1 × 1..2); each community has two grids.
WORLD = [
    feature("510100000000", "成都市", "city", "", box(0, 0, 4, 2)),
    feature("510107000000", "武侯区", "district", "510100000000", box(0, 0, 2, 2)),
    feature("510104000000", "锦江区", "district", "510100000000", box(2, 0, 4, 2)),
    feature("510107001000", "浆洗街街道", "subdistrict", "510107000000", box(0, 0, 1, 2)),
    feature("510107002000", "望江路街道", "subdistrict", "510107000000", box(1, 0, 2, 2)),
    feature("510104001000", "春熙路街道", "subdistrict", "510104000000", box(2, 0, 4, 2)),
    feature("510107001001", "洗面桥社区居委会", "community", "510107001000", box(0, 0, 1, 1), short_name="洗面桥社区"),
    feature("510107001002", "锦里社区居委会", "community", "510107001000", box(0, 1, 1, 2), short_name="锦里社区"),
    feature("510107002001", "共和路社区居委会", "community", "510107002000", box(1, 0, 2, 2)),
    feature("510104001001", "和平社区居委会", "community", "510104001000", box(2, 0, 4, 2)),
    feature("510107001001001", "洗面桥第1网格", "grid", "510107001001", box(0, 0, 0.5, 1)),
    feature("510107001001002", "洗面桥第2网格", "grid", "510107001001", box(0.5, 0, 1, 1)),
    feature("510107001002001", "锦里第1网格", "grid", "510107001002", box(0, 1, 0.5, 2)),
    feature("510107001002002", "锦里第2网格", "grid", "510107001002", box(0.5, 1, 1, 2)),
    feature("510107002001001", "共和路第1网格", "grid", "510107002001", box(1, 0, 2, 2)),
    feature("510104001001001", "和平第1网格", "grid", "510104001001", box(2, 0, 4, 2)),
]
G1, G2, G3, G4 = "510107001001001", "510107001001002", "510107001002001", "510107001002002"
C1, C2 = "510107001001", "510107001002"
S1, S2 = "510107001000", "510107002000"
WUHOU, JINJIANG, CITY = "510107000000", "510104000000", "510100000000"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; the cast has a dozen. Login behaviour is unchanged.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    # Uploads in a folder of the test's own; background tasks run when their transaction commits.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "imports"]}}


@pytest.fixture(autouse=True)
def _steady_rate_windows(monkeypatch):
    # django-ratelimit counts in windows that end on the clock (a minute, an hour): a test's few
    # requests that straddled a window's end were counted afresh and a 429 never came. Its clock
    # stands still within a test.
    import types

    from django_ratelimit import core

    now = time.time()
    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counts (and anything else cached) belong to one test, and so does the grid
    # index: a rolled-back database gives the next test's grids the same version number; and
    # so do the case numbers a process holds (a flushed database starts its counters again).
    from django.core.cache import cache

    from gongzhi.areas import lookup
    from gongzhi.cases import numbers
    from gongzhi.workcalendar import workdays

    cache.clear()
    lookup.forget()
    numbers.forget()
    workdays.forget()
    yield
    cache.clear()
    lookup.forget()


def world_collection() -> dict:
    """A fresh copy each time: a test that edits its features must not change the next test's world."""
    return {"type": "FeatureCollection", "features": copy.deepcopy(WORLD)}


def build_world() -> dict[str, Area]:
    """The areas of WORLD, imported (fixtures call this; a module-wide world may too)."""
    import json

    features, problems = importers.read_geojson(json.dumps(world_collection()))
    report = importers.import_areas(features, actor=SystemActor("测试世界"), read_problems=problems)
    assert report.ok, [str(p) for p in report.problems]
    return {a.code: a for a in Area.objects.unscoped().all()}


@pytest.fixture
def world(db) -> dict[str, Area]:
    return build_world()


class Cast(dict):
    """Users by role name, read fresh from the database (no cached scope) on each access."""

    def __getattr__(self, name: str) -> User:
        return User.objects.get(pk=self[name].pk)


def build_departments() -> dict[str, Department]:
    return {
        "s1_city_management": Department.objects.create(
            kind=DepartmentKind.CITY_MANAGEMENT, name="浆洗街城管执法中队", area_id=S1),
        "district_housing": Department.objects.create(
            kind=DepartmentKind.HOUSING, name="武侯区住建局", area_id=WUHOU),
    }


@pytest.fixture
def departments(world) -> dict[str, Department]:
    return build_departments()


def build_organizations() -> dict[str, Organization]:
    """A social organisation in each of C1 and C2: the org-staff member of the cast works for
    the first."""
    return {
        "c1_social_org": Organization.objects.create(kind=OrgKind.SOCIAL_ORG, name="洗面桥邻里互助社", area_id=C1),
        "c2_social_org": Organization.objects.create(kind=OrgKind.SOCIAL_ORG, name="锦里社工服务中心", area_id=C2),
    }


@pytest.fixture
def social_orgs(world) -> dict[str, Organization]:
    return build_organizations()


def build_cast(world: dict[str, Area], departments: dict[str, Department],
               organizations: dict[str, Organization]) -> Cast:
    """One user per role plus the awkward ones (two roles, a revoked role, no role)."""
    def user(name: str, *grants: tuple[str, object]) -> User:
        u = accounts.create_staff(actor=SYSTEM, username=name, password=PASSWORD, full_name=name, must_change=False)
        for role, where in grants:
            if isinstance(where, Department):
                accounts.assign_role(actor=SYSTEM, user=u, role=role, department=where)
            elif isinstance(where, Organization):
                accounts.assign_role(actor=SYSTEM, user=u, role=role, organization=where)
            else:
                accounts.assign_role(actor=SYSTEM, user=u, role=role, area=world[where])
        return u

    people = Cast(
        grid_worker=user("grid_worker", (Role.GRID_WORKER, G1)),
        other_grid_worker=user("other_grid_worker", (Role.GRID_WORKER, G3)),
        community_worker=user("community_worker", (Role.COMMUNITY_WORKER, C1)),
        dispatcher=user("dispatcher", (Role.DISPATCHER, S1)),
        city_dispatcher=user("city_dispatcher", (Role.DISPATCHER, CITY)),
        leader=user("leader", (Role.LEADER, WUHOU)),
        handler=user("handler", (Role.HANDLER, departments["s1_city_management"])),
        org_staff=user("org_staff", (Role.ORG_STAFF, organizations["c1_social_org"])),
        system_admin=user("system_admin", (Role.SYSTEM_ADMIN, CITY)),
        security_admin=user("security_admin", (Role.SECURITY_ADMIN, CITY)),
        audit_admin=user("audit_admin", (Role.AUDIT_ADMIN, CITY)),
        multi=user("multi", (Role.GRID_WORKER, G1), (Role.COMMUNITY_WORKER, C2)),
        revoked=user("revoked", (Role.GRID_WORKER, G1)),
        nobody=user("nobody"),
    )
    assignment = people["revoked"].assignments.unscoped().get()
    accounts.revoke_role(actor=SYSTEM, assignment=assignment)
    return people


@pytest.fixture
def cast(world, departments, social_orgs) -> Cast:
    return build_cast(world, departments, social_orgs)


def verify_second_factor(client, user):
    """What entering a correct code from an enrolled authenticator leaves in the session (the
    staff a test signs in have done that step; tests of the step itself sign in without it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in(client, user):
    """The test client signed in as `user`, second factor done."""
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.fixture
def login(client, cast):
    """`login("grid_worker")` signs the test client in as that member of the cast."""
    def as_(who: str):
        return sign_in(client, getattr(cast, who))

    return as_


# ---------------------------------------------------------------- browser tests
# Playwright driving Debian's chromium against the live test server. One browser for the whole
# run (a second sync_playwright() in the same thread is refused). Each page collects the
# console's errors (a Content-Security-Policy refusal shows there); `screenshot` keeps pictures
# of the main pages under the test run's output for review.

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
OUTPUT = Path(os.environ.get("GONGZHI_TEST_OUTPUT", Path(__file__).resolve().parents[1] / "var" / "test-output"))


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium for the browser tests")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium, live_server):
    """browse(width=…) opens a page on the live server; page.console_errors lists what went wrong."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900, **options):
        """`options` go to the browser context (e.g. geolocation=…, permissions=["geolocation"])."""
        context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                       locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in_page(page, username: str, device=None) -> None:
    """Signs in through the login page (and the second-factor page when `device` is given)."""
    from django_otp.oath import totp

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if device is not None:
        page.wait_for_url("**/accounts/otp/**")
        page.get_by_label("动态口令").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
        page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/w/**")


# What a page weighs: its HTML and everything it loads but pictures (photos, map tiles), as the
# bytes of the bodies (uncompressed: what a deployment serving them plainly sends).
WEIGHT_SCRIPT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const loaded = performance.getEntriesByType("resource").filter(r => r.initiatorType !== "img");
  return [nav, ...loaded].reduce((sum, r) => sum + (r.decodedBodySize || 0), 0);
}"""


def wait_until(page, expression: str, seconds: float = 10) -> None:
    """Polls a JavaScript expression until it is true. Not page.wait_for_function: that polls by
    evaluating a string inside the page, which the site's CSP (no 'unsafe-eval') refuses."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds} s: {expression}")
        page.wait_for_timeout(100)


def page_weight(page) -> int:
    page.wait_for_load_state("networkidle")
    return page.evaluate(WEIGHT_SCRIPT)


def screenshot(page, name: str) -> Path:
    folder = OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# ---------------------------------------------------------------- slow tests
# `./dev test --fast` runs `pytest -m "not slow"`. A test that drives the browser or starts the
# live server is slow wherever it is written; fuzzing and tests that start processes are marked
# in their files (gongzhi/tests/test_fast_selection.py checks both).
SLOW_FIXTURES = {"browse", "chromium", "live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# A resident on the public side, as the portal's verified resident acts (common/actors.py).
RESIDENT = ResidentActor("居民")
# The platform acting on its own, as a command or a sweep does.
SYSTEM = SystemActor("测试")
