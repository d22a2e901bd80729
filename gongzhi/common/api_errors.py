"""What the JSON API answers when it refuses, so that each operation can declare it
(`response={200: Out, **errors(401, 403, 404, 422)}`) and the OpenAPI document lists every
status an operation can give, with its body.

  400  the body is not JSON at all (django-ninja: "Cannot parse request body"), or it holds more
       fields or files than Django reads (`code`: too_many_parts);
  401  not signed in, or the session ended (`code`: session_idle, session_expired);
  403  the role may not do this (PermissionDenied), a step of the sign-in policy is missing
       (`code`: otp_required, password_change_required), or a write without the CSRF token;
  404  no such object, or not in the caller's scope (the same answer, on purpose);
  422  the request does not fit the declared types and limits (django-ninja), or a rule of the
       domain refused it (gongzhi/api.py maps RegistryError, AddressError, IntakeError and
       WorkflowError): each entry names the field in `loc`, in the user's language in `msg`;
  415  the sign-in's body is not `application/json` (a form or text/plain post from another
       site's page, login CSRF, is refused before the credentials are read);
  413  the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (`code`: body_too_large; refused by its
       declared length before it is read; gongzhi/api.py);
  429  sign-in locked after repeated failures (django-axes).

schemathesis checks the declarations against the answers (common/tests/test_api_schema.py)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class Problem(Schema):
    """A refusal in one sentence, in the user's language; `code` is for clients to act on."""

    detail: str
    code: str = ""


class FieldProblem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(Schema):
    """The fields that were refused, each with where it is (`loc`) and why (`msg`)."""

    detail: list[FieldProblem]


SCHEMAS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 413: Problem, 415: Problem,
                           422: Invalid, 429: Problem}


def errors(*statuses: int) -> dict[int, Any]:
    """The bodies of these error statuses, to add to an operation's `response` mapping."""
    return {status: SCHEMAS[status] for status in statuses}
