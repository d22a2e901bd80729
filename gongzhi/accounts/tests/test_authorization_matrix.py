"""The authorization matrix (issue 5, control 3, least privilege): every URL pattern has a rule
in accounts/access.py, and every pattern answers every role (and an anonymous visitor) as its
rule says, with an object inside the role's scope (in G1) and one outside it (in 锦江区).

Outcomes compared: admitted (200, 201, 204, 302 elsewhere, 405, 422: the view ran), forbidden
(403), not found (404; in the admin, the redirect to its index), sign-in (the sign-in page, or
401 from the API), and a server error, which always fails. Whether an object is in a user's
scope is asked of the scoping module, so a view that does not read through it is caught.

One world is built for the module (in a transaction rolled back at its end); each request runs
in a savepoint rolled back after it, so no request sees another's writes."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from PIL import Image

from gongzhi.accounts import access, scoping
from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import ADMIN_SITE_ROLES, ROLE_PERMISSIONS, Role
from gongzhi.common.scoped import ScopedModel
from gongzhi.conftest import (
    C1,
    JINJIANG,
    PASSWORD,
    RESIDENT,
    SYSTEM,
    build_cast,
    build_departments,
    build_organizations,
    build_world,
    sign_in,
)

JINJIANG_COMMUNITY, JINJIANG_GRID, G1 = "510104001001", "510104001001001", "510107001001001"
IN_G1 = {"lon": 0.25, "lat": 0.5}
IN_JINJIANG = {"lon": 3.0, "lat": 1.0}
PHONE_IN, PHONE_OUT = "13812345678", "13700001111"
ANONYMOUS = "anonymous"
GRANTED = "granted_worker"  # beside the cast: a community worker whose grant names SENSITIVE_TAG
SENSITIVE_TAG, SENSITIVE_NAME = "community_correction", "钱七"


# ---------------------------------------------------------------- the URL patterns
def _walk(resolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, route, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        else:
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route


PATTERNS: dict[str, str] = dict(_walk(get_resolver()))  # key (name, or route when unnamed) → route
MODEL_PAGES = {key for key in PATTERNS if access.rule_for(key) is access.MODEL_ADMIN}
URL_KEYS = sorted(key for key in PATTERNS if key not in MODEL_PAGES and access.rule_for(key) is not None)


def _api_methods() -> dict[str, set[str]]:
    """The HTTP methods of each django-ninja operation, by its URL name."""
    from gongzhi.api import api

    methods: dict[str, set[str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", "") or operation.view_func.__name__
                methods[f"api:{name}"] = set(operation.methods)
    return methods


# ---------------------------------------------------------------- the world
@dataclass
class World:
    users: dict[str, Any]
    sessions: dict[str, str]
    media: Any
    o: SimpleNamespace  # the objects probes name: pairs are (inside G1, outside in 锦江区)


def _build(media) -> World:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from gongzhi.areas.models import Area
    from gongzhi.cases import categories, intake, open311, workflow
    from gongzhi.cases.models import Category, RoutingRule
    from gongzhi.common import crypto
    from gongzhi.orgs.models import Department, DepartmentKind, Organization
    from gongzhi.registry import addresses, entities, houses, imports, people, phones
    from gongzhi.registry.models import AddressReview, ImportJob, Tag
    from gongzhi.registry.tests.factories import id_number, uscc
    from gongzhi.workcalendar.models import CalendarDay

    world = build_world()
    departments = build_departments()
    social_orgs = build_organizations()
    cast = build_cast(world, departments, social_orgs)
    users = {name: getattr(cast, name) for name in cast}
    categories.load_defaults()

    def house(community: str, parts, point) -> Any:
        address = addresses.ensure_address(community=Area.objects.unscoped().get(code=community), components=parts,
                                           **point)
        return houses.register_house(actor=SYSTEM, address=address)

    h1 = house(C1, [("road", "桂溪路"), ("number", "18号"), ("estate", "锦绣花园"), ("building", "1栋"),
                    ("unit", "2单元"), ("room", "301")], IN_G1)
    h3 = house(JINJIANG_COMMUNITY, [("road", "春熙路"), ("number", "9号"), ("room", "101")], IN_JINJIANG)
    spare_in = addresses.ensure_address(community=Area.objects.unscoped().get(code=C1), lon=0.3, lat=0.4,
                                        components=[("road", "桂溪路"), ("number", "20号")])
    spare_out = addresses.ensure_address(community=Area.objects.unscoped().get(code=JINJIANG_COMMUNITY), lon=3.1,
                                         lat=1.1, components=[("road", "春熙路"), ("number", "11号")])
    day = dt.date(2020, 1, 1)
    zhang = people.register_person(actor=SYSTEM, name="张三", residency="registered", id_number=id_number(), house=h1,
                                   relation_to_head="head", since=day)
    smith = people.register_person(actor=SYSTEM, name="John Smith", residency="overseas", passport_type="P",
                                   passport_number="E12345678", nationality="GBR", house=h3, since=day)
    shop = entities.register_entity(actor=SYSTEM, kind="shop", name="成都锦绣便利店", uscc=uscc(), address=h1.address,
                                    legal_rep=zhang)
    stall = entities.register_entity(actor=SYSTEM, kind="shop", name="春熙路小卖部", uscc=uscc(org="MA6C0A2C"),
                                     address=h3.address)
    link_in = phones.link_phone(actor=SYSTEM, number=PHONE_IN, person=zhang)
    link_out = phones.link_phone(actor=SYSTEM, number=PHONE_OUT, person=smith)
    review_in = AddressReview.objects.create(raw_text="桂溪路十八号", source="matrix", area_id=G1)
    review_out = AddressReview.objects.create(raw_text="春熙路九号", source="matrix", area_id=JINJIANG_COMMUNITY)
    from gongzhi.registry.models import IdentityReview

    identity_reviews = tuple(IdentityReview.objects.create(existing=p, area_id=p.area_id, registered_area_id=G1)
                             for p in (zhang, smith))

    def job(owner) -> Any:
        made = ImportJob.objects.create(kind="people", file_name="people.csv", created_by=owner, status="done")
        sealed = crypto.encrypt_bytes(b"PK matrix", purpose=imports.FILE_PURPOSE)
        made.error_file.save(f"{made.pk}-errors.sealed", ContentFile(sealed), save=True)
        return made

    leaf = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    # Reported by a resident on the portal, each with a photo as such a report leaves it.
    from gongzhi.cases import photos, reporters
    from gongzhi.common.actors import ResidentActor

    resident = reporters.portal(ResidentActor("反映人"), Area.objects.unscoped().get(level="city"))
    case_in, case_out = (intake.report(source=resident, category=leaf, description=text,
                                       photos=[photos.clean(_png())], **where).case
                         for text, where in (("门口垃圾", IN_G1), ("路灯不亮", IN_JINJIANG)))
    # Dispatched to the handler's unit, so the handler's scope (a department) holds it too.
    workflow.act(actor=cast.dispatcher, case=case_in, action="accept")
    workflow.act(actor=cast.dispatcher, case=case_in, action="dispatch", department=departments["s1_city_management"])
    case_in.refresh_from_db()
    case_photos = {case.pk: case.photos.get() for case in (case_in, case_out)}

    deliberation = _deliberation(world, (zhang, smith))
    org_in = social_orgs["c1_social_org"]  # the org-staff member of the cast works for it
    org_beside = Organization.objects.create(kind="workstation", name="洗面桥社区工作站", area_id=C1)
    org_out = Organization.objects.create(kind="workstation", name="和平社区工作站", area_id=JINJIANG_COMMUNITY)
    department_out = Department.objects.create(kind=DepartmentKind.CITY_MANAGEMENT, name="锦江区城管", area_id=JINJIANG)
    outsider = accounts.create_staff(actor=SYSTEM, username="jinjiang_grid_worker", password=PASSWORD,
                                     full_name="锦江网格员", must_change=False)
    # Signs in over the API with a password alone (no role asks for a second factor).
    accounts.create_staff(actor=SYSTEM, username="matrix_login", password=PASSWORD, full_name="矩阵", must_change=False)
    outside_assignment = accounts.assign_role(actor=SYSTEM, user=outsider, role=Role.GRID_WORKER,
                                              area=world[JINJIANG_GRID])

    # A person in a sensitive group (社区矫正) in G1, and a community worker of C1 whose grant
    # names that group (the cast's community worker's does not).
    Tag.objects.update_or_create(code=SENSITIVE_TAG, defaults={"name": "社区矫正对象", "sensitive": True})
    corrected = people.register_person(actor=SYSTEM, name=SENSITIVE_NAME, residency="registered",
                                       id_number=id_number(born="19750505", serial="357"),
                                       house=h1, relation_to_head="other", since=day, tags=[SENSITIVE_TAG])
    granted = accounts.create_staff(actor=SYSTEM, username="granted_worker", password=PASSWORD, full_name="矫正专干",
                                    must_change=False)
    accounts.assign_role(actor=SYSTEM, user=granted, role=Role.COMMUNITY_WORKER, area=world[C1],
                         categories=[SENSITIVE_TAG])

    sessions: dict[str, str] = {}
    for name, user in [*users.items(), (GRANTED, granted)]:
        client = sign_in(Client(), user)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    # Rows for the admin's pages (the admin matrix opens one of each model that has one).
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongzhi.accounts import resets
    from gongzhi.accounts.models import CredentialReset
    from gongzhi.audit.models import AuditEntry

    attempt = {"user_agent": "matrix", "ip_address": "127.0.0.1", "username": "someone", "http_accept": "*/*",
               "path_info": "/accounts/login/"}
    key_name = "matrix key"
    open311.new_key(name=key_name, area=world[C1])
    from gongzhi.cases.models import Open311Key

    rows = {
        Area: (world[G1], world[JINJIANG_GRID]),
        Organization: (org_in, org_out),
        Department: (departments["s1_city_management"], department_out),
        type(outside_assignment): (cast.grid_worker.assignments.unscoped().get(), outside_assignment),
        RoutingRule: (RoutingRule.objects.create(category=leaf, area=world[G1],
                                                 department=departments["s1_city_management"]),
                      RoutingRule.objects.create(category=leaf, area=world[JINJIANG_GRID], department=department_out)),
        get_user_model(): (users["grid_worker"], None),
        Group: (Group.objects.create(name="matrix"), None),
        Tag: (Tag.objects.order_by("pk").first(), None),
        Category: (leaf, None),
        CalendarDay: (CalendarDay.objects.create(date=dt.date(2030, 10, 8), is_workday=False, note="matrix"), None),
        Open311Key: (Open311Key.objects.get(name=key_name), None),
        AuditEntry: (AuditEntry.objects.order_by("seq").first(), None),
        AccessAttempt: (AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1),
                        None),
        AccessLog: (AccessLog.objects.create(**attempt), None),
        AccessFailureLog: (AccessFailureLog.objects.create(**attempt), None),
        TOTPDevice: (TOTPDevice.objects.filter(user=users["system_admin"]).first(), None),
        CredentialReset: (resets.request(actor=users["system_admin"], target=users["grid_worker"],
                                         kind=CredentialReset.Kind.SECOND_FACTOR), None),
    }
    objects = SimpleNamespace(
        areas=(world[G1], world[JINJIANG_GRID]),
        communities=(world[C1], world[JINJIANG_COMMUNITY]),
        organizations=(org_in, org_out), org_beside=org_beside, sensitive_person=corrected, granted=granted,
        departments=(departments["s1_city_management"], department_out),
        people=(zhang, smith), houses=(h1, h3), addresses=(h1.address, h3.address),
        spare_addresses=(spare_in, spare_out), entities=(shop, stall), phone_links=(link_in, link_out),
        phones={link_in.pk: PHONE_IN, link_out.pk: PHONE_OUT}, reviews=(review_in, review_out),
        identity_reviews=identity_reviews,
        jobs=(job(users["grid_worker"]), job(users["community_worker"])), cases=(case_in, case_out),
        photos=case_photos, **deliberation,
        category=leaf, admin_rows=rows, totp=rows[TOTPDevice][0], grid_worker_id=users["grid_worker"].pk,
    )
    return World(users=users, sessions=sessions, media=media, o=objects)


def _png() -> bytes:
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(png, format="PNG")
    return png.getvalue()


def _deliberation(world, residents) -> dict:
    """In 洗面桥社区 and in 和平社区 (锦江区): a council with one member, a topic it took up whose
    meeting is scheduled, and a draft disclosure; built through the services as the system."""
    from gongzhi.cases import photos
    from gongzhi.deliberation import councils, disclosures, meetings, procedures, topics

    procedures.load_defaults()
    template = procedures.ProcedureTemplate.objects.get(code=procedures.COUNCIL_DELIBERATION)
    made: dict[str, list] = {"councils": [], "topics": [], "disclosures": [], "published": []}
    meetings_by_topic, topic_photos = {}, {}
    for code, person in zip((C1, JINJIANG_COMMUNITY), residents, strict=True):
        council = councils.establish(actor=SYSTEM, area=world[code], kind="deliberation", name="矩阵议事会")
        councils.add_member(actor=SYSTEM, council=council, person=person, term_start=dt.date(2025, 1, 1))
        topic = topics.propose(actor=RESIDENT, area=world[code], title="矩阵议题", source="resident", proposer=person,
                               photos=[photos.clean(_png())])
        topic_photos[topic.pk] = topic.photos.get()
        topics.take_up(actor=SYSTEM, topic=topic, council=council)
        (step,) = procedures.choose(actor=SYSTEM, topic=topic, template=template)
        meetings_by_topic[topic.pk] = meetings.schedule(actor=SYSTEM, step=step, scheduled_at=dt.datetime(
            2026, 1, 5, 9, tzinfo=dt.UTC), place="议事厅")
        made["councils"].append(council)
        made["topics"].append(topic)
        made["disclosures"].append(disclosures.draft(actor=SYSTEM, area=world[code], kind="fund", title="矩阵公开",
                                                     body="收入1万元"))
        made["published"].append(disclosures.publish(actor=SYSTEM, disclosure=disclosures.draft(
            actor=SYSTEM, area=world[code], kind="project", title="矩阵已公开", body="支出1万元")))
    return {**{name: tuple(rows) for name, rows in made.items()}, "meetings": meetings_by_topic,
            "topic_photos": topic_photos}


def rolled_back():
    """A transaction the test rolls back, marked as a test case's (as Django's TestCase marks its
    own): a service opening the outermost transaction (atomic(durable=True)) runs inside it as it
    would on its own."""
    block = transaction.atomic()
    block._from_testcase = True
    return block


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media), rolled_back():
        yield _build(media)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _matrix_media(_media_and_tasks, settings, matrix):
    settings.MEDIA_ROOT = matrix.media  # the import jobs' sealed error workbooks live here


@pytest.fixture(autouse=True)
def _quiet_refusals():
    # Thousands of 403s and 404s are the point here; Django logs each with its traceback.
    # Server errors (logged at ERROR) still show.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


# ---------------------------------------------------------------- what a rule expects
def _roles(user) -> set[str]:
    return scoping.roles(user) if user is not None else set()


def _permissions(user) -> set[str]:
    return {p for role in _roles(user) for p in ROLE_PERMISSIONS.get(role, ())}


def in_scope(user, obj, roles: frozenset[str] | None = None) -> bool:
    """Whether the scoping module lets `user` see `obj` (through the grants of `roles`, if
    given: a page that acts as those roles); an import job: only its uploader."""
    from gongzhi.areas.models import Area
    from gongzhi.cases.models import RoutingRule
    from gongzhi.registry.models import ImportJob

    if isinstance(obj, ImportJob):
        return obj.created_by_id == user.pk
    if isinstance(obj, RoutingRule):
        return scoping.scoped(Area, user).filter(code=obj.area_id).exists()
    if isinstance(obj, ScopedModel):
        return scoping.restrict(type(obj)._default_manager.filter(pk=obj.pk), user, roles).exists()
    return True


def expected(rule: access.Rule, user, obj, kwargs: dict) -> set[str]:
    if rule.kind == access.NO_PAGE:
        return {"not found"}
    if rule.kind == access.PUBLIC:
        return {"admitted"}
    if user is None:
        return {"sign-in"}
    if rule.kind == access.SIGNED_IN:
        return {"admitted"}
    roles, perms = _roles(user), _permissions(user)
    if rule.kind == access.ADMIN:
        if not roles & ADMIN_SITE_ROLES:
            return {"sign-in"}
        if not rule.permission:  # entered; inside, each page by its model's permissions
            return {"admitted", "forbidden", "not found"}
        return {"admitted"} if rule.permission in perms else {"forbidden"}
    may = rule.admits(perms, kwargs) if rule.kind == access.PERMISSION else bool(roles & rule.roles)
    inside = in_scope(user, obj, rule.roles if rule.kind == access.ROLES else None) if rule.scoped else True
    if may:
        return {"admitted"} if inside else {"not found"}
    return {"forbidden"} if inside else {"forbidden", "not found"}


def outcome(response, path: str, *, missing_to: str = "") -> str:
    status = response.status_code
    location = urlsplit(response.get("Location", "")).path
    api = path.startswith("/api/")
    if status >= 500:
        return f"server error {status}"
    if status == 401:
        return "sign-in" if api else "401 outside the API"
    if status == 302 and location in (settings.LOGIN_URL, "/admin/login/"):
        return "sign-in" if not api else "a redirect from the API"
    if status == 302 and location.startswith(("/accounts/otp/", "/accounts/password/")):
        return f"a sign-in step ({location})"
    if status == 302 and missing_to and location == missing_to:
        return "not found"
    return {403: "forbidden", 404: "not found"}.get(status, "admitted")


# ---------------------------------------------------------------- how each pattern is requested
@dataclass
class Probe:
    method: str = "get"
    # The object the request names (in the path, the query or the body): (inside, outside).
    objects: tuple = ()
    args: Callable[[Any], dict] | dict = field(default_factory=dict)  # path arguments
    query: Callable[[Any], dict] | dict = field(default_factory=dict)
    body: Callable[..., Any] | Any = None  # JSON for the API, form data for pages; (obj, roles) → body
    files: bool = False  # multipart (the body's values may be files)
    url: str = ""  # for a pattern that cannot be reversed
    missing_to: str = ""  # a page answering "not found" by redirecting here


def _first_action(roles: set[str]) -> str:
    from gongzhi.cases.workflow import TRANSITIONS

    return next((name for name, t in TRANSITIONS.items() if roles & t.roles), "urge")


def probes(o: SimpleNamespace) -> dict[str, Probe]:
    pk = lambda obj: {"pk": obj.pk}  # noqa: E731
    person = lambda p: {"person_id": p.pk}  # noqa: E731
    fmt = {"fmt": "json"}
    return {
        # the workbench
        "registry:search": Probe(query={"q": "张"}),
        "registry:person-new": Probe(objects=o.houses, query=lambda h: {"house": h.pk}),
        "registry:person": Probe(objects=o.people, args=pk),
        "registry:person-edit": Probe(objects=o.people, args=pk),
        "registry:person-event": Probe(objects=o.people, args=pk),
        "registry:house": Probe(objects=o.houses, args=pk),
        "registry:address": Probe(objects=o.addresses, args=lambda a: {"code": a.code}),
        "registry:entity": Probe(objects=o.entities, args=pk),
        "registry:phone": Probe(method="post", objects=o.phone_links, missing_to="/w/registry/",
                                          body=lambda link, _r: {"number": o.phones[link.pk]}),
        "registry:person-copy": Probe(method="post", objects=o.people, args=pk, body={"reason": "本人申请"}),
        "registry:import": Probe(objects=o.jobs, args=pk),
        "registry:import-errors": Probe(objects=o.jobs, args=pk),
        "registry:template": Probe(args={"kind": "people"}),
        "registry:template-csv": Probe(args={"kind": "people"}),
        "registry:review": Probe(method="post", objects=o.reviews, args=pk, body={}),
        "registry:identity-review": Probe(objects=o.identity_reviews, args=pk),
        "cases:case": Probe(objects=o.cases, args=lambda c: {"number": c.number}),
        "cases:act": Probe(method="post", objects=o.cases, args=lambda c: {"number": c.number},
                                    body=lambda _c, roles: {"action": _first_action(roles), "note": "矩阵"}),
        "cases:photos": Probe(method="post", objects=o.cases, args=lambda c: {"number": c.number},
                                       files=True, body=lambda _c, _r: {
                                           "photos": SimpleUploadedFile("a.jpg", b"not a photo", "image/jpeg")}),
        # Each case's own photo (another case's photo under this number is a 404 of its own test).
        "cases:photo": Probe(objects=o.cases, args=lambda c: {"number": c.number, "pk": o.photos[c.pk].pk}),
        # deliberation: a community posted, or a topic (its meetings' pages name the topic's own meeting)
        "deliberation:topic-new": Probe(method="post", objects=o.communities, body=lambda c, _r: {
            "community": c.code, "source": "worker", "title": "矩阵议题"}),
        "deliberation:topic": Probe(objects=o.topics, args=pk),
        "deliberation:topic-comment": Probe(method="post", objects=o.topics, args=pk, body={"text": "矩阵"}),
        "deliberation:topic-act": Probe(method="post", objects=o.topics, args=pk,
                                                  body={"action": "decline", "note": "矩阵"}),
        "deliberation:meeting-new": Probe(method="post", objects=o.topics, args=pk, body={
            "step": "0", "scheduled_at": "2026-01-06T09:00", "place": "议事厅"}),
        "deliberation:meeting": Probe(objects=o.topics, args=lambda t: {
            "pk": t.pk, "meeting": o.meetings[t.pk].pk}),
        "deliberation:meeting-act": Probe(method="post", objects=o.topics, args=lambda t: {
            "pk": t.pk, "meeting": o.meetings[t.pk].pk}, body={"action": "attend", "member": "0"}),
        "deliberation:from-case": Probe(method="post", objects=o.cases, args=lambda c: {"number": c.number}),
        "deliberation:council-new": Probe(method="post", objects=o.communities, body=lambda c, _r: {
            "community": c.code, "kind": "supervision", "name": "矩阵监事会"}),
        "deliberation:council": Probe(objects=o.councils, args=pk),
        "deliberation:council-act": Probe(method="post", objects=o.councils, args=pk, body={
            "action": "end_membership", "member": "0", "term_end": "2026-01-01"}),
        "deliberation:disclosure-new": Probe(method="post", objects=o.communities, body=lambda c, _r: {
            "community": c.code, "kind": "fund", "title": "矩阵公开", "body": "支出1万元"}),
        "deliberation:disclosure-account": Probe(method="post", objects=o.communities, body=lambda c, _r: {
            "community": c.code, "kind": "fund", "title": "矩阵资金", "period_start": "2025-01-01",
            "period_end": "2025-12-31", "line_name": "绿化", "line_budgeted": "100", "line_spent": "80"}),
        "deliberation:disclosure": Probe(objects=o.disclosures, args=pk),
        "deliberation:disclosure-act": Probe(method="post", objects=o.disclosures, args=pk,
                                                       body={"action": "publish"}),
        # the residents' portal: public pages; acting needs a resident's proof (redirected to /me/)
        "portal:resident-leave": Probe(method="post"),
        "portal:topic": Probe(objects=o.topics, args=pk),
        "portal:topic-photo": Probe(objects=o.topics, args=lambda t: {"pk": t.pk, "photo": o.topic_photos[t.pk].pk}),
        "portal:topic-support": Probe(method="post", objects=o.topics, args=pk),
        "portal:topic-comment": Probe(method="post", objects=o.topics, args=pk, body={"text": "矩阵", "token": "m"}),
        "portal:disclosure": Probe(objects=o.published, args=pk),
        # the API
        "api:sign_in": Probe(method="post", body={"username": "matrix_login", "password": PASSWORD}),
        "api:change_password": Probe(method="post", body={"old_password": "not it", "new_password": "x"}),
        "api:sign_out": Probe(method="post"),
        "api:locate": Probe(query=IN_G1),
        "api:get_area": Probe(objects=o.areas, args=lambda a: {"code": a.code}),
        "api:area_geojson": Probe(objects=o.areas, args=lambda a: {"code": a.code}),
        "api:get_organization": Probe(objects=o.organizations, args=lambda g: {"org_id": g.pk}),
        "api:get_department": Probe(objects=o.departments, args=lambda d: {"department_id": d.pk}),
        "api:search_registry": Probe(query={"q": "张"}),
        "api:person_view": Probe(objects=o.people, args=person),
        "api:change_person": Probe(method="patch", objects=o.people, args=person, body={"ethnicity": "汉族"}),
        "api:house_view": Probe(objects=o.houses, args=lambda h: {"house_id": h.pk}),
        "api:address_view": Probe(objects=o.addresses, args=lambda a: {"code": a.code}),
        "api:entity_view": Probe(objects=o.entities, args=lambda e: {"entity_id": e.pk}),
        "api:phone_view": Probe(method="post", objects=o.phone_links, body=lambda link, _r: {
            "number": o.phones[link.pk]}),
        "api:reveal_person": Probe(method="post", objects=o.people, args=person,
                                   body={"field": "id_number", "reason": "核对身份"}),
        "api:reveal_phone": Probe(method="post", objects=o.phone_links, args=lambda link: {"link_id": link.pk},
                                  body={"field": "phone", "reason": "核对身份"}),
        "api:subject_copy": Probe(method="post", objects=o.people, args=person, body={"reason": "本人申请"}),
        "api:create_address": Probe(method="post", objects=o.communities, body=lambda c, _r: {
            "community_code": c.code, "components": [["road", "新华路"], ["number", "1号"]]}),
        "api:create_house": Probe(method="post", objects=o.spare_addresses,
                                  body=lambda a, _r: {"address_code": a.code}),
        "api:create_person": Probe(method="post", objects=o.houses, body=lambda h, _r: {
            "name": "赵六", "residency": "floating", "house_id": h.pk}),
        "api:person_move_in": Probe(method="post", objects=o.people, args=person, body=lambda p, _r: {
            "house_id": p.house_id, "day": "2024-01-01"}),
        "api:person_move_out": Probe(method="post", objects=o.people, args=person, body={"day": "2024-01-01"}),
        "api:person_death": Probe(method="post", objects=o.people, args=person, body={"day": "2024-01-01"}),
        "api:create_entity": Probe(method="post", objects=o.addresses, body=lambda a, _r: {
            "kind": "shop", "name": "测试商店", "uscc": "not a uscc", "address_code": a.code}),
        "api:match_address": Probe(method="post", body={"text": "桂溪路18号锦绣花园1栋2单元301"}),
        "api:resolve_review": Probe(method="post", objects=o.reviews, args=lambda r: {"review_id": r.pk}, body={}),
        "api:dismiss_review": Probe(method="post", objects=o.reviews, args=lambda r: {"review_id": r.pk}),
        "api:report": Probe(method="post", body={"category": o.category.code, "description": "井盖缺失", **IN_G1}),
        "api:case_rates": Probe(query={"start": "2020-01-01", "end": "2030-12-31"}),
        "api:case_detail": Probe(objects=o.cases, args=lambda c: {"number": c.number}),
        "api:take_action": Probe(method="post", objects=o.cases, args=lambda c: {"number": c.number},
                                 body=lambda _c, roles: {"action": _first_action(roles), "note": "矩阵"}),
        "api:add_photo": Probe(method="post", objects=o.cases, args=lambda c: {"number": c.number}, files=True,
                               body=lambda _c, _r: {"file": SimpleUploadedFile("a.jpg", b"not a photo", "image/jpeg")}),
        # Open311
        "open311/v2/services.<str:fmt>": Probe(args=fmt),
        "open311/v2/services/<str:code>.<str:fmt>": Probe(args={"code": o.category.code, **fmt}),
        "open311/v2/requests.<str:fmt>": Probe(args=fmt),
        "open311/v2/requests/<str:number>.<str:fmt>": Probe(args={"number": o.cases[0].number, **fmt}),
        "open311/v2/tokens/<str:token>.<str:fmt>": Probe(args={"token": o.cases[0].number, **fmt}),
        # the admin's own pages
        "admin:autocomplete": Probe(query={"app_label": "accounts", "model_name": "roleassignment",
                                           "field_name": "area", "term": "洗"}),
        "admin:view_on_site": Probe(args={"content_type_id": 1, "object_id": 1}),
        "admin:app_list": Probe(args={"app_label": "areas"}),
        "admin/(?P<url>.*)$": Probe(url="/admin/no-such-page/"),
        "admin:auth_user_password_change": Probe(args={"id": o.grid_worker_id}),
        "admin:otp_totp_totpdevice_config": Probe(args={"pk": o.totp.pk}),
        "admin:otp_totp_totpdevice_qrcode": Probe(args={"pk": o.totp.pk}),
    }


def _url(key: str, probe: Probe, kwargs: dict, query: dict) -> str:
    if probe.url:
        path = probe.url
    elif "/" in key:  # an unnamed pattern: its route, arguments filled in
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), PATTERNS[key])
    else:
        path = reverse(key, kwargs=kwargs or None)
    return f"{path}?{urlencode(query)}" if query else path


def calls(key: str, rule: access.Rule, probe: Probe):
    """(label, object, path arguments, url) for each request a pattern gets: an inside and an
    outside object when it names one, each value of the argument that picks the permission, or
    the one request."""
    def made(value, obj):
        return value(obj) if callable(value) else dict(value)

    if probe.objects:
        for label, obj in zip(("inside", "outside"), probe.objects, strict=True):
            kwargs = made(probe.args, obj)
            yield label, obj, kwargs, _url(key, probe, kwargs, made(probe.query, obj))
    elif rule.by:
        for value in rule.permissions:
            kwargs = {**made(probe.args, None), rule.by: value}
            yield f"{rule.by}={value}", None, kwargs, _url(key, probe, kwargs, made(probe.query, None))
    else:
        kwargs = made(probe.args, None)
        yield "", None, kwargs, _url(key, probe, kwargs, made(probe.query, None))


_CLIENT: list[Client] = []


def _client(matrix: World, who: str) -> Client:
    """One test client for the module (its handler loads the middleware once), carrying only
    the session of `who` (none for the anonymous visitor)."""
    if not _CLIENT:
        _CLIENT.append(Client(raise_request_exception=False))
    client = _CLIENT[0]
    client.cookies = SimpleCookie()
    if who != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = matrix.sessions[who]
    return client


def send(client: Client, probe: Probe, url: str, obj, roles: set[str]):
    """The request, in a savepoint rolled back after it (a write leaves nothing behind)."""
    body = probe.body(obj, roles) if callable(probe.body) else probe.body
    with rolled_back():
        if probe.method == "get":
            response = client.get(url)
        elif url.startswith("/api/") and not probe.files:
            response = client.generic(probe.method.upper(), url, json.dumps(body or {}),
                                      content_type="application/json")
        else:
            response = client.post(url, body or {})
        transaction.set_rollback(True)
    return response


PRINCIPALS = [ANONYMOUS, "grid_worker", "other_grid_worker", "community_worker", "dispatcher", "city_dispatcher",
              "leader", "handler", "org_staff", "system_admin", "security_admin", "audit_admin", "multi", "revoked",
              "nobody"]


# ---------------------------------------------------------------- the declarations themselves
def test_every_url_pattern_is_declared():
    undeclared = [f"{key}  ({PATTERNS[key]})" for key in PATTERNS if access.rule_for(key) is None]
    assert not undeclared, ("URL patterns without a rule in gongzhi/accounts/access.py RULES (say who may "
                            "reach each):\n  " + "\n  ".join(undeclared))


def test_every_rule_names_a_url_pattern():
    stale = sorted(set(access.RULES) - set(PATTERNS))
    assert not stale, f"rules in gongzhi/accounts/access.py for URL patterns that no longer exist: {stale}"


def test_the_cast_is_every_principal_the_matrix_tries(matrix):
    assert set(PRINCIPALS) - {ANONYMOUS} == set(matrix.users)
    assert set(Role.values) <= {role for user in matrix.users.values() for role in _roles(user)}


def test_rules_agree_with_the_tables_they_restate():
    from gongzhi.cases.models import CASE_ROLES
    from gongzhi.cases.photos import PHOTO_ROLES
    from gongzhi.cases.workflow import TRANSITIONS
    from gongzhi.deliberation.models import DELIBERATION_ROLES
    from gongzhi.deliberation.scope import KEEPERS
    from gongzhi.registry import import_kinds
    from gongzhi.registry.exporters import EXPORTS

    assert set(access.CASE_WORK) == CASE_ROLES == {r for t in TRANSITIONS.values() for r in t.roles}
    assert set(access.CASE_PHOTO) == PHOTO_ROLES
    assert set(access.DELIBERATION) == DELIBERATION_ROLES and set(access.DELIBERATION_KEEP) == KEEPERS
    assert {kind: spec[2] for kind, spec in EXPORTS.items()} == access.EXPORT_PERMISSIONS
    assert {kind.key: kind.permission for kind in import_kinds.kinds()} == access.IMPORT_PERMISSIONS


def test_every_permission_a_rule_names_exists(db):
    from django.contrib.auth.models import Permission

    # A model's permissions, and the register's own (held by roles, never stored as rows).
    known = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    known |= {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    named = {r.permission for r in access.RULES.values() if r.permission} | {
        p for r in access.RULES.values() for p in r.permissions.values()}
    assert named <= known, sorted(named - known)


def test_each_api_rule_is_requested_with_its_operations_method(matrix):
    table = probes(matrix.o)
    methods = _api_methods()
    wrong = {key: (table.get(key, Probe()).method, sorted(methods[key])) for key in methods
             if table.get(key, Probe()).method.upper() not in methods[key]}
    assert not wrong, f"probe method vs. the operation's: {wrong}"


# ---------------------------------------------------------------- the matrix
@pytest.mark.parametrize("key", URL_KEYS)
def test_url_answers_as_declared(matrix, db, key):
    rule = access.rule_for(key)
    probe = probes(matrix.o).get(key, Probe())
    takes_arguments = "<" in PATTERNS[key] or "(?P" in PATTERNS[key]
    assert not takes_arguments or probe.args or probe.objects or probe.url or rule.by, \
        f"{key} takes arguments: give it a Probe in probes()"
    assert not rule.scoped or probe.objects, f"{key} is scoped: its Probe needs an inside and an outside object"
    wrong = []
    for who in PRINCIPALS:
        user = matrix.users.get(who)
        roles = _roles(user)
        for label, obj, kwargs, url in calls(key, rule, probe):
            want = expected(rule, user, obj, kwargs)
            response = send(_client(matrix, who), probe, url, obj, roles)
            got = outcome(response, url, missing_to=probe.missing_to)
            if got not in want:
                wrong.append(f"{who:17} {probe.method.upper()} {url} {label}: {response.status_code} is {got}, "
                             f"expected {' or '.join(sorted(want))}")
    assert not wrong, f"{key} declared {rule}:\n  " + "\n  ".join(wrong)


ADMIN_MODELS = sorted(django_admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_model_admin_pages_answer_by_the_models_permissions(matrix, db, model):
    """Changelist, add, change (inside and outside scope), delete and history of each registered
    model: only ADMIN_SITE_ROLES enter; inside, the page needs the model's own permission."""
    opts = model._meta
    perm = {action: f"{opts.app_label}.{action}_{opts.model_name}" for action in ("view", "add", "change", "delete")}
    seeing = {perm["view"], perm["change"]}
    inside, outside = matrix.o.admin_rows.get(model, (None, None))
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    pages = [("changelist", base, None, seeing), ("add", f"{base}add/", None, {perm["add"]})]
    for label, obj in (("inside", inside), ("outside", outside)):
        if obj is not None:
            pages.append((f"change {label}", f"{base}{obj.pk}/change/", obj, seeing))
    if inside is not None:
        pages += [("delete", f"{base}{inside.pk}/delete/", inside, {perm["delete"]}),
                  ("history", f"{base}{inside.pk}/history/", inside, seeing)]
    wrong = []
    for who in PRINCIPALS:
        user = matrix.users.get(who)
        for label, url, obj, needs in pages:
            if user is None or not _roles(user) & ADMIN_SITE_ROLES:
                want = {"sign-in"}
            else:
                may, visible = bool(_permissions(user) & needs), obj is None or in_scope(user, obj)
                want = ({"admitted"} if visible else {"not found"}) if may else \
                    ({"forbidden"} if visible else {"forbidden", "not found"})
            response = send(_client(matrix, who), Probe(), url, obj, set())
            got = outcome(response, url, missing_to="/admin/")
            if got not in want:
                wrong.append(f"{who:17} {label:14} {url}: {response.status_code} is {got}, "
                             f"expected {' or '.join(sorted(want))}")
    assert not wrong, f"{opts.label}'s admin pages:\n  " + "\n  ".join(wrong)


# ---------------------------------------------------------------- holders: organisations and sensitive groups
def test_an_organisations_staff_see_their_organisation_and_no_other(matrix, db):
    """The walk above asks for one organisation in G1 and one in 锦江区; here the organisation
    beside theirs in the same community too, and the list."""
    o, client = matrix.o, _client(matrix, "org_staff")
    own, beside, outside = o.organizations[0], o.org_beside, o.organizations[1]
    assert client.get(f"/api/v1/organizations/{own.pk}").json()["name"] == own.name
    for other in (beside, outside):
        assert client.get(f"/api/v1/organizations/{other.pk}").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/organizations").json()["items"]] == [own.pk]
    # Nothing else of the community: its places, register and cases hold no organisation.
    assert client.get(f"/api/v1/areas/{own.area_id}").status_code in (403, 404)
    assert client.get("/api/v1/registry/search?q=张").status_code == 403


def _person_keys(table: dict[str, Probe], o: SimpleNamespace) -> list[str]:
    """The patterns that name one person: their pages, API and writes."""
    return sorted(key for key, probe in table.items() if probe.objects is o.people)


@pytest.mark.parametrize(("who", "want"), [("community_worker", "not found"), (GRANTED, "admitted")])
def test_a_person_in_a_sensitive_group_is_seen_only_through_a_grant_naming_it(matrix, db, who, want):
    o = matrix.o
    table = probes(o)
    keys = _person_keys(table, o)
    assert {"registry:person", "api:person_view", "api:reveal_person"} <= set(keys)
    wrong = []
    for key in keys:
        probe = table[key]
        kwargs = probe.args(o.sensitive_person) if callable(probe.args) else dict(probe.args)
        query = probe.query(o.sensitive_person) if callable(probe.query) else dict(probe.query)
        url = _url(key, probe, kwargs, query)
        response = send(_client(matrix, who), probe, url, o.sensitive_person, {Role.COMMUNITY_WORKER})
        got = outcome(response, url, missing_to=probe.missing_to)
        if got != want:
            wrong.append(f"{probe.method.upper()} {url}: {response.status_code} is {got}")
    assert not wrong, f"{who}, expected {want}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize(("who", "listed"), [("community_worker", False), (GRANTED, True)])
def test_lists_omit_a_person_in_a_sensitive_group_unless_the_grant_names_it(matrix, db, who, listed):
    o, client = matrix.o, _client(matrix, who)
    name, house_page = SENSITIVE_NAME, reverse("registry:house", kwargs={"pk": o.houses[0].pk})
    api = client.get(f"/api/v1/registry/search?q={name[0]}").json()
    assert (name in [p["name"] for p in api["people"]]) is listed
    assert (name in client.get(reverse("registry:search"), {"q": name[0]}).content.decode()) is listed
    residents = client.get(f"/api/v1/registry/houses/{o.houses[0].pk}").json()["residents"]
    assert (o.sensitive_person.pk in [r["person"]["id"] for r in residents]) is listed
    page = client.get(house_page).content.decode()
    assert (name in page) is listed
    assert "张三" in page  # the person beside them in the same house is listed either way


# ---------------------------------------------------------------- administrators cannot help themselves
# (issue 15, items 1 and 2): a self-grant, a working role for an administrator, and one
# administrator resetting another's credentials are refused whoever of them tries.
ADMINISTRATORS = {"system_admin": "security_admin", "security_admin": "system_admin"}


@pytest.mark.parametrize("who", sorted(ADMINISTRATORS))
def test_no_administrator_grants_themselves_or_another_administrator_a_working_role(matrix, db, who):
    me, other = matrix.users[who], matrix.users[ADMINISTRATORS[who]]
    tries = [(me, Role.COMMUNITY_WORKER, C1), (me, Role.DISPATCHER, "510100000000"), (me, Role.GRID_WORKER, G1),
             (other, Role.DISPATCHER, "510100000000"), (other, Role.COMMUNITY_WORKER, C1)]
    wrong = []
    for user, role, area in tries:
        probe = Probe(method="post", body={"user": user.pk, "role": role, "area": area})
        response = send(_client(matrix, who), probe, "/admin/accounts/roleassignment/add/", None, set())
        text = response.content.decode()
        if response.status_code != 200 or not ("不能给自己授予角色" in text or "三权分立" in text):
            wrong.append(f"{who} granting {user.username} {role}@{area}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", sorted(ADMINISTRATORS))
def test_no_single_administrator_resets_another_administrators_credentials(matrix, db, who):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongzhi.accounts.models import CredentialReset

    client, target = _client(matrix, who), matrix.users[ADMINISTRATORS[who]]
    with rolled_back():
        client.post(f"/admin/accounts/user/{target.pk}/password/",
                    {"new_password1": "Takeover#2026", "new_password2": "Takeover#2026"})
        client.post("/admin/accounts/user/", {"action": "reset_authenticator", "_selected_action": [target.pk]})
        asked = list(CredentialReset.objects.filter(target=target, requested_by=matrix.users[who]))
        client.post("/admin/accounts/credentialreset/", {"action": "approve",
                                                         "_selected_action": [r.pk for r in asked]})
        target.refresh_from_db()
        assert len(asked) == 2 and {r.state for r in CredentialReset.objects.filter(target=target)} == {"pending"}
        assert not target.check_password("Takeover#2026") and TOTPDevice.objects.filter(user=target).exists()
        transaction.set_rollback(True)
