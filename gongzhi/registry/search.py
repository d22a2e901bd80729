"""Finding people, entities and addresses from one search box, within the searcher's scope.

What was typed decides how: an ID number or a phone number is looked up by its blind index
(exact match, the clear value never touches the query), a USCC exactly, Latin letters as pinyin
or initials ("zhangsan", "zs"), anything else as a name or address text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts import scoping
from gongzhi.common import crypto

from .identifiers import IdentifierError, normalise, parse_id_number, parse_phone, parse_uscc
from .models import Address, Entity, Person, PhoneLink

_LETTERS = re.compile(r"[a-z]+")
_PHONEISH = re.compile(r"[+\d][\d\- ]{6,}")
_ID_LIKE = re.compile(r"\d{17}[\dX]")


@dataclass
class Results:
    query: str
    how: str
    people: list[Person] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    limit: int = 20

    def __post_init__(self) -> None:
        # Each list was read one past the limit: a longer list is cut and says so, so that the
        # searcher narrows the words (a search box narrows; it does not page through a city).
        self.truncated = any(len(rows) > self.limit for rows in (self.people, self.entities, self.addresses))
        self.people, self.entities, self.addresses = (
            rows[: self.limit] for rows in (self.people, self.entities, self.addresses))

    @property
    def empty(self) -> bool:
        return not (self.people or self.entities or self.addresses)


def search(user: Any, query: str, *, limit: int = 20) -> Results:
    q = unicodedata.normalize("NFKC", query or "").strip()
    over = limit + 1
    people = scoping.scoped(Person, user).select_related("house__address")
    entities = scoping.scoped(Entity, user).select_related("address")
    addresses = scoping.scoped(Address, user)
    if not q:
        return Results(q, "empty", limit=limit)
    upper = normalise(q)
    if _ID_LIKE.fullmatch(upper):
        try:
            number = parse_id_number(upper).value
        except IdentifierError:
            number = None
        if number:
            digest = crypto.digest(number, kind="id_number")
            return Results(q, "id_number", limit=limit, people=list(people.filter(id_number_digest=digest)[:over]))
    if len(upper) == 18:
        try:
            code = parse_uscc(upper)
            return Results(q, "uscc", limit=limit, entities=list(entities.filter(uscc=code)[:over]))
        except IdentifierError:
            pass
    if _PHONEISH.fullmatch(q):
        try:
            digest = crypto.digest(parse_phone(q), kind="phone")
        except IdentifierError:
            return Results(q, "phone", limit=limit)
        links = scoping.scoped(PhoneLink, user).filter(phone__number_digest=digest)
        return Results(
            q, "phone", limit=limit,
            people=list(people.filter(pk__in=links.filter(person__isnull=False).values("person_id"))[:over]),
            entities=list(entities.filter(pk__in=links.filter(entity__isnull=False).values("entity_id"))[:over]),
        )
    lowered = q.lower().replace(" ", "")
    if _LETTERS.fullmatch(lowered):
        from django.db.models import Q

        by_pinyin = Q(name_pinyin__startswith=lowered) | Q(name_initials__startswith=lowered)
        return Results(q, "pinyin", limit=limit, people=list(people.filter(by_pinyin).order_by("name_pinyin", "id")[:over]),
                       entities=list(entities.filter(by_pinyin).order_by("name_pinyin", "id")[:over]))
    return Results(
        q, "text", limit=limit,
        people=list(people.filter(name__startswith=q).order_by("name", "id")[:over]),
        entities=list(entities.filter(name__contains=q).order_by("name", "id")[:over]),
        addresses=list(addresses.filter(full_text__contains=q).order_by("full_text", "code")[:over]),
    )
