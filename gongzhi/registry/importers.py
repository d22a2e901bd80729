"""Importing from spreadsheets: every row checked, the valid ones committed, for every import
kind (import_kinds); the register's own kinds are here.

Each kind has an importer (a RowImporter): `check(row)` turns a row's cells into a record or
names each bad cell and why (in the user's language); `commit(records)` writes a chunk of valid
records in one transaction (the register's: in bulk, with their history). A row that repeats
an earlier row of the file is refused; a row that is already in the register updates it, or
changes nothing, so importing the same file twice changes nothing. Everything the importer
touches is in the importing user's scope, or the row is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area, Level
from gongzhi.audit import log
from gongzhi.common import actors, bulk, crypto
from gongzhi.common.text import strip_controls

from . import addresses, import_kinds, matching
from . import houses as house_service
from .identifiers import IdentifierError, normalise, parse_id_number, parse_phone, parse_uscc
from .import_kinds import Counts, RowImporter, RowProblems, RowRefused
from .models import (
    Address,
    Entity,
    EntityKind,
    House,
    HouseUse,
    IdentityCheck,
    PassportType,
    Person,
    PersonEvent,
    PersonEventKind,
    Phone,
    PhoneLink,
    RecordChange,
    Relation,
    Residence,
    Residency,
    Tag,
    Tenure,
)
from .pinyin import pinyin_and_initials

PERSON_FIELDS = [
    "name", "name_pinyin", "name_initials", "id_number_token", "id_number_digest", "id_number_masked",
    "passport_type", "passport_number_token", "passport_number_digest", "passport_number_masked", "nationality",
    "birth_date", "sex", "ethnicity", "residency", "house_id", "relation_to_head", "status", "died_on", "area_id",
    "created_at", "updated_at", "identity_check",
]
IMPORT_NOTE = "import"
_SPLIT = re.compile(r"[;；,，、\s]+")


@lru_cache(maxsize=64)
def _spellings(choices) -> dict[str, str]:
    """Every accepted way to write a choice: its code and its label in each language."""
    from django.utils import translation

    accepted = {}
    for member in choices:
        accepted[member.value.lower()] = member.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                accepted[str(member.label).lower()] = member.value
    return accepted


def choice(value: str, choices, problems: RowProblems, key: str, *, default: str = "") -> str:
    """A TextChoices value from its code or its label (in either language)."""
    text = value.strip()
    if not text:
        return default
    found = _spellings(choices).get(text.lower())
    if found is None:
        labels = "/".join(str(label) for label in choices.labels)
        problems[key] = _("“%(v)s”不是有效选项，应为：%(l)s") % {"v": text, "l": labels}
        return default
    return found


@lru_cache(maxsize=20000)
def _day(text: str) -> dt.date | None:
    """A date in any of the ways people write one in a sheet (cached: a column repeats dates)."""
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_date(value: str, problems: RowProblems, key: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    day = _day(text)
    if day is None:
        problems[key] = _("“%(v)s”不是日期，请写成 2023-05-01") % {"v": text}
    elif day > dt.date.today():
        problems[key] = _("日期不能晚于今天")
        return None
    return day


def phones_in(value: str, problems: RowProblems, key: str = "phones") -> list[str]:
    numbers = []
    for part in [p for p in _SPLIT.split(value.strip()) if p]:
        try:
            numbers.append(parse_phone(part))
        except IdentifierError as exc:
            problems[key] = f"{part}：{exc}"
    return numbers


class Importer(RowImporter):
    """The register's kinds: addresses typed as codes or text, found in the importer's scope."""

    def __init__(self, *, actor: Any, scope: frozenset[str] | None = None) -> None:
        super().__init__(actor=actor, scope=scope)
        self.within = matching.reading_area(actor)
        self._matcher = matching.Matcher(self.within) if self.within is not None else None
        self._addresses: dict[str, Address | str] = {}

    def address(self, value: str, problems: RowProblems, key: str = "address") -> Address | None:
        """An address code, or free text that matches one with certainty, in the actor's scope."""
        text = value.strip()
        if not text:
            problems[key] = _("必填")
            return None
        if text not in self._addresses:
            self._addresses[text] = self._find_address(text)
        found = self._addresses[text]
        if isinstance(found, str):
            problems[key] = found
            return None
        return found

    def prefetch(self, rows: list[dict[str, str]]) -> None:
        """Looks up, in one query, the address codes a block of rows refers to."""
        codes = {v.get("address", "").strip() for v in rows} - set(self._addresses)
        codes = {c for c in codes if c.isdigit() and len(c) == 19}
        if not codes:
            return
        found = {a.code: a for a in scoping.scoped(Address, self.actor).filter(code__in=codes)}
        for code in codes:
            self._addresses[code] = found.get(code) or _("地址编码“%(c)s”不存在或不在您的管辖范围") % {"c": code}

    def _find_address(self, text: str) -> Address | str:
        address, why = matching.find_address(self.actor, text, self._matcher)
        return address if address is not None else why


# ---------------------------------------------------------------- people
@dataclass
class PersonRow:
    row: int
    name: str
    residency: str
    id_number: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    passport_type: str = ""
    passport_number: str = ""
    nationality: str = ""
    ethnicity: str = ""
    address: Address | None = None
    relation_to_head: str = ""
    tenure: str = Tenure.OWN
    since: dt.date | None = None
    phones: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    id_digest: str = ""
    passport_digest: str = ""


class PeopleImporter(Importer):
    kind = "people"

    def __init__(self, *, actor: Any, scope: frozenset[str] | None = None) -> None:
        super().__init__(actor=actor, scope=scope)
        from . import people as people_service

        self.tags = {}
        self.barred_tags = set()  # sensitive tags the uploader's grants do not name
        for tag in Tag.objects.all():
            self.tags[tag.code] = tag
            self.tags[tag.name] = tag
            if not people_service.may_tag(actor, tag):
                self.barred_tags.add(tag.code)

    def check(self, row: int, v: dict[str, str]) -> tuple[PersonRow | None, RowProblems]:
        p = RowProblems()
        name = v.get("name", "").strip()
        if not name:
            p["name"] = _("必填")
        elif len(name) > 60:
            p["name"] = _("姓名最多60字")
        residency = choice(v.get("residency", ""), Residency, p, "residency")
        if not residency and "residency" not in p:
            p["residency"] = _("必填")
        record = PersonRow(row=row, name=name, residency=residency)
        raw_id = v.get("id_number", "").strip()
        if raw_id:
            try:
                parsed = parse_id_number(raw_id)
                record.id_number, record.birth_date, record.sex = parsed.value, parsed.birth_date, parsed.sex
                record.id_digest = Person.id_number.digest(parsed.value)
                self.duplicate(("id", record.id_digest), row, p, "id_number")
            except IdentifierError as exc:
                p["id_number"] = str(exc)
        elif residency and residency != Residency.OVERSEAS:
            p["id_number"] = _("户籍和流动人口须填写身份证号")
        if residency == Residency.OVERSEAS:
            record.passport_type = choice(v.get("passport_type", ""), PassportType, p, "passport_type")
            record.passport_number = normalise(v.get("passport_number", ""))
            record.nationality = v.get("nationality", "").strip().upper()
            if not record.passport_number:
                p["passport_number"] = _("境外人员须填写证件号码")
            if not record.passport_type and "passport_type" not in p:
                p["passport_type"] = _("境外人员须填写证件类型")
            if not re.fullmatch(r"[A-Z]{3}", record.nationality):
                p["nationality"] = _("国籍应为ISO三位字母代码，如 GBR")
            if record.passport_number and "nationality" not in p:
                record.passport_digest = Person.passport_number.digest(record.passport_number)
                self.duplicate(("passport", record.passport_digest, record.nationality), row, p, "passport_number")
        record.ethnicity = v.get("ethnicity", "").strip()[:20]
        record.address = self.address(v.get("address", ""), p)
        record.relation_to_head = choice(v.get("relation_to_head", ""), Relation, p, "relation_to_head")
        record.tenure = choice(v.get("tenure", ""), Tenure, p, "tenure", default=Tenure.OWN)
        record.since = parse_date(v.get("since", ""), p, "since")
        if record.since and record.birth_date and record.since < record.birth_date:
            p["since"] = _("入住日期早于出生日期")
        record.phones = phones_in(v.get("phones", ""), p)
        for word in [w for w in _SPLIT.split(v.get("tags", "").strip()) if w]:
            tag = self.tags.get(word)
            if tag is None:
                p["tags"] = _("未知标签“%(t)s”") % {"t": word}
            elif tag.code in self.barred_tags:
                from .people import sensitive_refusal

                p["tags"] = sensitive_refusal([tag])
            elif tag not in record.tags:
                record.tags.append(tag)
        return (None if p else record), p

    def commit(self, records: list[PersonRow]) -> Counts:
        counts = Counts()
        with transaction.atomic():
            houses = house_service.houses_at(actor=self.actor, addresses={r.address for r in records})
            new, updates = [], []
            for r, mine, elsewhere in self._holders(records):
                (updates if mine is not None else new).append((r, mine if mine is not None else elsewhere))
            counts.created = len(self._create(new, houses))
            for r, person in self._changed(updates, houses, counts):
                with refusing(r.row, "address"):
                    self._update(r, person, houses[r.address.pk])
                counts.updated += 1
            log.record("registry.person.imported", actor=self.actor, actor_name="system",
                       target_type="registry.person",
                       changes={"created": counts.created, "updated": counts.updated,
                                "rows": [records[0].row, records[-1].row] if records else []})
        return counts

    def _holders(self, records: list[PersonRow]):
        """(row, the record holding its number that the importer sees, else a record holding it
        elsewhere) for each row: a row whose number the importer sees updates that record; one
        whose number only a record elsewhere holds is registered provisionally and reviewed by
        that record's keepers (registry.identity), answering like a fresh number."""
        from django.db.models import Q

        ids = [r.id_digest for r in records if r.id_digest]
        passports = [r.passport_digest for r in records if r.passport_digest]
        holders = list(Person.objects.unscoped().filter(
            Q(id_number_digest__in=ids) | Q(passport_number_digest__in=passports)).order_by("identity_check", "pk"))
        seen = scoping.scoped(Person, self.actor).filter(pk__in=[h.pk for h in holders]).values_list("pk", flat=True) \
            if actors.is_staff(self.actor) else [h.pk for h in holders]
        seen = set(seen)
        by_key: dict[Any, list[Person]] = {}
        for h in holders:
            if h.id_number_digest:
                by_key.setdefault(h.id_number_digest, []).append(h)
            if h.passport_number_digest:
                by_key.setdefault(("passport", h.passport_number_digest, h.nationality), []).append(h)
        for r in records:
            found = by_key.get(r.id_digest if r.id_digest else ("passport", r.passport_digest, r.nationality), [])
            mine = next((h for h in found if h.pk in seen), None)
            elsewhere = next((h for h in found if h.pk not in seen and not h.identity_check), None)
            yield r, mine, elsewhere

    def _create(self, new: list[tuple[PersonRow, Person | None]], houses: dict[int, House]) -> list[int]:
        """New people and everything that hangs on them, written with COPY on PostgreSQL; a row
        whose number a record elsewhere holds (paired with it) is provisional, with its review."""
        if not new:
            return []
        now, today = timezone.now(), dt.date.today()
        actor_id, actor_name = getattr(actors.user_or_none(self.actor), "pk", None), actors.name(self.actor)
        rows, people = [r for r, _elsewhere in new], []
        for r, elsewhere in new:
            house = houses[r.address.pk]
            pinyin, initials = pinyin_and_initials(r.name)
            # Sealed as assignment seals them; the digests the check computed are kept.
            id_token, _digest, id_masked = Person.id_number.columns(r.id_number)
            passport_token, _digest, passport_masked = Person.passport_number.columns(r.passport_number)
            people.append((
                r.name, pinyin, initials, id_token, r.id_digest, id_masked,
                r.passport_type, passport_token, r.passport_digest, passport_masked, r.nationality, r.birth_date, r.sex,
                r.ethnicity, r.residency, house.pk, r.relation_to_head, "active", None, house.area_id, now, now,
                IdentityCheck.PENDING if elsewhere is not None else IdentityCheck.NONE,
            ))
        ids = bulk.insert(Person, PERSON_FIELDS, people)
        bulk.insert(Residence, ["person_id", "house_id", "start", "end", "relation_to_head", "tenure", "area_id"], [
            (pk, houses[r.address.pk].pk, r.since or today, None, r.relation_to_head, r.tenure,
             houses[r.address.pk].area_id) for pk, r in zip(ids, rows, strict=True)], returning_ids=False)
        bulk.insert(PersonEvent, ["person_id", "kind", "date", "house_id", "note", "recorded_by_id", "recorded_at",
                                  "area_id"], [
            (pk, PersonEventKind.REGISTERED, r.since or today, houses[r.address.pk].pk, IMPORT_NOTE, actor_id, now,
             houses[r.address.pk].area_id) for pk, r in zip(ids, rows, strict=True)], returning_ids=False)
        bulk.insert(Person.tags.through, ["person_id", "tag_id"],
                    [(pk, t.pk) for pk, r in zip(ids, rows, strict=True) for t in r.tags], returning_ids=False)
        link_phones([(pk, houses[r.address.pk].area_id, r.phones) for pk, r in zip(ids, rows, strict=True)],
                    owner="person_id")
        bulk.insert(RecordChange, ["target_type", "target_id", "action", "changes", "actor_id", "actor_name", "at",
                                   "area_id"], [
            ("person", pk, "created", json.dumps({"name": p[0], "id_number_masked": p[5], "residency": p[14],
                                                 "house": p[15], "source": "import"}, ensure_ascii=False),
             actor_id, actor_name, now, p[19]) for pk, p in zip(ids, people, strict=True)], returning_ids=False)
        from . import identity

        identity.open_reviews(actor=self.actor, pending=[
            (pk, houses[r.address.pk].area_id, houses[r.address.pk].pk, elsewhere)
            for pk, (r, elsewhere) in zip(ids, new, strict=True) if elsewhere is not None])
        return ids

    def _changed(self, pairs: list[tuple[PersonRow, Person]], houses: dict[int, House], counts: Counts):
        """The rows that differ from the register, found with three queries for the whole chunk
        (so re-importing an unchanged file stays fast); every person here is in the importer's
        scope (`_holders`)."""
        ids = [person.pk for _r, person in pairs]
        phones: dict[int, set[str]] = {}
        for pk, digest in PhoneLink.objects.unscoped().filter(person_id__in=ids).values_list(
                "person_id", "phone__number_digest"):
            phones.setdefault(pk, set()).add(digest)
        tags: dict[int, set[int]] = {}
        for pk, tag in Person.tags.through.objects.filter(person_id__in=ids).values_list("person_id", "tag_id"):
            tags.setdefault(pk, set()).add(tag)
        changed = []
        for r, person in pairs:
            differs = (
                any(getattr(r, k) and getattr(r, k) != getattr(person, k)
                    for k in ("name", "residency", "ethnicity", "relation_to_head"))
                or (person.house_id != houses[r.address.pk].pk and person.status != "deceased")
                or any(Phone.number.digest(n) not in phones.get(person.pk, ()) for n in r.phones)
                or any(t.pk not in tags.get(person.pk, ()) for t in r.tags)
            )
            if differs:
                changed.append((r, person))
            else:
                counts.unchanged += 1
        return changed

    def _update(self, r: PersonRow, person: Person, house: House) -> None:
        """Brings an existing person in line with the row, through the register's services."""
        from . import people as people_service
        from .phones import link_phone

        changes = {k: getattr(r, k) for k in ("name", "residency", "ethnicity", "relation_to_head")
                   if getattr(r, k) and getattr(r, k) != getattr(person, k)}
        if changes:
            people_service.update_person(actor=self.actor, person=person, **changes)
        if person.house_id != house.pk and person.status != "deceased":
            people_service.move_in(actor=self.actor, person=person, house=house, day=r.since or dt.date.today(),
                                   relation_to_head=r.relation_to_head, tenure=r.tenure)
        for number in r.phones:
            link_phone(actor=self.actor, number=number, person=person)
        person.tags.add(*r.tags)


@contextmanager
def refusing(row: int, column: str):
    """A rule of the register that says no while a row is committed (a move dated before the
    person's current residence, say) refuses that row, never the whole import."""
    from .addresses import AddressError
    from .people import RegistryError

    try:
        yield
    except (RegistryError, AddressError) as exc:
        raise RowRefused(row, getattr(exc, "field", "") or column, str(exc)) from exc


def _sealed_phone(number: str) -> Phone:
    phone = Phone()
    phone.number = number  # sealed as the register's own phones are
    return phone


def link_phones(owners: list[tuple[int, str, list[str]]], *, owner: str) -> None:
    """Phones for many new owners at once, as (owner id, area code, numbers): existing numbers
    are reused, new ones sealed once; `owner` is "person_id" or "entity_id"."""
    wanted = {n for _o, _a, numbers in owners for n in numbers}
    if not wanted:
        return
    digests = {n: Phone.number.digest(n) for n in wanted}
    phones = dict(Phone.objects.filter(number_digest__in=digests.values()).values_list("number_digest", "id"))
    fresh = [n for n, d in digests.items() if d not in phones]
    if fresh:
        # A number may be sealed by another import at the same moment: the unique digest decides.
        Phone.objects.bulk_create([_sealed_phone(n) for n in fresh], batch_size=2000, ignore_conflicts=True)
        phones.update(Phone.objects.filter(number_digest__in=[digests[n] for n in fresh])
                      .values_list("number_digest", "id"))
    other = "entity_id" if owner == "person_id" else "person_id"
    now = timezone.now()
    bulk.insert(PhoneLink, ["phone_id", owner, other, "area_id", "created_at"], [
        (phones[digests[n]], pk, None, area, now) for pk, area, numbers in owners for n in dict.fromkeys(numbers)],
        returning_ids=False)


# ---------------------------------------------------------------- addresses
@dataclass
class AddressRow:
    row: int
    community: Area
    components: list[tuple[str, str]]
    lon: float | None
    lat: float | None


class AddressesImporter(Importer):
    kind = "addresses"

    def check(self, row: int, v: dict[str, str]) -> tuple[AddressRow | None, RowProblems]:
        p = RowProblems()
        code = v.get("community_code", "").strip()
        community = scoping.scoped(Area, self.actor).filter(code=code, level=Level.COMMUNITY).first()
        if community is None:
            p["community_code"] = _("社区代码“%(c)s”不存在或不在您的管辖范围") % {"c": code}
        parts = [(k, v.get(k, "").strip()) for k in ("road", "number", "estate", "building", "unit", "floor", "room")
                 if v.get(k, "").strip()]
        components = [(k, addresses.normalise(k, n)) for k, n in parts]
        if not components:
            p["road"] = _("地址各部分不能全为空")
        lon = lat = None
        for key in ("lon", "lat"):
            text = v.get(key, "").strip()
            if text:
                try:
                    number = float(text)
                    if not (-180 <= number <= 180 if key == "lon" else -90 <= number <= 90):
                        raise ValueError
                    lon, lat = (number, lat) if key == "lon" else (lon, number)
                except ValueError:
                    p[key] = _("不是有效的经纬度")
        if (lon is None) != (lat is None) and not ({"lon", "lat"} & set(p)):
            p["lon"] = _("经度和纬度须同时填写")
        if components and community is not None:
            self.duplicate((code, tuple(components)), row, p, "road")
        if p:
            return None, p
        return AddressRow(row, community, components, lon, lat), p

    def commit(self, records: list[AddressRow]) -> Counts:
        counts = Counts()
        with transaction.atomic():
            for r in records:
                keys = addresses._key(r.components)
                before = Address.objects.unscoped().filter(community_id=r.community.code, path_key=keys[-1]).exists()
                addresses.ensure_address(community=r.community, components=r.components, lon=r.lon, lat=r.lat)
                if before:
                    counts.unchanged += 1
                else:
                    counts.created += 1
            log.record("registry.address.imported", actor=self.actor, actor_name="system",
                       target_type="registry.address", changes={"created": counts.created})
        return counts


# ---------------------------------------------------------------- houses
@dataclass
class HouseRow:
    row: int
    address: Address
    use: str
    floor_area: Decimal | None
    owner: Person | None
    note: str


class HousesImporter(Importer):
    kind = "houses"

    def check(self, row: int, v: dict[str, str]) -> tuple[HouseRow | None, RowProblems]:
        p = RowProblems()
        address = self.address(v.get("address", ""), p)
        use = choice(v.get("use", ""), HouseUse, p, "use", default=HouseUse.SELF_OCCUPIED)
        area = None
        if v.get("floor_area", "").strip():
            try:
                area = Decimal(v["floor_area"].strip())
                if area <= 0 or area > 100000:
                    raise InvalidOperation
            except InvalidOperation:
                p["floor_area"] = _("面积应为大于0的数字")
        owner = _person_by_id(self.actor, v.get("owner_id_number", ""), p, "owner_id_number")
        if address is not None:
            self.duplicate(address.pk, row, p, "address")
        return (None if p else HouseRow(row, address, use, area, owner, v.get("note", "").strip()[:200])), p

    def commit(self, records: list[HouseRow]) -> Counts:
        counts = Counts()
        with transaction.atomic():
            existing = {h.address_id: h for h in House.objects.unscoped().filter(address__in=[r.address for r in records])}
            for r in records:
                house = existing.get(r.address.pk)
                if house is None:
                    with refusing(r.row, "address"):
                        house_service.register_house(actor=self.actor, address=r.address, use=r.use,
                                                     floor_area=r.floor_area, owner_person=r.owner, note=r.note)
                    counts.created += 1
                    continue
                changes = {k: val for k, val in (("use", r.use), ("floor_area", r.floor_area),
                                                 ("owner_person", r.owner), ("note", r.note))
                           if val not in (None, "") and val != getattr(house, k)}
                if changes:
                    with refusing(r.row, "address"):
                        house_service.update_house(actor=self.actor, house=house, **changes)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
        return counts


def _person_by_id(actor: Any, value: str, p: RowProblems, key: str) -> Person | None:
    if not value.strip():
        return None
    try:
        number = parse_id_number(value).value
    except IdentifierError as exc:
        p[key] = str(exc)
        return None
    person = scoping.scoped(Person, actor).filter(id_number_digest=Person.id_number.digest(number)).first()
    if person is None:
        p[key] = _("该身份证号的人员未登记或不在您的管辖范围")
    return person


# ---------------------------------------------------------------- entities
@dataclass
class EntityRow:
    row: int
    kind: str
    name: str
    uscc: str
    address: Address
    legal_rep: Person | None
    business_scope: str
    headcount: int | None
    established_on: dt.date | None
    phones: list[str]


class EntitiesImporter(Importer):
    kind = "entities"

    def check(self, row: int, v: dict[str, str]) -> tuple[EntityRow | None, RowProblems]:
        p = RowProblems()
        kind = choice(v.get("kind", ""), EntityKind, p, "kind")
        if not kind and "kind" not in p:
            p["kind"] = _("必填")
        name = v.get("name", "").strip()
        if not name:
            p["name"] = _("必填")
        try:
            code = parse_uscc(v.get("uscc", ""))
            self.duplicate(code, row, p, "uscc")
        except IdentifierError as exc:
            code = ""
            p["uscc"] = str(exc)
        address = self.address(v.get("address", ""), p)
        rep = _person_by_id(self.actor, v.get("legal_rep_id_number", ""), p, "legal_rep_id_number")
        headcount = None
        if v.get("headcount", "").strip():
            try:
                headcount = int(v["headcount"].strip())
                if headcount < 0:
                    raise ValueError
            except ValueError:
                p["headcount"] = _("从业人数应为非负整数")
        established = parse_date(v.get("established_on", ""), p, "established_on")
        numbers = phones_in(v.get("phones", ""), p)
        if p:
            return None, p
        return EntityRow(row, kind, name[:150], code, address, rep, v.get("business_scope", "").strip(), headcount,
                         established, numbers), p

    def commit(self, records: list[EntityRow]) -> Counts:
        from . import entities as entity_service
        from .phones import link_phone

        counts = Counts()
        with transaction.atomic():
            existing = {e.uscc: e for e in Entity.objects.unscoped().filter(uscc__in=[r.uscc for r in records])}
            for r in records:
                entity = existing.get(r.uscc)
                if entity is None:
                    with refusing(r.row, "uscc"):
                        entity = entity_service.register_entity(
                            actor=self.actor, kind=r.kind, name=r.name, uscc=r.uscc, address=r.address,
                            legal_rep=r.legal_rep, business_scope=r.business_scope, headcount=r.headcount,
                            established_on=r.established_on)
                    counts.created += 1
                else:
                    if not scoping.scoped(Entity, self.actor).filter(pk=entity.pk).exists():
                        raise RowRefused(r.row, "uscc", _("该法人已在其他区域登记，不在您的管辖范围"))
                    changes = {k: val for k, val in (
                        ("kind", r.kind), ("name", r.name), ("address", r.address), ("legal_rep", r.legal_rep),
                        ("business_scope", r.business_scope), ("headcount", r.headcount),
                        ("established_on", r.established_on)) if val not in (None, "") and val != getattr(entity, k)}
                    if changes:
                        with refusing(r.row, "uscc"):
                            entity_service.update_entity(actor=self.actor, entity=entity, **changes)
                        counts.updated += 1
                    else:
                        counts.unchanged += 1
                for number in r.phones:
                    with refusing(r.row, "phones"):
                        link_phone(actor=self.actor, number=number, entity=entity)
        return counts


@dataclass
class Outcome:
    """What an import did. `failed` counts every refused row; `bad` keeps the first
    GONGZHI_IMPORT_MAX_ERRORS of them by row number (the error workbook lists those and says how
    many there were), so a file of a million bad rows is not held in memory."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    bad: list[tuple[int, list[Any], dict[str, str]]] = field(default_factory=list)
    header: list[Any] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    def refuse(self, rows: list[tuple[int, list[Any], dict[str, str]]]) -> None:
        from django.conf import settings

        self.failed += len(rows)
        self.bad.extend(rows)
        keep = settings.GONGZHI_IMPORT_MAX_ERRORS
        if len(self.bad) > 2 * keep:  # trimmed now and then, so keeping them costs no more than sorting
            self.bad.sort(key=lambda bad: bad[0])
            del self.bad[keep:]


def commit_chunk(importer: RowImporter, chunk: list[tuple[Any, list[Any]]]) -> tuple[Counts, list]:
    """Commits a chunk of checked records. A row the register refuses at commit time (it clashes
    with a record outside the importer's scope) is set aside and the chunk committed without it."""
    refused = []
    counts = Counts()
    while chunk:
        try:
            counts = importer.commit([record for record, _raw in chunk])
            break
        except RowRefused as clash:
            raw = next(raw for record, raw in chunk if record.row == clash.row)
            refused.append((clash.row, raw, {clash.column: clash.message}))
            chunk = [(record, raw) for record, raw in chunk if record.row != clash.row]
    return counts, refused


@dataclass
class Ledger:
    """A job's committed chunks (ImportChunk), each recorded in the chunk's own transaction with
    the job's counts: a resumed job skips exactly these, so its counts are what the register holds
    even when the worker (or a pool child) died between two chunks. Without a job: no record."""

    job_id: int | None = None
    done: dict[int, tuple[Counts, list[tuple[int, dict[str, str]]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, job_id: int) -> Ledger:
        from .models import ImportChunk

        done = {c.index: (Counts(c.created, c.updated, c.unchanged),
                          [(n, p) for n, p in json.loads(crypto.decrypt(c.refused, purpose=REFUSED_PURPOSE))])
                for c in ImportChunk.objects.filter(job_id=job_id)}
        return cls(job_id, done)

    def record(self, index: int, rows: int, counts: Counts, bad: list) -> None:
        if self.job_id is None:
            return
        from django.db.models import F

        from .models import ImportChunk, ImportJob

        refused = json.dumps([[n, problems] for n, _raw, problems in bad], ensure_ascii=False)
        ImportChunk.objects.create(job_id=self.job_id, index=index, rows=rows, created=counts.created,
                                   updated=counts.updated, unchanged=counts.unchanged,
                                   refused=crypto.encrypt(refused, purpose=REFUSED_PURPOSE))
        ImportJob.objects.filter(pk=self.job_id).update(
            processed=F("processed") + rows, created=F("created") + counts.created,
            updated=F("updated") + counts.updated, unchanged=F("unchanged") + counts.unchanged,
            failed=F("failed") + len(bad), heartbeat_at=timezone.now())

    def replay(self, index: int, block: list[tuple[int, list[Any], dict[str, str]]]) -> tuple[Counts, list]:
        """A committed chunk's counts and refused rows (with their cells, read again from the file)."""
        counts, refused = self.done[index]
        raws = {number: raw for number, raw, _values in block}
        return counts, [(n, list(raws[n]), dict(p)) for n, p in refused if n in raws]


REFUSED_PURPOSE = "registry.importchunk.refused"


def commit_block(importer: RowImporter, index: int, rows: int, pending: list[tuple[Any, list[Any]]], bad: list,
                 ledger: Ledger) -> tuple[Counts, list]:
    """Commits chunk `index` of the file (`rows` rows: `pending` valid, `bad` refused by the check)
    and records it in the ledger, in one transaction."""
    with transaction.atomic():
        counts, refused = commit_chunk(importer, pending) if pending else (Counts(), [])
        ledger.record(index, rows, counts, bad + refused)
    return counts, bad + refused


def tally(outcome: Outcome, counts: Counts, bad: list) -> None:
    outcome.created += counts.created
    outcome.updated += counts.updated
    outcome.unchanged += counts.unchanged
    outcome.refuse(bad)


def cells(rows: list[list[Any]], positions: dict[str, int]):
    """(row number in the file, raw row, {column key: text}) for each row that holds data."""
    from gongzhi.common.cells import cell_text

    for number, raw in enumerate(rows, start=2):
        values = {key: strip_controls(cell_text(raw[i])) if i < len(raw) else "" for key, i in positions.items()}
        if not any(values.values()) or all(v.startswith("#") or not v for v in values.values()):
            continue  # empty, or the notes line of a CSV template
        yield number, raw, values


def run(kind: str, rows: Iterable[list[Any]], *, actor: Any,
        progress: Callable[[int, Outcome], None] | None = None, ledger: Ledger | None = None) -> Outcome:
    """Checks every row and commits the valid ones chunk by chunk (a chunk: importer.chunk rows of
    the file, so chunk i is the same rows on every run); `progress(rows_done, outcome)` is called
    after each chunk. Chunks the ledger holds were committed by an earlier run of the job: they
    are checked again (an in-file repeat of one of their rows is still found) but not written.
    A SheetError (unreadable file, missing column) propagates."""
    from .sheets import SheetError, header_map

    ledger = ledger or Ledger()
    importer = import_kinds.get(kind).make_importer(actor)
    iterator = iter(rows)
    outcome = Outcome()
    try:
        outcome.header = list(next(iterator))
    except StopIteration:
        raise SheetError(_("文件是空的")) from None
    outcome.positions = header_map(kind, outcome.header)
    rows_left = list(iterator)
    from . import parallel

    if parallel.eligible(kind, len(rows_left)):
        parallel.run(importer, rows_left, outcome, progress, ledger)
        return finish(outcome)

    def commit(index: int, block: list[tuple[int, list[Any], dict[str, str]]]) -> None:
        importer.prefetch([values for _n, _raw, values in block])
        pending, bad = [], []
        for number, raw, values in block:
            record, problems = importer.examine(number, values)
            if problems:
                bad.append((number, list(raw), dict(problems)))
            else:
                pending.append((record, list(raw)))
        outcome.total += len(block)
        if index in ledger.done:
            tally(outcome, *ledger.replay(index, block))
        else:
            tally(outcome, *commit_block(importer, index, len(block), pending, bad, ledger))
        if progress:
            progress(outcome.total, outcome)

    block: list[tuple[int, list[Any], dict[str, str]]] = []
    index = 0
    for number, raw, values in cells(rows_left, outcome.positions):
        block.append((number, raw, values))
        if len(block) >= importer.chunk:
            commit(index, block)
            block, index = [], index + 1
    if block:
        commit(index, block)
    return finish(outcome)


ANALYZE_AFTER = 10_000


def finish(outcome: Outcome) -> Outcome:
    """Orders the refused rows by row number, keeping the first GONGZHI_IMPORT_MAX_ERRORS; after
    a large load, refreshes planner statistics."""
    from django.conf import settings

    outcome.bad.sort(key=lambda bad: bad[0])
    del outcome.bad[settings.GONGZHI_IMPORT_MAX_ERRORS:]
    if outcome.created >= ANALYZE_AFTER:
        bulk.analyze(Person, Residence, PersonEvent, Phone, PhoneLink, RecordChange, House, Entity)
    return outcome
