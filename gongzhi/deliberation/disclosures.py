"""居务公开: notices published on the community's public page with their date, and kept there.
A published disclosure is never edited or deleted; it is corrected by a new dated one that
names it. Resolutions, implementation results, funds and projects all go this way."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.common import actors

from . import topics
from .models import DeliberationError, Disclosure, DisclosureKind, Topic, TopicState
from .scope import KEEPERS, locked, require_keeper


@transaction.atomic
def draft(*, actor: Any, area: Any, kind: str, title: str, body: str, topic: Topic | None = None) -> Disclosure:
    """A disclosure not yet public, of the community `area` (in the actor's scope)."""
    require_keeper(actor)
    if kind not in DisclosureKind.values:
        raise DeliberationError(_("请选择公开类型"))
    if area.level != "community":
        raise DeliberationError(_("公开属于一个社区"))
    if not title.strip() or not body.strip():
        raise DeliberationError(_("请填写公开的标题和内容"))
    if topic is not None and topic.area_id != area.code:
        raise DeliberationError(_("议题不属于该社区"))
    row = Disclosure.objects.create(area=area, kind=kind, title=title.strip()[:200], body=body.strip(), topic=topic,
                                    created_by=actors.user_or_none(actor))
    if actors.is_staff(actor):
        scoping.ensure_in_scope(row, actor, KEEPERS)
    log.record("deliberation.disclosure.drafted", actor=actor, target=row, changes={"kind": kind, "title": row.title})
    return row


@transaction.atomic
def publish(*, actor: Any, disclosure: Disclosure) -> Disclosure:
    """Makes a draft public, dated now. From then on it stays as it is."""
    require_keeper(actor)
    row = locked(Disclosure, actor, disclosure.pk)
    if row.published_at is not None:
        raise DeliberationError(_("该内容已经公开"))
    row.published_at = timezone.now()
    row.save(update_fields=["published_at"])
    log.record("deliberation.disclosure.published", actor=actor, target=row,
               changes={"kind": row.kind, "published_at": row.published_at,
                        "corrects": row.corrects_id})
    return row


def correctable(actor: Any, disclosure: Disclosure) -> Disclosure:
    """The disclosure, locked, if the actor may publish its correction: published, and the
    latest of its chain (the one no correction names yet)."""
    require_keeper(actor)
    old = locked(Disclosure, actor, disclosure.pk)
    if old.published_at is None:
        raise DeliberationError(_("未公开的内容直接修改即可，无需更正"))
    if Disclosure.objects.unscoped().filter(corrects=old).exists():
        raise DeliberationError(_("该公开已有更正，请更正最新的一份"))
    return old


@transaction.atomic
def correct(*, actor: Any, disclosure: Disclosure, title: str, body: str) -> Disclosure:
    """Publishes a correction of a published disclosure: a new one, dated now, naming it. The
    old one stays public. Only the latest of a chain is corrected; one with an account (lines)
    is corrected with its account (funds.disclose_fund / disclose_project, `corrects=`)."""
    old = correctable(actor, disclosure)
    if old.items.exists():
        raise DeliberationError(_("资金和项目公开请连同收支明细一起更正"))
    new = draft(actor=actor, area=old.area, kind=old.kind, title=title, body=body, topic=old.topic)
    new.corrects = old
    new.save(update_fields=["corrects"])
    return publish(actor=actor, disclosure=new)


def _topic_for_disclosure(actor: Any, topic: Topic, kind: str) -> Topic:
    topic = locked(Topic, actor, topic.pk)
    if topic.state != TopicState.RESOLVED:
        raise DeliberationError(_("议题形成决议后才能公开"))
    if Disclosure.objects.unscoped().filter(topic=topic, kind=kind).exists():  # the topic was read in scope
        raise DeliberationError(_("已经公开过，如有错误请发布更正"))
    return topic


@transaction.atomic
def disclose_resolution(*, actor: Any, topic: Topic) -> Disclosure:
    """Publishes the topic's resolution (决议公开)."""
    topic = _topic_for_disclosure(actor, topic, DisclosureKind.RESOLUTION)
    resolution = topic.resolution
    body = _("%(text)s\n\n（%(procedure)s，%(date)s 通过）") % {
        "text": resolution.text, "procedure": topic.procedure_name,
        "date": timezone.localdate(resolution.adopted_at).isoformat()}
    row = draft(actor=actor, area=topic.area, kind=DisclosureKind.RESOLUTION, title=topic.title, body=body,
                topic=topic)
    return publish(actor=actor, disclosure=row)


@transaction.atomic
def disclose_implementation(*, actor: Any, topic: Topic, body: str) -> Disclosure:
    """Publishes what came of carrying the resolution out (实施结果公开), after the resolution's."""
    topic = _topic_for_disclosure(actor, topic, DisclosureKind.IMPLEMENTATION)
    if not Disclosure.objects.unscoped().filter(topic=topic, kind=DisclosureKind.RESOLUTION,
                                               published_at__isnull=False).exists():
        raise DeliberationError(_("请先公开决议"))
    row = draft(actor=actor, area=topic.area, kind=DisclosureKind.IMPLEMENTATION, title=topic.title, body=body,
                topic=topic)
    published = publish(actor=actor, disclosure=row)
    topics.case_back(actor, topic, settled=True, note=body)
    return published


def public(area: Any) -> QuerySet[Disclosure]:
    """What the public page of a community (or of every community under a district or city)
    shows: every published disclosure there, newest first, corrections and the ones they
    correct alike (public by design: no user)."""
    return (scoping.under(Disclosure.objects.unscoped(), area)  # published notices are public; drafts are not
            .filter(published_at__isnull=False)
            .select_related("area", "corrects", "correction", "topic").order_by("-published_at", "-id")
            .prefetch_related("items"))
