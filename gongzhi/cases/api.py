"""Cases over the JSON API, for the grid worker's phone and other clients: categories, report
(with an Idempotency-Key header, so a retried upload never files twice), my inbox, a case with
its history and the actions I may take, and taking them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gongzhi.accounts import scoping
from gongzhi.common.api_errors import errors
from gongzhi.common.api_types import Latitude, Longitude, text
from gongzhi.orgs.models import Department

from . import categories, inbox, intake, photos, rates, reporters, routing, workflow
from .models import CASE_ROLES, Case, CaseEvent, Category

router = Router(tags=["cases"])


class CategoryOut(Schema):
    code: str
    name: str
    top: str
    default_level: str

    @staticmethod
    def resolve_top(obj):
        return obj.parent.name


class ReportIn(Schema):
    category: text(40)
    description: text(5000)  # intake keeps the first 5,000 characters
    channel: text(12) = "grid_patrol"
    lon: Longitude | None = None
    lat: Latitude | None = None
    address_text: text(300) = ""
    reporter_name: text(60) = ""
    reporter_phone: text(30) = ""


# Stored as "api:<user id>:<key>" in a column of 100 characters.
IdempotencyKey = Annotated[text(64) | None, Header(alias="Idempotency-Key")]


class Receipt(Schema):
    number: str
    tracking_code: str | None
    created: bool


class CaseOut(Schema):
    number: str
    state: str
    channel: str
    category: str
    description: str
    area_code: str
    level: str
    department_id: int | None
    lon: float | None
    lat: float | None
    reporter_phone: str
    reported_at: dt.datetime
    due_at: dt.datetime | None
    light: str

    @staticmethod
    def resolve_category(obj):
        return obj.category.code

    @staticmethod
    def resolve_area_code(obj):
        return obj.area_id

    @staticmethod
    def resolve_reporter_phone(obj):
        return obj.reporter_phone_masked


class CaseEventOut(Schema):
    at: dt.datetime
    actor_name: str
    action: str
    from_state: str
    to_state: str
    note: str


class UnitOut(Schema):
    id: int
    name: str


class CaseDetail(Schema):
    case: CaseOut
    events: list[CaseEventOut]
    actions: list[str]
    suggested_department: UnitOut | None


class InboxPage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class InboxFilters(Schema):
    state: text(14) = ""
    category: text(40) = ""
    area: text(15) = ""
    channel: text(12) = ""
    light: text(6) = ""
    after: text(60) = ""
    size: int = 50


class ActionIn(Schema):
    action: text(20)
    note: text(2000) = ""
    department_id: int | None = None
    satisfaction: text(20) = ""
    until: dt.datetime | None = None


def _works_cases(request) -> None:
    """Queues and rates are for the roles that work cases (an administrator's would be empty)."""
    if not scoping.roles(request.user) & CASE_ROLES:
        raise PermissionDenied


def _case(request, number: str) -> Case:
    return scoping.get_in_scope_or_404(Case.objects.select_related("category"), request.user, number=number)


@router.get("/cases/categories", response={200: list[CategoryOut], **errors(401, 403)},
            summary="Case categories (leaves)")
def list_categories(request):
    return list(Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"))


@router.post("/cases", response={200: Receipt, 201: Receipt, **errors(400, 401, 403, 422)},
             summary="Report a case (send Idempotency-Key: a retry returns the same case)")
def report(request, body: ReportIn, idempotency_key: IdempotencyKey = None):
    source = reporters.staff(request.user, body.channel, via="api")  # 403 for a role that files no cases
    category = categories.active(body.category)
    if category is None:
        raise intake.IntakeError(_("未知分类“%(c)s”") % {"c": body.category}, "category")
    receipt = intake.report(source=source, category=category, description=body.description, lon=body.lon,
                            lat=body.lat, address_text=body.address_text, reporter_name=body.reporter_name,
                            reporter_phone=body.reporter_phone, idempotency_key=idempotency_key)
    out = {"number": receipt.case.number, "tracking_code": receipt.tracking_code or None, "created": receipt.created}
    return Status(201 if receipt.created else 200, out)


@router.get("/cases/inbox", response={200: InboxPage, **errors(401, 403, 422)},
            summary="Cases waiting for me, earliest deadline first")
def my_inbox(request, filters: Query[InboxFilters]):
    _works_cases(request)
    rows, cursor = inbox.page(inbox.inbox(request.user, state=filters.state, category=filters.category,
                                          area=filters.area, channel=filters.channel, light=filters.light),
                              after=filters.after, size=filters.size)
    return {"items": rows, "next_cursor": cursor}


class RateRow(Schema):
    key: str | int | None
    reported: int
    responded: int
    responded_on_time: int
    closed: int
    handled: int
    handled_on_time: int
    rated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None


@router.get("/cases/rates", response={200: list[RateRow], **errors(401, 403, 422)},
            summary="Response, resolution, satisfaction and on-time rates (formulas in cases/rates.py)")
def case_rates(request, start: dt.date, end: dt.date, group_by: text(12) = "", area: text(15) = ""):
    _works_cases(request)
    if group_by not in {"", "category", "channel", "department", "district", "subdistrict", "community", "grid"}:
        raise intake.IntakeError(_("分组方式“%(g)s”无效") % {"g": group_by}, "group_by")
    return rates.rates(request.user, start=start, end=end, group_by=group_by, area=area)


@router.get("/cases/{number}", response={200: CaseDetail, **errors(401, 403, 404, 422)},
            summary="A case, its history and what I may do")
def case_detail(request, number: text(20)):
    case = _case(request, number)
    actions = workflow.allowed(request.user, case)
    suggestion = routing.suggest(case.category, case.area_id) if "dispatch" in actions else None
    return {"case": case, "events": list(CaseEvent.objects.filter(case=case)), "actions": actions,
            "suggested_department": suggestion}


@router.post("/cases/{number}/actions", response={200: CaseDetail, **errors(400, 401, 403, 404, 422)},
             summary="Take an action on a case")
def take_action(request, number: text(20), body: ActionIn):
    case = _case(request, number)
    department = None
    if body.department_id is not None:
        department = scoping.get_in_scope_or_404(Department, request.user, pk=body.department_id)
    case = workflow.act(actor=request.user, case=case, action=body.action, note=body.note, department=department,
                        satisfaction=body.satisfaction, until=body.until)
    return case_detail(request, number)


class PhotoOut(Schema):
    id: int
    content_type: str
    width: int
    height: int
    taken_lon: float | None
    taken_lat: float | None


@router.post("/cases/{number}/photos", response={201: PhotoOut, **errors(400, 401, 403, 404, 422)},
             summary="Add a photo (JPEG, PNG, WebP; metadata removed, location kept apart)")
def add_photo(request, number: text(20), file: File[UploadedFile]):
    case = _case(request, number)
    try:
        if file.size > request_limit():  # refused before reading it into memory
            raise photos.PhotoError(_("照片过大"))
        photo = photos.attach(actor=request.user, case=case, data=file.read())
    except photos.PhotoError as exc:
        raise intake.IntakeError(str(exc), "file") from exc
    return Status(201, photo)


def request_limit() -> int:
    from django.conf import settings

    return settings.GONGZHI_PHOTO_MAX_BYTES
