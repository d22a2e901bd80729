"""A resident follows their case with its number and the code they were given (or the phone
they left), and rates it when it is closed. Wrong number and wrong code answer the same.

Guessing is bounded: failed tries count per case number and per address (the shared cache,
GONGZHI_TRACK_FAILURES_PER_CASE / _PER_ADDRESS); over either bound, even the right code is
refused with the same answer until the period ends. Each failure is audited, without the code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongzhi.audit import log
from gongzhi.common import actors, crypto, throttle

from .models import Case


def refused() -> str:
    """The one answer to a wrong number, a wrong code and a number or address over its bound."""
    return _("编号或查询码不正确，或尝试次数过多，请稍后再试")


def _bounds(request: Any, number: str) -> list[dict[str, str]]:
    return [{"group": "track-case", "rate": settings.GONGZHI_TRACK_FAILURES_PER_CASE, "key": f"case:{number}"},
            {"group": "track-address", "rate": settings.GONGZHI_TRACK_FAILURES_PER_ADDRESS}]


def find(number: str, code: str, request: Any = None) -> Case | None:
    """The case with this number if the code (or the reporter's phone) matches, else None.
    With the resident's `request`, the tries are bounded and a failure is counted and audited."""
    number = (number or "").strip().upper()
    if request is None:
        return _match(number, code)
    bounds = _bounds(request, number)
    if any(throttle.exceeded(request, increment=False, **bound) for bound in bounds):
        case, locked = None, True
    else:
        case, locked = _match(number, code), False
    if case is None:
        for bound in bounds:
            throttle.exceeded(request, **bound)
        log.record("portal.track_failed", actor_name=_("居民"), target_type="cases.case", target_id=number[:100],
                   changes={"refused_over_bound": locked})
    return case


def _match(number: str, code: str) -> Case | None:
    case = Case.objects.unscoped().filter(number=number).first()
    if case is None or not code:
        return None
    code = code.strip()
    if crypto.digests_equal(case.tracking_code_digest, crypto.digest(code, kind="tracking_code")):
        return case
    if case.reporter_phone_digest:
        from gongzhi.registry.identifiers import IdentifierError, parse_phone

        try:
            phone_digest = crypto.digest(parse_phone(code), kind="phone")
        except IdentifierError:
            return None
        if crypto.digests_equal(case.reporter_phone_digest, phone_digest):
            return case
    return None


def rate(*, number: str, code: str, satisfaction: str, comment: str = "", request: Any = None) -> Case:
    """The reporter's rating of a closed case; only once. The reporter, proven by the number and
    code, takes the loop's own `evaluate` (workflow.act), as staff recording a rating do."""
    case = find(number, code, request)  # a refused try's audit entry stays
    if case is None:
        raise LookupError(refused())
    from . import workflow

    reporter = actors.ResidentActor(_("反映人"), case_number=case.number)
    return workflow.act(actor=reporter, case=case, action="evaluate", satisfaction=satisfaction,
                        note=(comment or "")[:2000])
