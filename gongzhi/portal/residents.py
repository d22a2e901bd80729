"""Residents on the portal prove who they are without an account: their name and a phone number
the register holds for them, then a code sent to that phone by SMS (through the outbox, so a
slow gateway never holds the page). The proof lives in the browser's session for a while and
names the person, so that a resident supports a topic once and speaks as a resident of their
own community, and nobody else can.

Whether a name and number are on the register is never said: every request for a code gets the
same answer, and a wrong code the same refusal."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common import crypto, throttle
from gongzhi.notifications import outbox
from gongzhi.registry.identifiers import IdentifierError, parse_phone
from gongzhi.registry.models import Person, PersonStatus

CHALLENGE = "gongzhi_resident_challenge"
VERIFIED = "gongzhi_resident"
CODE_SECONDS = 600
TRIES = 5


class ResidentError(ValueError):
    """Why a resident could not be verified; says so in the resident's words."""


def _people(name: str, phone: str, within: Any) -> list[int]:
    """Residents on the register of the portal's area with this name and this number."""
    people = Person.objects.unscoped()  # the portal has no user: its own area bounds it
    if within is not None:
        people = scoping.under(people, within)
    people = people.filter(name=name, status=PersonStatus.ACTIVE,
                           phone_links__phone__number_digest=crypto.digest(phone, kind="phone"))
    return list(people.order_by("id").values_list("pk", flat=True)[:1])


def send_code(request: Any, *, name: str, phone: str, within: Any) -> None:
    """Sends a code to `phone` if it belongs to a resident called `name` in the area `within`;
    answers the same either way. A number gets a bounded number of codes an hour, and so does a
    network address (trying many numbers from one place)."""
    name = (name or "").strip()
    if not name:
        raise ResidentError(_("请填写姓名"))
    try:
        phone = parse_phone(phone or "")
    except IdentifierError as exc:
        raise ResidentError(_("请填写有效的手机号")) from exc
    digest = crypto.digest(phone, kind="phone")
    if throttle.exceeded(request, group="portal-resident-code", rate=settings.GONGZHI_PORTAL_CODES_PER_PHONE,
                         key=f"phone:{digest}") or \
            throttle.exceeded(request, group="portal-resident-address", rate=settings.GONGZHI_PORTAL_RATE_PER_ADDRESS):
        raise ResidentError(_("验证码发送过于频繁，请一小时后再试"))
    code = f"{secrets.randbelow(10**6):06d}"
    people = _people(name, phone, within)
    request.session[CHALLENGE] = {"people": people, "code": crypto.digest(code, kind="resident_code"),
                                  "until": int(time.time()) + CODE_SECONDS, "id": secrets.token_urlsafe(16)}
    if people:
        with transaction.atomic():
            outbox.notify(phones=[phone], subject=_("居民身份验证码"), sealed=True,
                          body=_("您的验证码是%(code)s，%(minutes)s分钟内有效。如非本人操作，请忽略本短信。") % {
                              "code": code, "minutes": CODE_SECONDS // 60})


def confirm(request: Any, code: str) -> Person:
    """The resident the code proves, remembered in the session; ResidentError otherwise."""
    challenge = request.session.get(CHALLENGE)
    if not challenge:
        raise ResidentError(_("请先获取验证码"))
    if challenge["until"] < time.time() or _count_try(challenge.get("id", "")) > TRIES:
        request.session.pop(CHALLENGE, None)
        raise ResidentError(_("验证码已失效，请重新获取"))
    given = crypto.digest((code or "").strip(), kind="resident_code")
    if not challenge["people"] or not crypto.digests_equal(given, challenge["code"]):
        raise ResidentError(_("验证码不正确"))
    person = Person.objects.unscoped().get(pk=challenge["people"][0])
    del request.session[CHALLENGE]
    request.session.cycle_key()  # a new session id for the proven resident
    request.session[VERIFIED] = {"person": person.pk, "until": int(time.time()) + settings.GONGZHI_RESIDENT_HOURS * 3600}
    log.record("portal.resident.verified", target=person, actor_name=_("居民"))
    return person


def _count_try(challenge_id: str) -> int:
    """This try's number for the challenge, counted atomically in the shared cache (Redis in
    production), not in the session: requests sent at once each load the session as it was,
    so a count kept there lets any number of them be evaluated."""
    if not challenge_id:
        return TRIES + 1  # a challenge from before the counter moved: ask for a new code
    key = f"gongzhi:resident-code-tries:{challenge_id}"
    cache.add(key, 0, CODE_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: fail closed, a new code is one click away
        return TRIES + 1


def current(request: Any) -> Person | None:
    """The resident this browser proved to be, while the proof lasts and they live here."""
    proof = request.session.get(VERIFIED)
    if not proof:
        return None
    if proof["until"] < time.time():
        del request.session[VERIFIED]
        return None
    return Person.objects.unscoped().filter(pk=proof["person"], status=PersonStatus.ACTIVE).first()


def leave(request: Any) -> None:
    request.session.pop(VERIFIED, None)
    request.session.pop(CHALLENGE, None)



POSTED = "gongzhi_resident_posted"
KEEP_POSTED = 20


def posted(request: Any, token: str) -> str | None:
    """Where a form sent before from this browser with this one-time token led (a retried
    proposal or comment makes nothing twice; the resident lands where the first one did)."""
    return request.session.get(POSTED, {}).get(token)


def remember_posted(request: Any, token: str, url: str) -> None:
    done = request.session.get(POSTED, {})
    done[token] = url
    request.session[POSTED] = dict(list(done.items())[-KEEP_POSTED:])
