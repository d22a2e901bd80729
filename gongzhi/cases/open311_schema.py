"""The OpenAPI 3.1 description of our Open311 GeoReport v2 endpoints (cases/open311.py), served at
/open311/v2/openapi.json for integrators (the specification itself has none).

It describes the JSON form of each method, exactly as this server answers: the fields of the
specification that we fill, the ones we accept and ignore, our limits (90 days, 1,000
requests, the rate bounds), our additions (an Idempotency-Key header on posting), and the
specification's error list [{code, description}] with the statuses we answer (400 a bad
argument, 403 a missing or wrong api_key, 404 nothing there, 429 over a rate bound). The same
methods answer XML with `.xml` instead of `.json`; that form is not described here.
cases/tests/test_open311_schema.py fuzzes the endpoints against this document."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse

from .open311 import MAX_ADDRESS, MAX_ARGUMENT, MAX_DAYS, MAX_DESCRIPTION, MAX_IDEMPOTENCY_KEY, MAX_NAME


def _text(description: str, max_length: int = MAX_ARGUMENT, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": r"^[^\x00]*$", "description": description,
            **extra}


def _query(name: str, description: str, *, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": _text(description, **schema)}


def _errors(*statuses: int) -> dict[str, Any]:
    why = {400: "An argument is missing or not valid; the description names it.",
           403: "The api_key is missing (posting) or not valid (any method).",
           404: "Nothing there: no such service or request, or a request outside the api_key's area.",
           413: "The body is larger than 64 KiB; such a body is read only with a valid api_key in the query string "
                "(without one, 403).",
           429: "Too many requests from this address, or for this api_key (posting), in the last minute; "
                "retry after it."}
    return {str(status): {"description": why[status],
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
            for status in statuses}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


JURISDICTION = _query("jurisdiction_id", "Accepted and ignored: this server serves one jurisdiction.")
READING_KEY = _query(
    "api_key", "Optional when reading. Without it a request shows no description and no address and its "
    "point only to about 100 m; with it, the requests of the key's area show in full and others are not "
    "listed. A key that is not valid is refused (403).")
W3C = {"type": "string", "format": "date-time"}
W3C_OR_EMPTY = {"type": "string", "anyOf": [{"format": "date-time"}, {"maxLength": 0}]}


def document() -> dict[str, Any]:
    """The OpenAPI document (the rate bounds are read from the settings in force)."""
    per_address, per_key = settings.GONGZHI_OPEN311_RATE_PER_ADDRESS, settings.GONGZHI_OPEN311_RATE_PER_KEY
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gongzhi 共治 Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) for the cases of this "
                "platform: services are the leaf categories; a request is a case, its service_request_id "
                "the case number, `open` until the case is closed. Every method also answers XML when the "
                "path ends in `.xml` instead of `.json` (not described here). Errors are the "
                "specification's list of {code, description}, code being the HTTP status. Every method is "
                f"bounded per source address ({per_address}); posting also per api_key ({per_key}). "
                "api_keys are issued per area by the operator (`gongzhi open311-key create`)."),
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/services.json": {"get": {
                "operationId": "services",
                "summary": "The services (leaf categories) that requests may be posted to",
                "parameters": [JURISDICTION],
                "responses": {**_ok("Every active service", _list_of("Service")), **_errors(400, 429)},
            }},
            "/services/{service_code}.json": {"get": {
                "operationId": "service_definition",
                "summary": "A service's definition (this server defines no extra attributes)",
                "parameters": [
                    {"name": "service_code", "in": "path", "required": True, "schema": _text("A service_code")},
                    JURISDICTION],
                "responses": {**_ok("The definition", {"$ref": "#/components/schemas/ServiceDefinition"}),
                              **_errors(400, 404, 429)},
            }},
            "/requests.json": {
                "get": {
                    "operationId": "requests",
                    "summary": f"Requests, newest first: by id, or filtered (at most {MAX_DAYS} days, at most 1,000)",
                    "parameters": [
                        READING_KEY,
                        _query("service_request_id", "Comma-separated ids; when given, the other filters "
                                                     "are ignored."),
                        _query("service_code", "Comma-separated service codes."),
                        _query("start_date", f"W3C date-time (e.g. 2026-11-01T00:00:00+08:00), years 1900 to "
                                             f"2999; default end_date minus {MAX_DAYS} days."),
                        _query("end_date", f"W3C date-time; default now. At most {MAX_DAYS} days after start_date."),
                        _query("status", "Comma-separated: open, closed."),
                        JURISDICTION,
                    ],
                    "responses": {**_ok("The requests", _list_of("ServiceRequest")), **_errors(400, 403, 429)},
                },
                "post": {
                    "operationId": "post_request",
                    "summary": "Post a request: one case, filed at once (no token is needed)",
                    "parameters": [{
                        "name": "Idempotency-Key", "in": "header", "required": False,
                        "description": "Not in the specification: a retry with the same key (and api_key) "
                                       "answers the first request instead of filing another.",
                        "schema": _text("", MAX_IDEMPOTENCY_KEY)}],
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/NewRequest"}},
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/NewRequest"}},
                    }},
                    "responses": {**_ok("The new request's id", _list_of("PostedRequest")),
                                  **_errors(400, 403, 413, 429)},
                },
            },
            "/requests/{service_request_id}.json": {"get": {
                "operationId": "request",
                "summary": "One request",
                "parameters": [
                    {"name": "service_request_id", "in": "path", "required": True, "schema": _text("An id")},
                    READING_KEY, JURISDICTION],
                "responses": {**_ok("A list of the one request", _list_of("ServiceRequest")),
                              **_errors(400, 403, 404, 429)},
            }},
            "/tokens/{token}.json": {"get": {
                "operationId": "token",
                "summary": "The request of a token (this server answers ids at once; a token is the id)",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": _text("A token")},
                    READING_KEY, JURISDICTION],
                "responses": {**_ok("A list of the one request", _list_of("Token")), **_errors(400, 403, 404, 429)},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }


SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "array", "minItems": 1,
        "items": {"type": "object", "required": ["code", "description"], "properties": {
            "code": {"type": "integer", "description": "The HTTP status"},
            "description": {"type": "string"}}},
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": "string", "description": "The group and the service's name"},
            "metadata": {"type": "boolean", "description": "Always false: no extra attributes"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"],
                     "description": "Always realtime: a posted request is a case at once"},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
    "ServiceDefinition": {
        "type": "object", "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array", "description": "The specification's extra attributes; none are defined here",
                "items": {"type": "object", "properties": {
                    "variable": {"type": "boolean"}, "code": {"type": "string"},
                    "datatype": {"type": "string", "enum": ["string", "number", "datetime", "text", "singlevaluelist",
                                                            "multivaluelist"]},
                    "required": {"type": "boolean"}, "datatype_description": {"type": "string"},
                    "order": {"type": "integer"}, "description": {"type": "string"},
                    "values": {"type": "array", "items": {"type": "object", "properties": {
                        "key": {"type": "string"}, "name": {"type": "string"}}}}}},
            },
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                     "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                     "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"],
        "properties": {
            "service_request_id": {"type": "string", "description": "The case number"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": {"type": "string", "description": "The case's state, in words"},
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {"type": "string", "description": "Empty without an api_key of the request's area"},
            "agency_responsible": {"type": "string", "description": "The department handling it, once dispatched"},
            "service_notice": {"type": "string"},
            "requested_datetime": W3C,
            "updated_datetime": W3C,
            "expected_datetime": {**W3C_OR_EMPTY, "description": "The current step's deadline; empty if none"},
            "address": {"type": "string", "description": "Empty without an api_key of the request's area"},
            "address_id": {"type": "string", "description": "The standard address code, if matched"},
            "zipcode": {"type": "string"},
            "lat": {"type": ["number", "null"], "description": "To 3 decimals (about 100 m) without an api_key"},
            "long": {"type": ["number", "null"]},
            "media_url": {"type": "string"},
        },
    },
    "NewRequest": {
        "type": "object",
        "required": ["api_key", "service_code", "description"],
        "description": "A location is required: lat and long, or address_string (matched to a standard "
                       "address of the key's area). address_id is not supported.",
        "properties": {
            "api_key": _text("The client's key (required to post)"),
            "service_code": _text("A service_code from services.json"),
            "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "WGS-84"},
            "long": {"type": "number", "minimum": -180, "maximum": 180, "description": "WGS-84"},
            "address_string": _text("Used when lat/long are not given", MAX_ADDRESS),
            "description": _text("What happened; required by this server", MAX_DESCRIPTION, minLength=1),
            "first_name": _text("The reporter's name, with last_name at most 60 characters", MAX_NAME),
            "last_name": _text("", MAX_NAME),
            "phone": _text("The reporter's phone (mainland mobile or landline); stored sealed", 30),
            "jurisdiction_id": _text("Accepted and ignored"),
            "email": _text("Accepted and ignored"),
            "device_id": _text("Accepted and ignored"),
            "account_id": _text("Accepted and ignored"),
            "media_url": _text("Accepted and ignored"),
        },
    },
    "PostedRequest": {
        "type": "object", "required": ["service_request_id", "service_notice", "account_id"],
        "properties": {"service_request_id": {"type": "string"}, "service_notice": {"type": "string"},
                       "account_id": {"type": "string"}},
    },
    "Token": {
        "type": "object", "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}


def served(request) -> HttpResponse:
    """GET /open311/v2/openapi.json (public, like the endpoints it describes)."""
    return HttpResponse(json.dumps(document(), ensure_ascii=False), content_type="application/json; charset=utf-8")
