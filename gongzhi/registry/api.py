"""The register over the JSON API: search, the linked views, registering and changing records,
revealing a sealed value (audited). Sensitive values are always masked in answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from gongzhi.accounts import scoping
from gongzhi.areas.models import Area
from gongzhi.common.api_errors import errors
from gongzhi.common.api_types import Count, Latitude, Longitude, text

from . import (
    addresses,
    entities,
    exporters,
    houses,
    linked,
    matching,
    people,
    rights,
    search,
    sensitive,
)
from .models import Address, AddressReview, Entity, House, Person, PhoneLink, ReviewStatus

router = Router(tags=["registry"])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _file(*media_types: str) -> dict:
    """The OpenAPI description of an answer that is a file, not JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": "the file", "content": dict.fromkeys(media_types, binary)}}}


# ---------------------------------------------------------------- answers
class AddressOut(Schema):
    code: str
    kind: str
    name: str
    full_text: str
    area_code: str
    community_code: str
    lon: float | None
    lat: float | None

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id

    @staticmethod
    def resolve_community_code(obj):
        return obj.community_id


class PersonBrief(Schema):
    id: int
    name: str
    id_number: str
    residency: str
    status: str
    area_code: str

    @staticmethod
    def resolve_id_number(obj):
        return obj.id_number_masked

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id


class PersonOut(PersonBrief):
    sex: str
    birth_date: dt.date | None
    ethnicity: str
    passport_type: str
    passport_number: str
    nationality: str
    house_id: int | None
    relation_to_head: str
    died_on: dt.date | None

    @staticmethod
    def resolve_passport_number(obj):
        return obj.passport_number_masked


class EntityBrief(Schema):
    id: int
    kind: str
    name: str
    uscc: str
    area_code: str

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id


class EntityOut(EntityBrief):
    address_code: str | None
    legal_rep_id: int | None
    business_scope: str
    headcount: int | None
    established_on: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_address_code(obj):
        return obj.address.code if obj.address_id else None


class HouseBrief(Schema):
    id: int
    address: AddressOut
    use: str
    area_code: str

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id


class HouseOut(HouseBrief):
    floor_area: Decimal | None
    owner_person_id: int | None
    owner_entity_id: int | None
    note: str


class PhoneOut(Schema):
    link_id: int
    number: str
    person_id: int | None
    entity_id: int | None

    @staticmethod
    def resolve_link_id(obj):
        return obj.pk

    @staticmethod
    def resolve_number(obj):
        return obj.phone.number_masked


class ResidenceOut(Schema):
    person: PersonBrief
    house_id: int
    start: dt.date
    end: dt.date | None
    relation_to_head: str
    tenure: str


class PersonEventOut(Schema):
    kind: str
    date: dt.date
    house_id: int | None
    note: str


class ChangeOut(Schema):
    action: str
    changes: dict
    actor_name: str
    at: dt.datetime


class SearchOut(Schema):
    query: str
    how: str
    people: list[PersonBrief]
    entities: list[EntityBrief]
    addresses: list[AddressOut]
    truncated: bool = Field(description="some list had more matches than shown: narrow the query")


class PersonLinked(Schema):
    person: PersonOut
    tags: list[str]
    household: list[PersonBrief]
    residences: list[ResidenceOut]
    events: list[PersonEventOut]
    phones: list[PhoneOut]
    represents: list[EntityBrief]
    houses_owned: list[HouseBrief]
    history: list[ChangeOut]

    @staticmethod
    def resolve_tags(obj):
        return [t.code for t in obj["tags"]]


class HouseLinked(Schema):
    house: HouseOut
    on: dt.date
    residents: list[ResidenceOut]
    tenants: list[ResidenceOut]
    past: list[ResidenceOut]
    entities: list[EntityBrief]
    phones: list[PhoneOut]
    history: list[ChangeOut]


class AddressLinked(Schema):
    address: AddressOut
    parents: list[AddressOut]
    children: list[AddressOut]
    houses: list[HouseBrief]
    people: list[PersonBrief]
    entities: list[EntityBrief]


class EntityLinked(Schema):
    entity: EntityOut
    legal_rep: PersonBrief | None
    phones: list[PhoneOut]
    houses_owned: list[HouseBrief]
    same_address: list[EntityBrief]
    history: list[ChangeOut]


class PhoneLinked(Schema):
    number: str
    people: list[PersonBrief]
    entities: list[EntityBrief]

    @staticmethod
    def resolve_number(obj):
        return obj["phone"].number_masked


# ---------------------------------------------------------------- reading
@router.get("/registry/search", response={200: SearchOut, **errors(401, 403, 422)},
            summary="Search people, entities and addresses")
def search_registry(request, q: text(100)):
    require(request, "registry.view_person")
    return search.search(request.user, q)


@router.get("/registry/people/{person_id}", response={200: PersonLinked, **errors(401, 403, 404, 422)},
            summary="A person and everything linked")
def person_view(request, person_id: int):
    require(request, "registry.view_person")
    return linked.of_person(request.user, person_id)


@router.get("/registry/houses/{house_id}", response={200: HouseLinked, **errors(401, 403, 404, 422)},
            summary="A house, who lives there on a date")
def house_view(request, house_id: int, on: dt.date | None = None):
    require(request, "registry.view_house")
    return linked.of_house(request.user, house_id, on=on)


@router.get("/registry/addresses/{code}", response={200: AddressLinked, **errors(401, 403, 404, 422)},
            summary="An address and what is at it")
def address_view(request, code: text(19)):
    require(request, "registry.view_address")
    return linked.of_address(request.user, code)


@router.get("/registry/entities/{entity_id}", response={200: EntityLinked, **errors(401, 403, 404, 422)},
            summary="A legal entity and its links")
def entity_view(request, entity_id: int):
    require(request, "registry.view_entity")
    return linked.of_entity(request.user, entity_id)


class PhoneQuery(Schema):
    number: text(30)


@router.post("/registry/phones/lookup", response={200: PhoneLinked, **errors(400, 401, 403, 404, 422)},
             summary="Who uses a number (POST keeps the number out of URLs and logs)")
def phone_view(request, body: PhoneQuery):
    require(request, "registry.view_person")
    return linked.of_phone(request.user, body.number)


class RevealIn(Schema):
    field: text(30)
    reason: text(200)


class RevealOut(Schema):
    field: str
    value: str


@router.post("/registry/people/{person_id}/reveal", response={200: RevealOut, **errors(400, 401, 403, 404, 422)},
             summary="Reveal a sealed value (audited)")
def reveal_person(request, person_id: int, body: RevealIn):
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    return {"field": body.field, "value": sensitive.reveal(user=request.user, obj=person, field=body.field,
                                                            reason=body.reason)}


class SubjectCopyIn(Schema):
    reason: text(200)


@router.post("/registry/people/{person_id}/subject-copy", summary="A person's copy of their own information "
             "(xlsx; full values, for handing to them; audited)",
             response={200: None, **errors(400, 401, 403, 404, 422)}, openapi_extra=_file(XLSX))
def subject_copy(request, person_id: int, body: SubjectCopyIn):
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    data = rights.subject_copy(user=request.user, person=person, reason=body.reason)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="person-{person_id}-copy.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/registry/phone-links/{link_id}/reveal", response={200: RevealOut, **errors(400, 401, 403, 404, 422)},
             summary="Reveal a phone number (audited)")
def reveal_phone(request, link_id: int, body: RevealIn):
    link = scoping.get_in_scope_or_404(PhoneLink, request.user, pk=link_id)
    return {"field": "phone", "value": sensitive.reveal(user=request.user, obj=link, field="phone",
                                                         reason=body.reason)}


# ---------------------------------------------------------------- writing
# (kind, name) from the road down to the room: at most one of each of the seven kinds.
Components = Annotated[list[tuple[text(10), text(100)]], Field(max_length=7)]


class AddressIn(Schema):
    community_code: text(15)
    components: Components
    lon: Longitude | None = None
    lat: Latitude | None = None


@router.post("/registry/addresses", response={201: AddressOut, **errors(400, 401, 403, 404, 422)},
             summary="The standard address (created if new)")
def create_address(request, body: AddressIn):
    require(request, "registry.add_address")
    community = scoping.get_in_scope_or_404(Area, request.user, code=body.community_code, level="community")
    address = addresses.ensure_address(community=community, components=body.components, lon=body.lon, lat=body.lat)
    scoping.ensure_in_scope(address, request.user)
    return Status(201, address)


class HouseIn(Schema):
    address_code: text(19)
    use: text(16) = "self_occupied"
    floor_area: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)] | None = None
    owner_person_id: int | None = None
    owner_entity_id: int | None = None
    note: text(200) = ""


def _optional(model, user, pk):
    return scoping.get_in_scope_or_404(model, user, pk=pk) if pk else None


@router.post("/registry/houses", response={201: HouseOut, **errors(400, 401, 403, 404, 422)},
             summary="Register a house at an address")
def create_house(request, body: HouseIn):
    require(request, "registry.add_house")
    address = scoping.get_in_scope_or_404(Address, request.user, code=body.address_code)
    return Status(201, houses.register_house(
        actor=request.user, address=address, use=body.use, floor_area=body.floor_area,
        owner_person=_optional(Person, request.user, body.owner_person_id),
        owner_entity=_optional(Entity, request.user, body.owner_entity_id), note=body.note))


Tags = Annotated[list[text(30)], Field(max_length=20)]
Phones = Annotated[list[text(30)], Field(max_length=10)]


class PersonIn(Schema):
    name: text(60)
    residency: text(12)
    id_number: text(30) | None = None
    passport_type: text(1) = ""
    passport_number: text(40) | None = None
    nationality: text(3) = ""
    ethnicity: text(20) = ""
    house_id: int | None = None
    area_code: text(15) | None = None
    relation_to_head: text(12) = ""
    tenure: text(6) = "own"
    since: dt.date | None = None
    tags: Tags = []
    phones: Phones = []


@router.post("/registry/people", response={201: PersonOut, **errors(400, 401, 403, 404, 422)},
             summary="Register a person")
def create_person(request, body: PersonIn):
    require(request, "registry.add_person")
    house = _optional(House, request.user, body.house_id)
    if body.area_code:
        scoping.get_in_scope_or_404(Area, request.user, code=body.area_code)
    data = body.dict(exclude={"house_id"})
    return Status(201, people.register_person(actor=request.user, house=house, **data))


class PersonChange(Schema):
    """The particulars to correct; a field left out or null stays as it is."""

    name: text(60) | None = None
    ethnicity: text(20) | None = None
    relation_to_head: text(12) | None = None
    residency: text(12) | None = None
    nationality: text(3) | None = None
    passport_type: text(1) | None = None
    id_number: text(30) | None = None
    passport_number: text(40) | None = None
    tags: Tags | None = None


@router.patch("/registry/people/{person_id}", response={200: PersonOut, **errors(400, 401, 403, 404, 422)},
              summary="Correct a person's particulars")
def change_person(request, person_id: int, body: PersonChange):
    require(request, "registry.change_person")
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    data = body.dict(exclude_unset=True, exclude_none=True)  # left out or null: stays as it is
    return people.update_person(actor=request.user, person=person, **data)


class MoveIn(Schema):
    """Where to: a house, or a typed address (a standard address code or its text)."""

    house_id: int | None = None
    address: text(300) | None = None
    day: dt.date
    relation_to_head: text(12) = ""
    tenure: text(6) = "own"
    note: text(200) = ""


@router.post("/registry/people/{person_id}/move-in", response={200: PersonOut, **errors(400, 401, 403, 404, 422)},
             summary="Moves in (or changes house)")
def person_move_in(request, person_id: int, body: MoveIn):
    require(request, "registry.change_person")
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    where = {"relation_to_head": body.relation_to_head, "tenure": body.tenure, "note": body.note}
    if body.house_id is not None:
        house = scoping.get_in_scope_or_404(House, request.user, pk=body.house_id)
        return people.move_in(actor=request.user, person=person, house=house, day=body.day, **where)
    if not body.address:
        raise people.RegistryError(_("请填写房屋编号或新住址"), "address")
    return people.move_in_at(actor=request.user, person=person, address=body.address, day=body.day, **where)


class Dated(Schema):
    day: dt.date
    note: text(200) = ""


@router.post("/registry/people/{person_id}/move-out", response={200: PersonOut, **errors(400, 401, 403, 404, 422)},
             summary="Moves out of the area")
def person_move_out(request, person_id: int, body: Dated):
    require(request, "registry.change_person")
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    return people.move_out(actor=request.user, person=person, day=body.day, note=body.note)


@router.post("/registry/people/{person_id}/death", response={200: PersonOut, **errors(400, 401, 403, 404, 422)},
             summary="Records a death")
def person_death(request, person_id: int, body: Dated):
    require(request, "registry.change_person")
    person = scoping.get_in_scope_or_404(Person, request.user, pk=person_id)
    return people.record_death(actor=request.user, person=person, day=body.day, note=body.note)


class EntityIn(Schema):
    kind: text(12)
    name: text(150)
    uscc: text(30)
    address_code: text(19) | None = None
    area_code: text(15) | None = None
    legal_rep_id: int | None = None
    business_scope: text(2000) = ""
    headcount: Count | None = None
    established_on: dt.date | None = None
    phones: Phones = []


@router.post("/registry/entities", response={201: EntityOut, **errors(400, 401, 403, 404, 422)},
             summary="Register a legal entity")
def create_entity(request, body: EntityIn):
    require(request, "registry.add_entity")
    address = scoping.get_in_scope_or_404(Address, request.user, code=body.address_code) if body.address_code else None
    if body.area_code:
        scoping.get_in_scope_or_404(Area, request.user, code=body.area_code)
    entity = entities.register_entity(
        actor=request.user, kind=body.kind, name=body.name, uscc=body.uscc, address=address,
        area_code=body.area_code, legal_rep=_optional(Person, request.user, body.legal_rep_id),
        business_scope=body.business_scope, headcount=body.headcount, established_on=body.established_on,
        phones=body.phones)
    return Status(201, entity)




# ---------------------------------------------------------------- matching free text
class MatchIn(Schema):
    text: text(300)
    queue: bool = False


class CandidateOut(Schema):
    code: str
    full_text: str
    score: float


class MatchOut(Schema):
    text: str
    area_code: str
    certain: bool
    confidence: float
    how: str
    address: AddressOut | None
    candidates: list[CandidateOut]
    review_id: int | None = None


@router.post("/registry/address-match", response={200: MatchOut, **errors(400, 401, 403, 422)},
             summary="Match a free-text address")
def match_address(request, body: MatchIn):
    require(request, "registry.view_address")
    within = matching.reading_area(request.user)
    if within is None:
        raise PermissionDenied
    match = matching.Matcher(within).match(body.text)
    review = None
    if body.queue and not match.certain and body.text.strip():
        require(request, "registry.add_address")
        review = matching.enqueue(match, source="api")
    address = match.address if match.certain else None
    if address is not None and not scoping.scoped(Address, request.user).filter(pk=address.pk).exists():
        address = None  # matched, but not the caller's to see
    return {"text": match.text, "area_code": match.area.code, "certain": address is not None,
            "confidence": match.confidence, "how": match.how, "address": address,
            "candidates": [c.as_json() for c in match.candidates
                           if scoping.scoped(Address, request.user).filter(pk=c.address.pk).exists()],
            "review_id": review.pk if review else None}


class ReviewOut(Schema):
    id: int
    raw_text: str
    source: str
    candidates: list[CandidateOut]
    status: str
    area_code: str
    address_code: str | None

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id

    @staticmethod
    def resolve_address_code(obj):
        return obj.address.code if obj.address_id else None


@router.get("/registry/reviews", response={200: list[ReviewOut], **errors(401, 403, 422)},
            summary="Addresses waiting for review in my area")
def list_reviews(request, status: ReviewStatus = ReviewStatus.PENDING, limit: int = 100):
    require(request, "registry.review_address")
    return list(scoping.scoped(AddressReview, request.user).filter(status=status)
                .select_related("address")[: max(1, min(limit, 500))])


class ResolveIn(Schema):
    address_code: text(19) | None = None
    community_code: text(15) | None = None
    components: Components | None = None


@router.post("/registry/reviews/{review_id}/resolve", response={200: ReviewOut, **errors(400, 401, 403, 404, 422)},
             summary="Pick the standard address (or create it) for a queued text")
def resolve_review(request, review_id: int, body: ResolveIn):
    require(request, "registry.review_address")
    review = scoping.get_in_scope_or_404(AddressReview, request.user, pk=review_id)
    if body.address_code:
        address = scoping.get_in_scope_or_404(Address, request.user, code=body.address_code)
    elif body.community_code and body.components:
        community = scoping.get_in_scope_or_404(Area, request.user, code=body.community_code, level="community")
        address = addresses.ensure_address(community=community, components=body.components)
    else:
        raise people.RegistryError(_("请选择候选地址，或给出社区和地址各部分"), "address_code")
    return matching.resolve(actor=request.user, review=review, address=address)


@router.post("/registry/reviews/{review_id}/dismiss", response={200: ReviewOut, **errors(401, 403, 404, 422)},
             summary="Not an address: drop it")
def dismiss_review(request, review_id: int):
    require(request, "registry.review_address")
    review = scoping.get_in_scope_or_404(AddressReview, request.user, pk=review_id)
    return matching.dismiss(actor=request.user, review=review)


# ---------------------------------------------------------------- export
@router.get("/registry/export/{kind}", summary="Export what I may see, masked (xlsx or csv)",
            response={200: None, **errors(401, 403, 404, 422)}, openapi_extra=_file(XLSX, "text/csv"))
def export(request, kind: text(20), format: Literal["xlsx", "csv"] = "xlsx"):
    if kind not in exporters.EXPORTS:
        raise Http404(kind)
    require(request, exporters.EXPORTS[kind][2])
    data, _count = exporters.export(request.user, kind, format)
    content_type = "text/csv; charset=utf-8" if format == "csv" else XLSX
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}.{format}"'
    return response
