"""The demo city's residents: addresses, houses, households, shops and phones in every grid,
made up (valid check digits, never real people) and written through the register's bulk paths
(addresses.ensure_many, the people importer's commit), the same ones imports use."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import shapely
from shapely.geometry import shape

from gongzhi.areas.models import Area
from gongzhi.common import crypto
from gongzhi.common.actors import SystemActor
from gongzhi.registry import addresses
from gongzhi.registry.identifiers import id_check_character, org_check_character, uscc_check_character
from gongzhi.registry.importers import EntitiesImporter, EntityRow, PeopleImporter, PersonRow
from gongzhi.registry.models import House, HouseUse, Person, Tag

from . import names

DEMO = SystemActor("演示数据")

ROAD_SUFFIXES = ("路", "街", "北路", "南街", "巷")
# One adult under 社区矫正 (a sensitive special group) in every grid, the grid's SPECIAL_NTH adult, so
# the demo shows a grant naming the group (the demo's community worker) beside one that does not
# (the grid worker of the same grids).
SPECIAL_NTH = 5
SHOPS = ("便利店", "餐馆", "理发店", "药房", "五金店", "水果店", "茶馆", "洗衣店")
SCOPES = {"便利店": "日用百货零售", "餐馆": "餐饮服务", "理发店": "美发服务", "药房": "药品零售",
          "五金店": "五金交电零售", "水果店": "水果零售", "茶馆": "茶水服务", "洗衣店": "洗染服务"}


@dataclass(frozen=True)
class Density:
    buildings: tuple[int, int]
    units: int
    floors: int
    rooms: int
    shops: tuple[int, int]


DENSITY = {"small": Density((2, 3), 2, 4, 2, (3, 6)), "district": Density((2, 3), 2, 3, 2, (2, 4)),
           "city": Density((2, 3), 2, 4, 2, (1, 3))}


def _point_in(geometry: dict, rng: random.Random) -> tuple[float, float]:
    polygon = shape(geometry)
    shapely.prepare(polygon)
    min_x, min_y, max_x, max_y = polygon.bounds
    for _attempt in range(200):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(polygon, x, y):
            return round(x, 7), round(y, 7)
    point = polygon.representative_point()
    return point.x, point.y


def _id_number(rng: random.Random, region: str, born: dt.date, male: bool, used: set[str]) -> str:
    while True:
        serial = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        first17 = f"{region}{born:%Y%m%d}{serial:03d}"
        value = first17 + id_check_character(first17)
        if value not in used:
            used.add(value)
            return value


def _uscc(rng: random.Random, region: str, used: set[str]) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        org = "MA" + "".join(rng.choice(alphabet) for _ in range(6))
        first17 = f"92{region}{org}{org_check_character(org)}"
        value = first17 + uscc_check_character(first17)
        if value not in used:
            used.add(value)
            return value


def _birth(rng: random.Random, age_from: int, age_to: int) -> dt.date:
    today = dt.date.today()
    return today - dt.timedelta(days=rng.randint(age_from * 365, age_to * 365))


def seed_register(*, seed: int, scale: str, communities: list[Area], grids: dict[str, list[Area]]) -> dict[str, int]:
    """Residents for every grid of the given communities that has none yet."""
    density = DENSITY[scale]
    done = set(Person.objects.unscoped().filter(area_id__in=[g.code for gs in grids.values() for g in gs])
               .values_list("area_id", flat=True).distinct())
    tags = {t.code: t for t in Tag.objects.all()}
    people_importer = PeopleImporter(actor=DEMO)
    entity_importer = EntitiesImporter(actor=DEMO)
    used_ids = set()
    used_usccs = set()
    counts = {"houses": 0, "people": 0, "entities": 0}
    for community in communities:
        todo = [g for g in grids.get(community.code, []) if g.code not in done]
        if not todo:
            continue
        rng = random.Random(f"{seed}:register:{community.code}")  # nosec B311  # a deterministic synthetic city, not security
        adults: dict[str, int] = {}  # by grid
        stem = community.display_name.removesuffix("社区").removesuffix("村")[:3]
        roads = [stem + s for s in rng.sample(ROAD_SUFFIXES, 2)]
        chains, shop_chains = [], []
        for g_index, grid in enumerate(todo):
            road = roads[g_index % len(roads)]
            number = f"{(g_index + 1) * 2}号"
            estate = names.estate_name(rng, stem)
            for b in range(1, rng.randint(*density.buildings) + 1):
                lon, lat = _point_in(grid.geometry, rng)
                for u in range(1, density.units + 1):
                    for f in range(1, density.floors + 1):
                        for r in range(1, density.rooms + 1):
                            parts = [("road", road), ("number", number), ("estate", estate), ("building", f"{b}栋"),
                                     ("unit", f"{u}单元"), ("room", f"{f}{r:02d}")]
                            chains.append((parts, lon, lat, grid.code))
            for s in range(rng.randint(*density.shops)):
                lon, lat = _point_in(grid.geometry, rng)
                shop_chains.append(([("road", road), ("number", f"{(g_index + 1) * 2}-{s + 1}号")], lon, lat,
                                    grid.code))
        leaves = addresses.ensure_many(community=community, chains=chains + shop_chains)
        rooms, shop_addresses = leaves[: len(chains)], leaves[len(chains):]
        houses = House.objects.bulk_create([
            House(address=a, area_id=a.area_id, use=rng.choices(
                [HouseUse.SELF_OCCUPIED, HouseUse.RENTED, HouseUse.VACANT], weights=(7, 2, 1))[0])
            for a in rooms], batch_size=2000)
        counts["houses"] += len(houses)
        region = community.code[:6]
        rows: list[PersonRow] = []
        for house, address in zip(houses, rooms, strict=True):
            if house.use == HouseUse.VACANT:
                continue
            rented = house.use == HouseUse.RENTED
            family = [("head", 30, 75), ("spouse", 28, 72)][: rng.randint(1, 2)]
            family += [("child", 0, 25)] * rng.randint(0, 2)
            since = _birth(rng, 0, 15)
            for relation, young, old in family:
                male = (relation == "head") if rng.random() < 0.8 else rng.random() < 0.5
                born = _birth(rng, young, old)
                number = _id_number(rng, region if not rented else rng.choice(("510107", "511302", "500101")),
                                    born, male, used_ids)
                surname = names.person_name(rng)
                row = PersonRow(row=0, name=surname, residency="floating" if rented else "registered",
                                id_number=number, birth_date=born, sex="male" if male else "female",
                                address=address, relation_to_head=relation, tenure="rent" if rented else "own",
                                since=max(since, born))
                row.id_digest = crypto.digest(number, kind="id_number")
                if relation == "head":
                    row.phones = [f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"]
                age = (dt.date.today() - born).days // 365
                if age >= 60:
                    row.tags.append(tags["elderly"])
                if rng.random() < 0.08:
                    row.tags.append(tags["party_member"])
                if age >= 18:
                    adults[address.area_id] = adults.get(address.area_id, 0) + 1
                    if adults[address.area_id] == SPECIAL_NTH:
                        row.tags.append(tags["community_correction"])  # sensitive: seen through a grant naming it
                rows.append(row)
        for start in range(0, len(rows), 2000):
            counts["people"] += people_importer.commit(rows[start:start + 2000]).created
        entity_rows = []
        for address in shop_addresses:
            kind = rng.choice(SHOPS)
            owner_name = names.person_name(rng)
            entity_rows.append(EntityRow(
                row=0, kind="shop", name=f"成都市{community.display_name.removesuffix('社区')}{owner_name[0]}记{kind}",
                uscc=_uscc(rng, region, used_usccs), address=address, legal_rep=None,
                business_scope=SCOPES[kind], headcount=rng.randint(1, 8), established_on=_birth(rng, 1, 15),
                phones=[f"028-8{rng.randrange(10**7):07d}"]))
        if entity_rows:
            counts["entities"] += entity_importer.commit(entity_rows).created
    return counts


