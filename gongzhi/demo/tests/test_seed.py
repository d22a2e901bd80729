"""The demo city: real codes above the grid, grids that tile, staff for every place, stable."""

import datetime as dt
import hashlib
import json

import pytest
from django.http import HttpRequest
from django.utils import timezone

from gongzhi.accounts import scoping
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.areas import codes, coverage
from gongzhi.areas.models import Area
from gongzhi.audit import log
from gongzhi.demo import seed
from gongzhi.orgs.models import Organization, OrgKind

# When the demo's case history ends in these tests (a Monday morning), so that it is the same each day.
NOW = timezone.make_aware(dt.datetime(2026, 3, 16, 10, 30))


@pytest.fixture
def small(db):
    return seed.seed(scale="small", seed=1, now=NOW)


def test_small_has_two_subdistricts_eight_communities_and_about_sixty_grids(small):
    counts = {level: Area.objects.unscoped().filter(level=level).count()
              for level in ("city", "district", "subdistrict", "community", "grid")}
    assert counts["city"] == 1 and counts["district"] == 1
    assert counts["subdistrict"] == 2 and counts["community"] == 8
    assert 48 <= counts["grid"] <= 72
    assert Area.objects.unscoped().get(code="510107000000").name == "武侯区"


def test_every_code_is_valid_for_its_level_and_parent(small):
    areas = {a.code: a for a in Area.objects.unscoped().all()}
    for a in areas.values():
        assert codes.level_problem(a.code, a.level) is None
        if a.parent_id:
            parent = areas[a.parent_id]
            assert codes.parent_problem(a.code, a.level, parent.code, parent.level) is None


def test_grids_tile_each_community_without_gaps(small):
    rows = coverage.coverage(Area.objects.unscoped())
    assert len(rows) == 8
    assert all(not r.gaps and r.covered_share > 0.9999 for r in rows)


def test_every_place_has_its_people_and_organisations(small):
    grids = Area.objects.unscoped().filter(level="grid")
    held = set(RoleAssignment.objects.unscoped().filter(role=Role.GRID_WORKER).values_list("area_id", flat=True))
    assert set(grids.values_list("code", flat=True)) <= held
    for community in Area.objects.unscoped().filter(level="community"):
        kinds = set(Organization.objects.unscoped().filter(area_id=community.code).values_list("kind", flat=True))
        assert {OrgKind.PARTY_COMMITTEE, OrgKind.WORKSTATION, OrgKind.RESIDENTS_COMMITTEE} <= kinds


def test_every_grid_has_households_shops_and_phones(small):
    from gongzhi.registry.models import Entity, House, Person, PhoneLink

    grids = set(Area.objects.unscoped().filter(level="grid").values_list("code", flat=True))
    assert set(Person.objects.unscoped().values_list("area_id", flat=True)) == grids
    assert House.objects.unscoped().count() == small.register["houses"] > 1000
    assert Entity.objects.unscoped().count() == small.register["entities"] > 50
    assert PhoneLink.objects.unscoped().filter(entity__isnull=False).count() == small.register["entities"]
    heads = Person.objects.unscoped().filter(relation_to_head="head").count()
    assert PhoneLink.objects.unscoped().filter(person__isnull=False).count() == heads


def test_the_demo_grid_worker_finds_their_residents_and_no_one_else(small, client):
    gridworker = User.objects.get(username="gridworker")
    from gongzhi.registry.models import Person

    visible = scoping.scoped(Person, gridworker)
    held = {g.area_prefix for g in scoping.grants(gridworker)}
    assert visible.exists() and set(visible.values_list("area_id", flat=True)) <= held


def test_the_demo_community_worker_is_granted_a_sensitive_group_the_grid_worker_is_not(small):
    from gongzhi.registry.models import Person

    worker, gridworker = User.objects.get(username="communityworker"), User.objects.get(username="gridworker")
    corrected = Person.objects.unscoped().filter(tags__code="community_correction")
    held = [g.area_prefix for g in scoping.grants(gridworker)]
    in_patch = corrected.filter(area_id__in=[p.ljust(15, "0")[:15] for p in held])
    assert in_patch.exists()  # the demo has people in the group in the grid worker's grids
    assert set(in_patch.values_list("pk", flat=True)) <= set(scoping.scoped(Person, worker).values_list("pk", flat=True))
    assert not scoping.scoped(Person, gridworker).filter(pk__in=in_patch.values("pk")).exists()
    assert any("社区矫正对象" in note for note in small.notes)  # the group by its name, not its code
    orgstaff = User.objects.get(username="orgstaff")
    [org] = scoping.scoped(Organization, orgstaff)
    assert org.kind == OrgKind.SOCIAL_ORG and any(org.name in note for note in small.notes)


def test_one_demo_login_per_role_and_each_works(small, client):
    assert sorted(role for role, _, _ in small.logins) == sorted(Role.values)
    for role, username, password in small.logins:
        # Sign-in failures are counted per request (django-axes): a sign-in names its request.
        assert client.login(request=HttpRequest(), username=username, password=password), role
        user = User.objects.get(username=username)
        assert role in scoping.roles(user)


def test_the_same_seed_builds_the_same_city():
    def fingerprint(features):
        return hashlib.sha256(json.dumps([(f.code, f.name, f.geometry) for f in features]).encode()).hexdigest()

    a = seed.build_features(seed.SCALES["small"], 7)
    b = seed.build_features(seed.SCALES["small"], 7)
    c = seed.build_features(seed.SCALES["small"], 8)
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)


def test_running_it_again_reuses_what_exists(small):
    from gongzhi.cases.models import Case, CaseEvent

    def counts():
        return (Area.objects.unscoped().count(), Organization.objects.unscoped().count(), User.objects.count(),
                Case.objects.unscoped().count(), CaseEvent.objects.count())

    before = counts()
    again = seed.seed(scale="small", seed=1)
    assert before == counts()
    assert again.areas_created == again.organizations == again.users == again.cases["cases"] == 0
    assert again.logins == small.logins
    assert log.verify().ok


@pytest.mark.slow  # migrates and seeds a fresh database in processes of its own
def test_the_console_command_prints_role_username_password(tmp_path):
    """End to end as `./dev demo` runs it: a fresh SQLite database, migrate, seed-demo."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGZHI_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "gongzhi.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True)
    out = subprocess.run([*run, "seed-demo", "--scale", "small"], env=env, check=True,
                         capture_output=True, text=True).stdout
    logins = [line.split("  ") for line in out.splitlines() if line.count("  ") == 2]
    assert {row[0] for row in logins} == set(Role.values)
    verified = subprocess.run([*run, "audit", "verify"], env=env, check=True, capture_output=True, text=True)
    assert "intact" in verified.stdout


def test_the_demo_routes_cases_to_its_departments(small):
    from gongzhi.cases import routing
    from gongzhi.cases.models import Category

    grid = Area.objects.unscoped().filter(level="grid").order_by("code").first()
    unit = routing.suggest(Category.objects.get(code="street_vending"), grid.code)
    assert unit is not None and unit.kind == "city_management" and grid.code.startswith(unit.area_id[:6])


# --- the case history ---------------------------------------------------------------------------

def _fingerprint() -> str:
    """The seeded cases and their events, without what differs by design (ids, sealed tokens)."""
    from gongzhi.cases.models import Case, CaseEvent

    cases = list(Case.objects.unscoped().order_by("number").values_list(
        "number", "channel", "category__code", "area_id", "state", "level", "department_id", "reported_at",
        "due_at", "warn_at", "light", "closed_at", "satisfaction", "reporter_phone_masked", "duplicate_of__number"))
    events = list(CaseEvent.objects.order_by("case__number", "at", "id").values_list(
        "case__number", "at", "actor_name", "action", "from_state", "to_state", "note", "data"))
    return hashlib.sha256(json.dumps([cases, events], default=str, sort_keys=True).encode()).hexdigest()


def _forget_cases() -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # events are never deleted by the models; a test may
        for sql in ("DELETE FROM cases_caseevent", "DELETE FROM cases_casestat", "DELETE FROM cases_dailycounter",
                    "UPDATE cases_case SET duplicate_of_id = NULL", "UPDATE deliberation_topic SET case_id = NULL",
                    "DELETE FROM cases_case"):
            cursor.execute(sql)


def test_the_same_seed_and_time_make_the_same_cases(small):
    from gongzhi.demo.cases import seed_cases

    grids = list(Area.objects.unscoped().filter(level="grid"))
    _forget_cases()  # (the demo's deliberation referred one of the seeded cases since)
    seed_cases(seed=1, scale="small", grids=grids, now=NOW)
    first = _fingerprint()
    _forget_cases()
    assert seed_cases(seed=1, scale="small", grids=grids, now=NOW)["cases"] == 600
    assert _fingerprint() == first
    _forget_cases()
    seed_cases(seed=2, scale="small", grids=grids, now=NOW)
    assert _fingerprint() != first


def test_cases_cover_the_year_the_grids_the_categories_and_every_state(small):
    from collections import Counter

    from gongzhi.cases.models import Case, CaseState, Category
    from gongzhi.demo.cases import RESIDENT_CHANNELS

    cases = Case.objects.unscoped()
    assert small.cases["cases"] == cases.count() == 600
    assert set(cases.values_list("state", flat=True)) == set(CaseState.values)
    grids = set(Area.objects.unscoped().filter(level="grid").values_list("code", flat=True))
    assert set(cases.values_list("area_id", flat=True)) == grids
    assert cases.values("category").distinct().count() > Category.objects.filter(parent__isnull=False).count() / 2
    channels = Counter(cases.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] == "grid_patrol" and len(channels) == 6
    first, last = min(cases.values_list("reported_at", flat=True)), max(cases.values_list("reported_at", flat=True))
    assert NOW - last < dt.timedelta(days=1) and NOW - first > dt.timedelta(days=380) and last <= NOW
    old = cases.filter(reported_at__lt=NOW - dt.timedelta(days=60))
    settled = old.filter(state__in=["evaluated", "closed", "rejected", "self_resolved", "merged"])
    assert settled.count() > 0.97 * old.count()
    open_ = cases.filter(state__in=["reported", "accepted", "dispatched", "handled", "verified"])
    assert open_.exists() and open_.filter(reported_at__gte=NOW - dt.timedelta(days=30)).count() > open_.count() / 2
    assert {"yellow", "red"} & set(open_.values_list("light", flat=True))
    residents = cases.filter(channel__in=RESIDENT_CHANNELS)
    assert not residents.filter(reporter_phone_token="").exists()
    case = residents.first()
    assert str(case.reporter_phone) == case.reporter_phone_masked and case.reporter_phone.reveal()[-4:] == \
        case.reporter_phone_masked[-4:]
    assert not cases.filter(tracking_code_digest="").exists()


def test_each_history_is_a_path_through_the_workflow(small):
    from collections import defaultdict

    from gongzhi.cases import deadlines
    from gongzhi.cases.models import Case, CaseEvent
    from gongzhi.cases.workflow import OPEN, TRANSITIONS

    events = defaultdict(list)
    for event in CaseEvent.objects.order_by("at", "id"):
        events[event.case_id].append(event)
    cases = {c.pk: c for c in Case.objects.unscoped().select_related("category")}
    assert set(events) == set(cases)
    for pk, history in events.items():
        case, report = cases[pk], history[0]
        assert (report.action, report.to_state, report.at) == ("report", "reported", case.reported_at)
        state, unit, level = "reported", None, case.category.default_level
        for event in history[1:]:
            assert event.from_state == state, (case.number, event.action)
            if event.action in ("warning", "overdue"):
                assert state in OPEN and event.to_state == state and event.actor_name == "system"
                continue
            transition = TRANSITIONS[event.action]
            assert state in transition.sources, (case.number, event.action, state)
            assert event.to_state == (transition.target or state)
            assert bool(event.note) or not transition.needs_note
            if event.action == "dispatch":
                unit = event.data["department"]
            if event.action in ("escalate", "return"):
                unit = None
            if event.action == "escalate":
                assert event.data["level"][0] == level
                level = event.data["level"][1]
            state = event.to_state
        assert (state, unit, level) == (case.state, case.department_id, case.level), case.number
        if case.state in OPEN and case.due_at is not None:
            assert case.light == deadlines.light(NOW, case.warn_at, case.due_at)
            if not any(e.action == "approve_extension" for e in history):
                step = {"reported": "accept", "accepted": "dispatch", "dispatched": "handle"}[case.state]
                policy = getattr(case.category, f"{step}_within"), getattr(case.category, f"{step}_unit")
                assert case.due_at == deadlines.deadline(case.step_started_at, *policy)


def test_case_numbers_count_each_day_and_live_intake_continues(small, monkeypatch):
    from collections import Counter

    from gongzhi.cases import categories, intake, reporters
    from gongzhi.cases.models import Case, Category, DailyCounter

    numbers = list(Case.objects.unscoped().values_list("number", "reported_at"))
    per_day = Counter()
    for number, reported_at in numbers:
        assert number[2:10] == f"{timezone.localtime(reported_at):%Y%m%d}"
        per_day[number[2:10]] += 1
    counters = {f"{d:%Y%m%d}": n for d, n in DailyCounter.objects.values_list("day", "last")}
    assert counters == per_day
    day = f"{NOW:%Y%m%d}"
    assert sorted(int(n[10:]) for n, _ in numbers if n[2:10] == day) == list(range(1, per_day[day] + 1))
    categories.load_defaults()
    grid = Area.objects.unscoped().filter(level="grid").order_by("code").first()
    from shapely.geometry import shape

    point = shape(grid.geometry).representative_point()
    monkeypatch.setattr(timezone, "now", lambda: NOW + dt.timedelta(minutes=5))
    receipt = intake.report(source=reporters.staff(User.objects.get(username="gridworker"), "grid_patrol"),
                            category=Category.objects.get(code="garbage_pileup"), description="垃圾",
                            lon=point.x, lat=point.y)
    assert receipt.case.number == f"GZ{day}{per_day[day] + 1:06d}"


def test_the_rollups_are_what_the_events_count(small):
    from gongzhi.cases import rollups, workflow
    from gongzhi.cases.models import Case, CaseEvent, CaseStat
    from gongzhi.cases.rates import COUNTERS

    def stats():
        rows = CaseStat.objects.unscoped().values_list("day", "area_id", "category_id", "channel", "department_id",
                                                       *COUNTERS)
        return sorted(rows, key=lambda row: (*row[:4], row[4] or 0))

    totals = {name: sum(row[5 + i] for row in stats()) for i, name in enumerate(COUNTERS)}
    assert totals["reported"] == Case.objects.unscoped().count()
    assert totals["closed"] == CaseEvent.objects.filter(action__in=["close", "merge", "self_resolve"]).count()
    assert totals["rated"] == CaseEvent.objects.filter(action="evaluate").count()
    assert 0 < totals["handled_on_time"] < totals["handled"]
    # A live step on a seeded case adds to the same rows that a rebuild then finds.
    dispatcher = User.objects.get(username="dispatcher")
    waiting = Case.objects.unscoped().filter(state="reported", area__code__startswith="510107001").first()
    workflow.act(actor=dispatcher, case=waiting, action="accept")
    live = stats()
    rollups.rebuild()
    assert stats() == live


def test_the_demo_logins_find_work_in_their_inboxes(small):
    from gongzhi.cases import inbox

    for username, states in [("dispatcher", {"reported", "accepted", "verified", "closed"}),
                             ("communityworker", {"reported", "dispatched", "handled", "verified", "closed"}),
                             ("gridworker", {"reported", "handled"}), ("handler", {"dispatched"})]:
        waiting = set(inbox.inbox(User.objects.get(username=username)).values_list("state", flat=True))
        assert waiting == states, username


def test_the_first_community_deliberates_and_discloses(small):
    from gongzhi.cases.models import Case
    from gongzhi.deliberation import followthrough, funds
    from gongzhi.deliberation.models import Disclosure, Topic

    assert small.deliberation == {"councils": 2, "topics": 2, "tasks": 2, "disclosures": 2}
    topic = Topic.objects.unscoped().get(state="resolved")
    # A case waits on the council as a new topic, its clock stopped.
    referred = Case.objects.unscoped().get(state="referred")
    assert referred.topic.state == "proposed" and referred.due_at is None and referred.area_id.startswith(
        topic.area_id[:12])
    progress = followthrough.progress(topic)
    assert (progress.open, progress.done, progress.resolution_disclosed) == (1, 1, True)
    fund = Disclosure.objects.unscoped().get(kind="fund", area=topic.area)
    assert fund.items.count() == 3 and funds.totals(fund).spent > 0 and fund.beneficiaries > 0
    assert seed.seed(scale="small", seed=1, now=NOW).deliberation == {}  # a second run adds nothing
