"""The demo city's case history: about 13 months of cases up to now in every grid, over the
leaf categories and the channels (grid workers' patrols most), each with its events through
the loop (`case_life`), written day by day through the bulk path (COPY on PostgreSQL) and
counted into the rollups by `cases.rollups.rebuild`. The same seed and the same `now` give
the same cases; a place that already has cases gets none (running it again adds nothing).

A handful of fresh cases wait in the named demo logins' inboxes, so that each sees work."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from itertools import accumulate
from operator import or_

import numpy as np
import shapely
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from gongzhi.accounts import scoping
from gongzhi.accounts.models import User
from gongzhi.areas import codes
from gongzhi.areas.models import Area
from gongzhi.cases import rollups, routing
from gongzhi.cases.models import Case, CaseEvent, CaseStat, CaseState, Category, DailyCounter
from gongzhi.common import bulk, crypto
from gongzhi.orgs.models import Department, DepartmentKind
from gongzhi.workcalendar import workdays

from . import case_life, names
from .case_life import Leaf, Life, Place, Plan

VOLUME = {"small": 600, "district": 20_000, "city": 3_000_000}
DAYS = 395  # about 13 months back from today
CHANNELS = {"grid_patrol": 45, "hotline": 22, "self_report": 12, "inspection": 9, "walk_in": 7, "open311": 5}
RESIDENT_CHANNELS = {"hotline", "self_report", "walk_in", "open311"}
TOP_WEIGHTS = {"sanitation": 25, "city_management": 20, "property_management": 10, "disputes": 10,
               "livelihood": 10, "public_utilities": 8, "safety": 7, "public_security": 4,
               "market_regulation": 4, "greening": 2}
HOURS = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3, 6, 9, 10, 9, 6, 6, 8, 9, 9, 8, 6, 5, 4, 3, 2, 1.5)
DETAILS = ("，影响居民出行", "，请尽快处理", "，已持续多日", "，居民多次反映", "，存在安全隐患", "")

CASE_FIELDS = ("id", "number", "channel", "category_id", "description", "area_id", "lon", "lat", "address_text",
               "reporter_name", "reporter_phone_token", "reporter_phone_digest", "reporter_phone_masked",
               "tracking_code_digest", "state", "level", "department_id", "step_started_at", "due_at", "warn_at",
               "light", "extension_until", "reported_at", "closed_at", "satisfaction", "reported_by_id",
               "duplicate_of_id")


@dataclass(frozen=True)
class Draft:
    """A case before its life is played out."""

    reported_at: dt.datetime
    place: Place
    leaf: Leaf
    channel: str
    plan: Plan
    twin_of: int | None = None  # index of the case this one repeats (it is merged into it)


class World:
    """What the cases are drawn from: places, categories, units, staff."""

    def __init__(self, seed: int, grids: list[Area], now: dt.datetime) -> None:
        self.seed, self.now = seed, now
        users = dict(User.objects.values_list("username", "id"))
        self.users = users

        def who(username: str) -> tuple[int, str] | None:
            return (users[username], username) if username in users else None

        self.places = []
        self.points: dict[str, list[tuple[float, float]]] = {}
        for grid in sorted(grids, key=lambda g: g.code):
            code = grid.code
            community, sub, district = code[:12], code[:9] + "000", code[:6] + "000000"
            self.places.append(Place(code, community, sub, district, who(f"g{code}"), who(f"c{community}"),
                                     who(f"d{sub}"), who(f"d{district}"), who(f"l{district}")))
            self.points[code] = _points(grid.geometry, random.Random(f"{seed}:points:{code}"))  # nosec B311  # a deterministic synthetic city, not security
        self.names = {a.code: a.display_name for a in Area.objects.unscoped().filter(
            code__in={p.community for p in self.places})}
        leaves = (Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
                  .order_by("parent__code", "code"))
        self.leaves = [Leaf(c.pk, c.code, c.name, c.parent.code, c.default_level, c.accept_within, c.accept_unit,
                            c.dispatch_within, c.dispatch_unit, c.handle_within, c.handle_unit, c.warn_at)
                       for c in leaves]
        rank: dict[str, int] = {}
        weights = []
        for leaf in self.leaves:
            rank[leaf.top] = rank.get(leaf.top, 0) + 1
            weights.append(TOP_WEIGHTS.get(leaf.top, 3) / (rank[leaf.top] + 1))
        self.leaf_weights = list(accumulate(weights))  # cumulative: drawn millions of times
        self.by_code = {leaf.code: leaf for leaf in self.leaves}
        # The unit the routing rules suggest for each leaf in each subdistrict (and district, for
        # the district's own categories), all read now: playing out the cases asks no database.
        subdistricts, districts = {p.subdistrict for p in self.places}, {p.district for p in self.places}
        routed = routing.suggest_many(list(leaves), sorted(subdistricts | districts))
        self.routed_units = {key: unit.pk if unit is not None else None for key, unit in routed.items()}
        departments: dict[str, list[int]] = {}
        for dep in (Department.objects.unscoped().filter(area_id__in=subdistricts | districts, is_active=True)
                    .exclude(kind=DepartmentKind.COMMAND_CENTER).order_by("id")):
            departments.setdefault(dep.area_id, []).append(dep.pk)
        # The units near each subdistrict: its own, then its district's.
        self.nearby = {sub: departments.get(sub, []) + departments.get(sub[:6] + "000000", []) for sub in subdistricts}

    def handler(self, department_id: int) -> tuple[int, str] | None:
        username = f"h{department_id}"
        return (self.users[username], username) if username in self.users else None

    def routed(self, leaf: Leaf, place: Place) -> int | None:
        """The unit the routing rules suggest (per subdistrict, or the district for its level)."""
        return self.routed_units[(leaf.id, place.district if leaf.level == "district" else place.subdistrict)]

    def units(self, leaf: Leaf, place: Place, rng: random.Random) -> list[tuple[int, tuple[int, str] | None]]:
        """The routed unit first, then another of the place's units (where a return sends it)."""
        nearby = self.nearby[place.subdistrict]
        if not nearby:
            return []
        first = self.routed(leaf, place) or nearby[0]
        chosen = [first]
        if len(nearby) > 1:
            other = rng.choice(nearby)
            if other == first:  # another unit than the routed one
                other = nearby[1] if first == nearby[0] else nearby[0]
            chosen.append(other)
        return [(pk, self.handler(pk)) for pk in chosen]


def _points(geometry: dict, rng: random.Random, count: int = 6) -> list[tuple[float, float]]:
    """A few points inside a grid (cases are reported at these)."""
    polygon = shape(geometry)
    min_x, min_y, max_x, max_y = polygon.bounds
    xs = np.array([rng.uniform(min_x, max_x) for _ in range(64)])
    ys = np.array([rng.uniform(min_y, max_y) for _ in range(64)])
    inside = shapely.contains_xy(polygon, xs, ys)
    found = [(round(float(x), 7), round(float(y), 7)) for x, y in zip(xs[inside], ys[inside], strict=True)][:count]
    if not found:
        point = polygon.representative_point()
        found = [(round(point.x, 7), round(point.y, 7))]
    return found


def _per_day(total: int, days: list[dt.date], now: dt.datetime, seed: int) -> list[int]:
    """How many cases each day gets: more on weekdays and in office hours, slowly growing."""
    weights = []
    for i, day in enumerate(days):
        w = (1.0 if day.weekday() < 5 else 0.75) * (0.85 + 0.3 * i / max(len(days) - 1, 1))
        if day == now.date():
            w *= sum(HOURS[: now.hour]) / sum(HOURS)
        weights.append(w)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    rng = random.Random(f"{seed}:cases:days")  # nosec B311  # a deterministic synthetic city, not security
    for _ in range(total - sum(counts)):
        counts[rng.choices(range(len(days)), weights=weights)[0]] += 1
    return counts


HOURS_CUMULATIVE = list(accumulate(HOURS))


def _moment(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    hours = range(24) if day < now.date() else range(max(now.hour, 1))
    hour = rng.choices(hours, cum_weights=HOURS_CUMULATIVE[: len(hours)])[0]
    minute = rng.randrange(60)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _plan(world: World, rng: random.Random, leaf: Leaf, place: Place, channel: str) -> Plan:
    units = world.units(leaf, place, rng)
    if not units:
        return Plan("reject", [])
    if channel == "grid_patrol" and rng.random() < 0.35:
        return Plan("self_resolve", units)
    if rng.random() < (0.06 if channel in RESIDENT_CHANNELS else 0.02):
        return Plan("reject", units)
    u = rng.random()
    satisfaction = "satisfied" if u < 0.78 else "basically_satisfied" if u < 0.93 else "unsatisfied"
    return Plan("loop", units, returned=rng.random() < 0.04,
                escalated_at_report=leaf.level in ("grid", "community") and rng.random() < 0.03,
                escalated_by_handler=rng.random() < 0.02, extension=rng.random() < 0.04,
                rated=rng.random() < 0.97, by_reporter=channel in RESIDENT_CHANNELS and rng.random() < 0.6,
                satisfaction=satisfaction, reopened=rng.random() < 0.04)


def _drafts(world: World, day: dt.date, count: int) -> list[Draft]:
    rng = random.Random(f"{world.seed}:cases:{day.isoformat()}")  # nosec B311  # a deterministic synthetic city, not security
    drafts: list[Draft] = []
    channels, channel_weights = list(CHANNELS), list(accumulate(CHANNELS.values()))
    while len(drafts) < count:
        place = rng.choice(world.places)
        leaf = rng.choices(world.leaves, cum_weights=world.leaf_weights)[0]
        channel = rng.choices(channels, cum_weights=channel_weights)[0]
        at = _moment(rng, day, world.now)
        drafts.append(Draft(at, place, leaf, channel, _plan(world, rng, leaf, place, channel)))
        # The same matter reported again soon after, by a resident: merged into the first.
        later = at + dt.timedelta(minutes=rng.randint(10, 180))
        if rng.random() < 0.015 and later.date() == day and later <= world.now and len(drafts) < count:
            drafts.append(Draft(later, place, leaf, rng.choice(("hotline", "self_report")),
                                Plan("merge", []), twin_of=len(drafts) - 1))
    return drafts


def _showcase(world: World) -> list[Draft]:
    """Fresh cases in the named demo logins' inboxes: reported an hour or a few ago, stopped in
    the state each login acts on (accept, dispatch, handle, verify, close, evaluate)."""
    logins = {u.username: u for u in User.objects.filter(username__in=["gridworker", "handler"])}
    if len(logins) < 2:
        return []
    grids = sorted(g.area_prefix for g in scoping.grants(logins["gridworker"]) if g.area_prefix)
    unit = next((g.department_id for g in scoping.grants(logins["handler"]) if g.department_id), None)
    places = [p for p in world.places if p.grid in grids]
    if not places or unit is None:
        return []
    rng = random.Random(f"{world.seed}:cases:showcase")  # nosec B311  # a deterministic synthetic city, not security
    plans = [("garbage_pileup", "grid_patrol", CaseState.REPORTED, False),
             ("noise", "hotline", CaseState.REPORTED, False),
             ("dirty_street", "self_report", CaseState.ACCEPTED, False),
             ("street_vending", "grid_patrol", CaseState.DISPATCHED, True),
             ("illegal_parking", "hotline", CaseState.DISPATCHED, True),
             ("garbage_overflow", "grid_patrol", CaseState.HANDLED, True),
             ("ebike_charging", "grid_patrol", CaseState.VERIFIED, True),
             ("fire_lane_blocked", "walk_in", CaseState.CLOSED, True)]
    drafts = []
    for i, (code, channel, state, to_unit) in enumerate(plans):
        leaf = world.by_code.get(code)
        if leaf is None:
            continue
        place = places[i % len(places)]
        units = [(unit, world.handler(unit))] if to_unit else world.units(leaf, place, rng)
        if not units:
            continue
        at = world.now - dt.timedelta(minutes=rng.randint(60, 300))
        drafts.append(Draft(at, place, leaf, channel, Plan("loop", units, rated=False, stop_at=state, fast=True)))
    return drafts


def _row(world: World, rng: random.Random, pk: int, number: str, draft: Draft, life: Life) -> tuple:
    lon, lat = rng.choice(world.points[draft.place.grid])
    community = world.names.get(draft.place.community, "")
    description = f"{community}{draft.leaf.name}{rng.choice(DETAILS)}"
    address_text = reporter_name = ""
    token = digest = masked = ""  # nosec B105  # empty sealed columns, no password
    if draft.channel in RESIDENT_CHANNELS:
        address_text = f"{community.removesuffix('社区').removesuffix('村')}{rng.randint(1, 80)}号附近"
        reporter_name = names.person_name(rng)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        token, digest, masked = Case.reporter_phone.columns(phone)
    tracking = crypto.digest(f"{rng.randrange(10**6):06d}", kind="tracking_code")
    reporter = life.events[0][1]
    return (pk, number, draft.channel, draft.leaf.id, description, draft.place.grid, lon, lat, address_text,
            reporter_name, token, digest, masked, tracking, life.state, life.level, life.department_id,
            life.step_started_at, life.due_at, life.warn_at, life.light, life.extension_until, draft.reported_at,
            life.closed_at, life.satisfaction, reporter, life.duplicate_of_id)


def _reporter(draft: Draft) -> tuple[int, str] | None:
    place = draft.place
    return {"grid_patrol": place.grid_worker, "inspection": place.community_worker,
            "walk_in": place.community_worker, "hotline": place.district_dispatcher}.get(draft.channel)


def _play(world: World, day: dt.date, drafts: list[Draft], first_number: int) -> tuple[list[tuple], list[tuple]]:
    """One day's cases and their events as rows, in the order reported. Asks no database: the
    ids are counted from 0 within the day (`_write` gives the real ones)."""
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].reported_at, i))
    position = {old: new for new, old in enumerate(order)}
    rng = random.Random(f"{world.seed}:cases:rows:{day.isoformat()}")  # nosec B311  # a deterministic synthetic city, not security
    lives: list[Life] = []
    rows, events = [], []
    for new, old in enumerate(order):
        draft = drafts[old]
        plan = draft.plan
        if draft.twin_of is not None:
            twin = position[draft.twin_of]
            plan = Plan("merge", [], merge_into=(twin, _number(day, first_number + twin), lives[twin].events))
        life = Life(world.now, draft.leaf, draft.place, rng)
        case_life.live(life, plan, draft.reported_at, draft.channel, _reporter(draft))
        lives.append(life)
        rows.append(_row(world, rng, new, _number(day, first_number + new), draft, life))
        events += case_life.event_rows(new, life)
    return rows, events


def _write(cases: list[tuple], events: list[tuple]) -> None:
    """A day's rows with real ids, through the bulk path."""
    ids = bulk.next_ids(Case, len(cases))
    bulk.insert(Case, CASE_FIELDS, [(ids[r[0]], *r[1:-1], None if r[-1] is None else ids[r[-1]]) for r in cases],
                returning_ids=False)
    bulk.insert(CaseEvent, case_life.EVENT_FIELDS, [(ids[e[0]], *e[1:]) for e in events], returning_ids=False)


Job = tuple[dt.date, int, list[Draft], int]  # day, cases to draw, cases added, first number
_forked_world: World | None = None  # a forked worker's copy of the parent's world
_inherited: list = []


def _play_job(job: Job) -> tuple[dt.date, list[tuple], list[tuple]]:
    day, count, added, first_number = job
    world = _forked_world
    return day, *_play(world, day, _drafts(world, day, count) + added, first_number)


def _forked() -> None:
    """In a forked worker: the parent's database connection is in the middle of its
    transaction. Kept alive and set aside, so that this process neither uses nor closes it."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _inherited.append(conn.connection)
        conn.connection = None


def _played(world: World, jobs: list[Job], workers: int):
    """Each day's rows, in order; with workers > 1 played out by forked processes while this
    one writes (generating is most of a large seed's time, and it needs no database)."""
    if workers <= 1:
        for day, count, added, first_number in jobs:
            yield day, *_play(world, day, _drafts(world, day, count) + added, first_number)
        return
    global _forked_world
    _forked_world = world
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_forked) as pool:
            yield from pool.imap(_play_job, jobs)
    finally:
        _forked_world = None


def _number(day: dt.date, counter: int) -> str:
    return f"GZ{day:%Y%m%d}{counter:06d}"


def _seeded(grids: list[Area]) -> bool:
    districts = sorted({codes.prefix(g.code, "district") for g in grids})
    return Case.objects.unscoped().filter(reduce(or_, [Q(area__code__startswith=d) for d in districts])).exists()


PARALLEL_FROM = 100_000  # cases; fewer are played out in this process


def seed_cases(*, seed: int, scale: str, grids: list[Area], count: int | None = None,
               now: dt.datetime | None = None, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """The case history of the given grids, unless their districts already have cases."""
    total = VOLUME[scale] if count is None else count
    if total <= 0 or not grids or _seeded(grids):
        return {"cases": 0, "events": 0}
    now = timezone.localtime(now or timezone.now()).replace(second=0, microsecond=0)
    case_life.forget_deadlines()
    made = {"cases": 0, "events": 0}
    days = [now.date() - dt.timedelta(days=n) for n in range(DAYS, -1, -1)]
    workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" and total >= PARALLEL_FROM else 1
    # One transaction: an interrupted seed leaves nothing, and running it again starts over.
    with workdays.settled(), transaction.atomic(), bulk.loading(Case, CaseEvent, CaseStat):
        for year in range(days[0].year, now.year + 2):  # the entered days, read before any fork
            workdays.is_workday(dt.date(year, 1, 1))
        world = World(seed, grids, now)
        added: dict[dt.date, list[Draft]] = {}
        for draft in _showcase(world):
            added.setdefault(draft.reported_at.date(), []).append(draft)
        per_day = _per_day(max(total - sum(map(len, added.values())), 0), days, now, seed)
        counters = dict(DailyCounter.objects.filter(day__gte=days[0]).values_list("day", "last"))
        jobs = [(day, n, added.get(day, []), counters.get(day, 0) + 1)
                for day, n in zip(days, per_day, strict=True) if n or day in added]
        last: dict[dt.date, int] = {}
        for i, (day, cases, events) in enumerate(_played(world, jobs, workers)):
            _write(cases, events)
            last[day] = counters.get(day, 0) + len(cases)
            made["cases"] += len(cases)
            made["events"] += len(events)
            if progress and (i % 30 == 0 or i == len(jobs) - 1):
                progress(f"cases: {day} … {made['cases']:,} cases, {made['events']:,} events")
        DailyCounter.objects.bulk_create([DailyCounter(day=day, last=n) for day, n in last.items()],
                                         update_conflicts=True, unique_fields=["day"], update_fields=["last"])
        if progress:
            progress("cases: counting the rollups")
        made["rollups"] = rollups.rebuild(days[0], now.date())
        if progress:
            progress(f"cases: {made['rollups']:,} rollup rows; making the indexes and keys")
    return made
