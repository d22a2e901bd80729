"""A case comes in: from a grid worker's phone, the hotline desk, a resident, a walk-in or
Open311. The point (or the address, matched to the standard address) puts it in a grid; the
accept deadline starts; a retried submission with the same idempotency key returns the case
it already made."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas import lookup
from gongzhi.common import bulk, crypto

from . import deadlines, numbers, rates
from .models import Case, CaseEvent, CaseState, Category, Channel


class IntakeError(ValueError):
    """A report that cannot become a case; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Receipt:
    case: Case
    tracking_code: str  # shown once to the reporter; only its digest is kept
    created: bool


def _file(case: Case, event: CaseEvent) -> None:
    """Writes the case, its first event and its rollup counts together or not at all. On
    PostgreSQL outside a transaction that is one statement (one round trip and one commit:
    intake is the platform's busiest write); elsewhere, one transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic():
            case.save()
            event.case = case
            event.save()
            rates.count(case, case.reported_at, reported=1)
        return
    case_sql, case_params = bulk.insert_sql(case)
    event_sql, event_params = bulk.insert_sql(event, source="c", computed={"case_id": "c.id"})
    counts = rates.count_sql(case, case.reported_at, reported=1)
    statement = _statement(case_sql, event_sql, tuple(sql for sql, _params in counts))
    connection.ensure_connection()
    # Bound and prepared by the server, once per connection: from then on only the values
    # travel, and PostgreSQL neither parses nor plans the four-write statement again (settings:
    # prepare_threshold lets psycopg prepare what is asked; DATABASE_PREPARED_STATEMENTS=off
    # turns it off, and then this is sent whole each time).
    # (Its errors are Django's, as through any cursor: a retry's key is an IntegrityError.)
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cursor:
        cursor.execute(statement, [*case_params, *event_params, *(p for _sql, params in counts for p in params)],
                       prepare=True)
        case.pk = cursor.fetchone()[0]
    case._state.adding, case._state.db = False, connection.alias


@functools.lru_cache(maxsize=8)
def _statement(case_sql: str, event_sql: str, upserts: tuple[str, ...]) -> str:
    """The four writes as one statement, with PostgreSQL's own numbered placeholders ($1, $2,
    and so on) for Django's %s: a raw cursor sends it as it is, where a formatting cursor would
    parse its forty-odd parameters again at every report. Made once: the parts are the same
    strings at every report (bulk.insert_sql and rates.count_sql keep them), which write no
    literal text (no string that could hold a %s; only the number 0)."""
    with_upserts = "".join(f", s{i} AS ({sql})" for i, sql in enumerate(upserts))
    statement = f"WITH c AS ({case_sql} RETURNING id), e AS ({event_sql}){with_upserts} SELECT id FROM c"  # noqa: S608  # nosec B608
    parts = statement.split("%s")
    return "".join(part + (f"${n}" if n < len(parts) else "") for n, part in enumerate(parts, start=1))


# Digits of a new tracking code (codes given out when they had 6 keep working: only digests are kept).
CODE_DIGITS = 8


def _lies_in(area_code: str, area: Any) -> bool:
    from gongzhi.accounts import scoping

    return scoping.lies_in(area_code, area)


def _holds(actor: Any, area_code: str) -> bool:
    from gongzhi.accounts import scoping
    from gongzhi.areas.models import Area

    return scoping.scoped(Area, actor).filter(code=area_code).exists()


def report(*, actor: Any, channel: str, category: Category, description: str, lon: float | None = None,
           lat: float | None = None, address=None, address_text: str = "", reporter_name: str = "",
           reporter_phone: str = "", idempotency_key: str | None = None, within: Any = None) -> Receipt:
    """Files a new case (or returns the one this idempotency key already filed: the key is
    unique, so a retry, even one racing the first submission, finds the first case when its
    own insert is refused). `within` (an Area): a client bound to that area, such as an Open311
    key, files nothing outside it."""
    if channel not in Channel.values:
        raise IntakeError(_("渠道“%(c)s”无效") % {"c": channel}, "channel")
    if category.parent_id is None or not category.is_active:
        raise IntakeError(_("请选择具体的小类"), "category")
    description = (description or "").strip()
    if not description:
        raise IntakeError(_("请描述事件"), "description")
    area_code = None
    if lon is not None and lat is not None:
        area_code = lookup.locate(lon, lat)
        if area_code is None:
            raise IntakeError(_("该位置不在任何网格内"), "location")
    elif address is not None:
        area_code = address.area_id
    if area_code is None:
        raise IntakeError(_("请给出位置或地址"), "location")
    if actor is not None and actor.is_authenticated and not _holds(actor, area_code):
        # Staff file cases where they work: no case created in a grid they do not hold.
        raise IntakeError(_("该位置不在您负责的区域内"), "location")
    if within is not None and not _lies_in(area_code, within):
        raise IntakeError(_("该位置不在“%(area)s”的范围内") % {"area": within.name}, "location")
    phone = ""
    if reporter_phone:
        from gongzhi.registry.identifiers import IdentifierError, parse_phone

        try:
            phone = parse_phone(reporter_phone)
        except IdentifierError as exc:
            raise IntakeError(str(exc), "reporter_phone") from exc
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    due = deadlines.deadline(now, category.accept_within, category.accept_unit)
    case = Case(channel=channel, category=category, description=description[:5000], area_id=area_code, lon=lon,
                lat=lat, address=address, address_text=address_text[:300], reporter_name=reporter_name[:60],
                level=category.default_level, reported_at=now, step_started_at=now, due_at=due,
                warn_at=deadlines.warning_from(now, due, category.warn_at),
                reported_by=actor if actor is not None and actor.is_authenticated else None,
                idempotency_key=idempotency_key or None,
                tracking_code_digest=crypto.digest(code, kind="tracking_code"))
    case.reporter_phone = phone
    for _attempt in range(5):
        try:
            case.number = numbers.next_number(now)
            _file(case, CaseEvent(at=now, actor=case.reported_by, action="report", to_state=CaseState.REPORTED,
                                  actor_name=actor.get_username() if case.reported_by else "",
                                  data={"channel": channel}))
            return Receipt(case, code, True)
        except IntegrityError:
            case.pk = None
            if idempotency_key:
                first = Case.objects.unscoped().filter(idempotency_key=idempotency_key).first()
                if first is not None:
                    return Receipt(first, "", False)
            # else the number was taken (a block held across a restored database, say): take
            # a fresh block
            numbers.forget()
    raise IntakeError(_("系统繁忙，请重试"))


