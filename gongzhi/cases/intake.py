"""A case comes in: from staff (a grid worker's phone, the hotline desk, the JSON API), a resident
on the portal, or an Open311 client. Who reports (a `reporters.Source`) decides, from one table,
the channels, the roles, where the report may lie, how its address text is read and whose its
idempotency key is; the point (or the address, matched to the standard address) puts it in a
grid; the accept deadline starts; the photos sent with it are stored with it, all or nothing;
a retried submission with the same key returns the case it already made (and adds no photos)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.common import actors, bulk, crypto

from . import deadlines, numbers, rates, reporters
from .models import Case, CaseEvent, CaseState, Category
from .photos import Cleaned, removed_on_failure, store


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


def _file(case: Case, event: CaseEvent, photos: Sequence[Cleaned] = ()) -> None:
    """Writes the case, its first event, its rollup counts and its photos together or not at all.
    On PostgreSQL outside a transaction, a report without photos is one statement (one round trip
    and one commit: intake is the platform's busiest write); elsewhere, and with photos, one
    transaction, whose photo files are removed again if it fails."""
    if photos or connection.vendor != "postgresql" or connection.in_atomic_block:
        with removed_on_failure() as written, transaction.atomic():
            case.save()
            event.case = case
            event.save()
            rates.count(case, case.reported_at, reported=1)
            for photo in photos:
                store(case, photo, uploader=event.actor, actor_name=event.actor_name, written=written)
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


def report(*, source: reporters.Source, category: Category, description: str, lon: float | None = None,
           lat: float | None = None, address_text: str = "", reporter_name: str = "", reporter_phone: str = "",
           idempotency_key: str | None = None, photos: Sequence[Cleaned] = ()) -> Receipt:
    """Files a new case (or returns the one this idempotency key already filed: the key is
    unique within its sender's namespace, so a retry, even one racing the first submission, finds
    the first case when its own insert is refused, and adds no photos). `source` is who reports
    (`reporters.staff`, `.portal`, `.open311`), admitted already; `photos` went through
    `photos.clean`. IntakeError names the field at fault."""
    if not isinstance(source, reporters.Source):
        raise actors.ActorMissing("a report needs its source: reporters.staff, reporters.portal or reporters.open311")
    if category.parent_id is None or not category.is_active:
        raise IntakeError(_("请选择具体的小类"), "category")
    description = (description or "").strip()
    if not description:
        raise IntakeError(_("请描述事件"), "description")
    if len(photos) > source.rule.photos:
        raise IntakeError(_("一次最多%(n)s张照片") % {"n": source.rule.photos}, "photos")
    area_code, address = reporters.place(source, lon, lat, address_text)
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
    key = source.key(idempotency_key)
    case = Case(channel=source.channel, category=category, description=description[:5000], area_id=area_code,
                lon=lon, lat=lat, address=address, address_text=address_text[:300], reporter_name=reporter_name[:60],
                level=category.default_level, reported_at=now, step_started_at=now, due_at=due,
                warn_at=deadlines.warning_from(now, due, category.warn_at),
                reported_by=actors.user_or_none(source.actor), idempotency_key=key,
                tracking_code_digest=crypto.digest(code, kind="tracking_code"))
    case.reporter_phone = phone
    for _attempt in range(5):
        try:
            case.number = numbers.next_number(now)
            _file(case, CaseEvent(at=now, actor=case.reported_by, action="report", to_state=CaseState.REPORTED,
                                  actor_name=reporters.named(source.actor), data={"channel": source.channel}),
                  photos)
            return Receipt(case, code, True)
        except IntegrityError:
            case.pk = None
            if key:
                first = Case.objects.unscoped().filter(idempotency_key=key).first()
                if first is not None:
                    return Receipt(first, "", False)
            # else the number was taken (a block held across a restored database, say): take
            # a fresh block
            numbers.forget()
    raise IntakeError(_("系统繁忙，请重试"))
