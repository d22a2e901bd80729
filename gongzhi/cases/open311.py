"""Open311 GeoReport v2 (/open311/v2/), as the specification writes it: services and their
definitions from the categories; requests posted with an api_key and lat/long or an
address_string; requests listed with their filters (at most 90 days); one request; a token's
request. Every answer in JSON or XML (by the .json/.xml suffix); errors as the specification's
list of {code, description} with the HTTP status as code.

service_request_id is the case number; status is "open" until the case is closed. Posting needs
an api_key (issued by `gongzhi open311-key create NAME` or in the admin). Reading does not, as
clients expect — but without a key a request shows no description and no address, and its point
only to about 100 m; with a key, the requests of the key's area show in full."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from xml.etree import ElementTree as ET  # nosec B405  # we only write XML here; nothing parses it

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from gongzhi.accounts import scoping
from gongzhi.common import crypto, throttle
from gongzhi.common.memo import Memo

from . import categories, intake, reporters
from .models import Case, CaseEvent, CaseState, Category, Open311Key

CLOSED_STATES = {CaseState.CLOSED, CaseState.EVALUATED, CaseState.REJECTED, CaseState.SELF_RESOLVED,
                 CaseState.MERGED}
MAX_DAYS = 90
# What a request may carry (the columns behind it): anything longer, or any NUL character, is a 400.
MAX_NAME = 60  # first_name and last_name together, with a space between
MAX_ADDRESS = 300
MAX_DESCRIPTION = 5000
MAX_IDEMPOTENCY_KEY = 64
MAX_ARGUMENT = 1000  # any other argument
LIMITS = {"description": MAX_DESCRIPTION}
# The largest body those limits allow, with room (the specification posts no files). A larger
# one is refused unread: 403 unless the query string carries a valid api_key, 413 if it does.
MAX_BODY = 64 * 1024


class Problem(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def new_key(*, name: str, area) -> str:
    """Creates a key and returns it (the only time it is seen)."""
    key = secrets.token_urlsafe(24)
    Open311Key.objects.create(name=name, area=area, key_digest=crypto.digest(key, kind="open311_key"))
    return key


def _w3c(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _render(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        for row in rows:
            element = ET.SubElement(top, item)
            for key, value in row.items():
                child = ET.SubElement(element, key)
                if isinstance(value, list):
                    for entry in value:
                        sub = ET.SubElement(child, "attribute" if key == "attributes" else "value")
                        for k, v in entry.items():
                            ET.SubElement(sub, k).text = "" if v is None else str(v).lower() if isinstance(v, bool) \
                                else str(v)
                else:
                    child.text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(rows, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def _errors(fmt: str, problem: Problem) -> HttpResponse:
    return _render(fmt, "errors", "error", [{"code": problem.status, "description": problem.description}],
                   status=problem.status)


def _check_arguments(request, path_args: dict) -> None:
    """Every argument a string of bounded length without NUL (PostgreSQL refuses NUL in text)."""
    try:
        given = [*path_args.items(), *request.GET.lists(), *request.POST.lists()]
    except MultiPartParserError as exc:
        raise Problem(400, f"the request body cannot be read: {exc}") from None
    for name, values in given:
        for value in values if isinstance(values, list) else [values]:
            if "\x00" in name or "\x00" in value:
                raise Problem(400, f"{name!r} must not contain NUL characters")
            if len(value) > LIMITS.get(name, MAX_ARGUMENT):
                raise Problem(400, f"{name} is longer than {LIMITS.get(name, MAX_ARGUMENT)} characters")


def endpoint(*methods: str):
    """A GeoReport method answering these HTTP methods, in JSON or XML by the path's suffix,
    with errors as the specification's list."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        def wrapped(request, *args, fmt="json", **kwargs):
            if fmt not in ("json", "xml"):
                return _errors("json", Problem(404, "format must be json or xml"))
            if request.method not in allowed:
                response = _errors(fmt, Problem(405, f"{request.method} is not allowed here"))
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                _bounded_body(request)
                _bound(request)
                _check_arguments(request, kwargs)
                return view(request, *args, fmt=fmt, **kwargs)
            except Problem as problem:
                return _errors(fmt, problem)
            except RequestDataTooBig:
                return _errors(fmt, Problem(413, f"the request body is larger than {MAX_BODY} bytes"))
            except (TooManyFieldsSent, TooManyFilesSent):
                return _errors(fmt, Problem(400, "the request has too many fields or files (a request carries "
                                                 "no files)"))
        return csrf_exempt(wrapped)
    return decorate


def _service(category: Category) -> dict:
    return {"service_code": category.code, "service_name": category.name,
            "description": f"{category.parent.name}/{category.name}", "metadata": False, "type": "realtime",
            "keywords": category.parent.name, "group": category.parent.name}


@endpoint("GET")
def services(request, *, fmt):
    leaves = Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent").order_by("code")
    return _render(fmt, "services", "service", [_service(c) for c in leaves])


@endpoint("GET")
def service_definition(request, code: str, *, fmt):
    if not Category.objects.filter(code=code, parent__isnull=False, is_active=True).exists():
        raise Problem(404, f"service_code {code} not found")
    if fmt == "xml":  # the definition is the root itself, not a list of items
        root = ET.Element("service_definition")
        ET.SubElement(root, "service_code").text = code
        ET.SubElement(root, "attributes")
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps({"service_code": code, "attributes": []}),
                        content_type="application/json; charset=utf-8")


def _request_row(case: Case, updated: dt.datetime | None, public: bool) -> dict:
    closed = case.state in CLOSED_STATES
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": case.get_state_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": "" if public else case.description,
        "agency_responsible": case.department.name if case.department_id else "",
        "service_notice": "",
        "requested_datetime": _w3c(case.reported_at),
        "updated_datetime": _w3c(updated or case.reported_at),
        "expected_datetime": _w3c(case.due_at),
        "address": "" if public else case.address_text,
        "address_id": "" if public or not case.address_id else case.address.code,
        "zipcode": "",
        "lat": _coarse(case.lat) if public else case.lat,
        "long": _coarse(case.lon) if public else case.lon,
        "media_url": "",
    }


def _coarse(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _rows(cases, public: bool) -> list[dict]:
    from django.db.models import Max

    cases = list(cases)
    updated = dict(CaseEvent.objects.filter(case__in=cases).values("case_id").annotate(last=Max("at"))
                   .values_list("case_id", "last"))
    return [_request_row(c, updated.get(c.pk), public) for c in cases]


def _bound(request) -> None:
    """Each request counts once, against one bound: its api_key's when it carries a valid key
    (an integration such as a city's hotline posts far more than one address would), otherwise
    its address's — a wrong key included, before it is refused."""
    key = _given_key(request)
    if key is not None:
        if throttle.exceeded(request, group="open311-key", key=str(key.pk), rate=settings.GONGZHI_OPEN311_RATE_PER_KEY):
            raise Problem(429, f"too many requests for this api_key (at most {settings.GONGZHI_OPEN311_RATE_PER_KEY}); "
                               "retry in a minute")
    elif throttle.exceeded(request, group="open311-address", rate=settings.GONGZHI_OPEN311_RATE_PER_ADDRESS):
        raise Problem(429, f"too many requests from this address (at most "
                           f"{settings.GONGZHI_OPEN311_RATE_PER_ADDRESS}); retry in a minute")


def _bounded_body(request) -> None:
    """A body over MAX_BODY is refused before it is read, and before a key in it could be: only
    a valid api_key in the query string earns the 413 (which says what is allowed); without one,
    403, so an anonymous caller cannot make us read megabytes."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= MAX_BODY:
        return
    raw = request.GET.get("api_key", "")
    if not raw or _key_for(raw) is None:
        raise Problem(403, f"api_key is missing or not valid (a body over {MAX_BODY} bytes is read only with a "
                           "valid api_key in the query string)")
    raise Problem(413, f"the request body is larger than {MAX_BODY} bytes")


def _optional_key(request) -> Open311Key | None:
    """The key a reading client sent, if any (a wrong one is refused, not ignored)."""
    if not _raw_key(request):
        return None
    return _key(request)


# Clients send their key with every request; a key revoked in another process stops working
# within KEY_MEMO_SECONDS (in this process at once).
KEY_MEMO_SECONDS = 30
_KEYS: Memo[Open311Key | None] = Memo(KEY_MEMO_SECONDS)
forget_keys = _KEYS.clear


def _raw_key(request) -> str:
    try:
        return request.POST.get("api_key") or request.GET.get("api_key") or ""
    except MultiPartParserError:  # _check_arguments answers it
        return ""


def _given_key(request) -> Open311Key | None:
    """The active key the request carries (None without one or with a wrong one), looked up once."""
    if not hasattr(request, "_open311_key"):
        raw = _raw_key(request)
        request._open311_key = _key_for(raw) if raw else None
    return request._open311_key


def _key_for(raw: str) -> Open311Key | None:
    """The active key with this value (looked up at most every KEY_MEMO_SECONDS)."""
    digest = crypto.digest(raw, kind="open311_key")
    return _KEYS.get(digest, lambda: Open311Key.objects.filter(key_digest=digest, is_active=True)
                     .select_related("area").first())


def _key(request) -> Open311Key:
    key = _given_key(request)
    if key is None:
        raise Problem(403, "api_key is missing or not valid")
    return key


def _float(name: str, value: str, bound: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Problem(400, f"{name} is not a number") from None
    if not -bound <= number <= bound:  # also refuses nan and inf
        raise Problem(400, f"{name} must be within ±{bound:g} (WGS-84)")
    return number


@endpoint("GET", "POST")
def requests(request, *, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    key = _optional_key(request)
    cases = _visible(key)
    public = key is None
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return _render(fmt, "service_requests", "request", _rows(cases.filter(number__in=ids), public))
    end = _when(request.GET.get("end_date"), "end_date") or timezone.now()
    start = _when(request.GET.get("start_date"), "start_date") or end - dt.timedelta(days=MAX_DAYS)
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise Problem(400, f"start_date and end_date may be at most {MAX_DAYS} days apart")
    cases = cases.filter(reported_at__gte=start, reported_at__lte=end)
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        cases = cases.filter(category__code__in=codes)
    status = request.GET.get("status", "")
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if wanted - {"open", "closed"}:
            raise Problem(400, "status must be open or closed")
        if wanted == {"open"}:
            cases = cases.exclude(state__in=CLOSED_STATES)
        elif wanted == {"closed"}:
            cases = cases.filter(state__in=CLOSED_STATES)
    return _render(fmt, "service_requests", "request", _rows(cases.order_by("-reported_at")[:1000], public))


def _when(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))  # a "+" read from a URL as a space
    except ValueError:  # well formed but no such moment (month 13, hour 25 …)
        moment = None
    if moment is None:
        raise Problem(400, f"{name} must be a W3C datetime, e.g. 2026-11-01T00:00:00+08:00")
    if not 1900 <= moment.year <= 2999:  # and 90 days either side stay within what Python and the database hold
        raise Problem(400, f"{name} must be between the years 1900 and 2999")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _post_request(request, fmt):
    key = _key(request)
    data = request.POST
    category = categories.active(data.get("service_code", ""))
    if category is None or category.parent_id is None:
        raise Problem(400, "service_code is missing or unknown")
    lat, lon = data.get("lat", ""), data.get("long", "")
    text = data.get("address_string", "")
    if lat and lon:
        lat_f, lon_f = _float("lat", lat, 90), _float("long", lon, 180)
    elif text:
        lat_f = lon_f = None
    else:
        raise Problem(400, "a location is required: lat and long, or address_string")
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    for field, value, limit in (("first_name and last_name", name, MAX_NAME), ("address_string", text, MAX_ADDRESS),
                                ("description", data.get("description", ""), MAX_DESCRIPTION),
                                ("Idempotency-Key", request.headers.get("Idempotency-Key", ""), MAX_IDEMPOTENCY_KEY)):
        if len(value) > limit:
            raise Problem(400, f"{field} is longer than {limit} characters")
    try:
        receipt = intake.report(source=reporters.open311(key), category=category,
                                description=data.get("description", ""), lon=lon_f, lat=lat_f, address_text=text,
                                reporter_name=name, reporter_phone=data.get("phone", ""),
                                idempotency_key=request.headers.get("Idempotency-Key"))
    except intake.IntakeError as exc:
        if exc.field == "address_text":
            raise Problem(400, "address_string could not be matched to an address") from exc
        raise Problem(400, f"{exc.field or 'request'}: {exc}") from exc
    return _render(fmt, "service_requests", "request", [{"service_request_id": receipt.case.number,
                                                         "service_notice": "", "account_id": ""}])


def _visible(key: Open311Key | None):
    """With a key, the requests of the area it serves; without, all (shown coarsely)."""
    cases = Case.objects.unscoped().select_related("category", "department", "address")  # public by design
    return scoping.under(cases, key.area) if key is not None else cases


@endpoint("GET")
def one_request(request, number: str, *, fmt):
    key = _optional_key(request)
    case = _visible(key).filter(number=number).first()
    if case is None:
        raise Problem(404, f"service_request_id {number} not found")
    return _render(fmt, "service_requests", "request", _rows([case], key is None))


@endpoint("GET")
def token(request, token: str, *, fmt):
    if not _visible(_optional_key(request)).filter(number=token).exists():
        raise Problem(404, f"token {token} not found")
    return _render(fmt, "service_requests", "request", [{"service_request_id": token, "token": token}])
