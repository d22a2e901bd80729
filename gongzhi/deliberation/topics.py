"""Topics come in (from a resident, a community worker, the party organisation, or a case that
cannot be solved as a case), residents of the community support and comment on them, and the
council decides whether to take them up."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from gongzhi.accounts import scoping
from gongzhi.audit import log
from gongzhi.cases.photos import FORMATS, MAX_PER_REPORT, Cleaned
from gongzhi.common import actors

from .models import (
    Council,
    CouncilKind,
    DeliberationError,
    Topic,
    TopicComment,
    TopicPhoto,
    TopicSource,
    TopicState,
    TopicSupport,
)
from .scope import KEEPERS, in_community, locked, require_keeper


@transaction.atomic
def propose(*, actor: Any, area: Any, title: str, description: str = "", source: str,
            proposer: Any = None, photos: Sequence[Cleaned] = ()) -> Topic:
    """A new topic in the community `area`. A resident's (`source="resident"`) names the person
    (`proposer`, a resident of the community); staff enter the others. `photos` went through
    cases.photos.clean (checked, re-encoded, metadata gone) before anything is written."""
    if source not in TopicSource.values or source == TopicSource.CASE:
        raise DeliberationError(_("请选择议题来源"))
    if area.level != "community":
        raise DeliberationError(_("议题属于一个社区"))
    title = title.strip()
    if not title:
        raise DeliberationError(_("请填写议题标题"))
    if source == TopicSource.RESIDENT:
        if proposer is None:
            raise DeliberationError(_("居民提出的议题需写明提出人"))
        in_community(proposer, area, actor)
    else:
        if actors.is_resident(actors.require(actor)):
            raise DeliberationError(_("只有居民可以不登录提出议题"))
        require_keeper(actor)
    topic = Topic.objects.create(area=area, title=title[:200], description=description.strip(), source=source,
                                 proposer=proposer, created_by=actors.user_or_none(actor))
    if len(photos) > MAX_PHOTOS:
        raise DeliberationError(_("最多上传%(n)s张照片") % {"n": MAX_PHOTOS})
    for cleaned in photos:
        _store_photo(topic, cleaned)
    if actors.is_staff(actor):
        scoping.ensure_in_scope(topic, actor, KEEPERS)
    log.record("deliberation.topic.proposed", actor=actor, target=topic,
               changes={"area": area.code, "source": source, "proposer": getattr(proposer, "pk", None),
                        "photos": len(photos)})
    return topic


MAX_PHOTOS = MAX_PER_REPORT


def _store_photo(topic: Topic, cleaned: Cleaned) -> TopicPhoto:
    content_type, extension = FORMATS[cleaned.format]
    photo = TopicPhoto(topic=topic, content_type=content_type, width=cleaned.size[0], height=cleaned.size[1])
    photo.image.save(f"{secrets.token_hex(12)}.{extension}", ContentFile(cleaned.data), save=False)
    photo.save()
    return photo


# A topic residents may still support and comment on: not yet resolved, rejected or declined.
OPEN = frozenset({TopicState.PROPOSED, TopicState.TAKEN_UP, TopicState.DELIBERATING})


def community_of(code: str) -> Any:
    """The community an area code lies in (a grid's, a house's, a case's), or None above one."""
    from gongzhi.areas.codes import PREFIX_LENGTHS
    from gongzhi.areas.models import Area

    return Area.objects.unscoped().filter(code=code[:PREFIX_LENGTHS["community"]], level="community").first()


def public(within: Any) -> QuerySet[Topic]:
    """The topics the portal lists for the area `within`, newest first, with their counts of
    supports and comments. Public by design (居务公开: what neighbours raised and what became
    of it); who proposed shows only masked."""
    return (scoping.under(Topic.objects.unscoped(), within).select_related("area", "proposer")
            .annotate(support_count=Count("supports", distinct=True), comment_count=Count("comments", distinct=True))
            .order_by("-created_at", "-id"))


@transaction.atomic
def from_case(*, actor: Any, case: Any, title: str = "", description: str = "") -> Topic:
    """Turns a case that cannot be solved as a case into a topic of its community; the two are
    linked both ways (`topic.case`, `case.topic`) and the case's history records it."""
    from gongzhi.cases import links
    from gongzhi.cases.models import Case

    require_keeper(actor)
    case = scoping.get_in_scope_or_404(Case.objects.select_for_update(), actor, pk=case.pk)
    if Topic.objects.unscoped().filter(case=case).exists():  # one topic per case, whoever sees it
        raise DeliberationError(_("该事件已转为议题"))
    community = community_of(case.area_id)
    if community is None:
        raise DeliberationError(_("只有社区内的事件可以转为议题"))
    title = title.strip() or _("事件%(n)s转为议题") % {"n": case.number}
    topic = Topic.objects.create(area=community, title=title[:200], description=description.strip() or case.description,
                                 source=TopicSource.CASE, case=case,
                                 created_by=actors.user_or_none(actor))
    scoping.ensure_in_scope(topic, actor, KEEPERS)
    links.refer(actor=actor, case=case, process="topic", ref=topic.pk, title=topic.title)
    log.record("deliberation.topic.proposed", actor=actor, target=topic,
               changes={"area": community.code, "source": TopicSource.CASE, "case": case.number})
    return topic


@transaction.atomic
def support(*, topic: Topic, person: Any, actor: Any) -> TopicSupport:
    """A resident of the topic's community supports it, once (`actor`: the portal's verified
    resident, or staff recording it)."""
    topic = locked(Topic, actor, topic.pk, keeping=False)
    in_community(person, topic.area, actor)
    if topic.state not in OPEN:
        raise DeliberationError(_("议题已办结，不能再附议"))
    try:
        with transaction.atomic():
            row = TopicSupport.objects.create(topic=topic, person=person)
    except IntegrityError as exc:
        raise DeliberationError(_("%(p)s 已经附议过这个议题") % {"p": person.name}) from exc
    log.record("deliberation.topic.supported", actor=actor, target=topic, changes={"person": person.pk})
    return row


@transaction.atomic
def comment(*, topic: Topic, text: str, actor: Any, person: Any = None) -> TopicComment:
    """A comment by a resident of the community (`person`, the portal's verified resident
    acting) or by staff in scope (`actor`)."""
    topic = locked(Topic, actor, topic.pk, keeping=False)
    text = text.strip()
    if not text:
        raise DeliberationError(_("请填写评论内容"))
    if topic.state not in OPEN:
        raise DeliberationError(_("议题已办结，不能再评论"))
    if person is not None:
        in_community(person, topic.area, actor)
    elif not actors.is_staff(actor):
        raise DeliberationError(_("请写明评论人"))
    row = TopicComment.objects.create(topic=topic, person=person, author=actors.user_or_none(actor), text=text[:5000])
    log.record("deliberation.topic.commented", actor=actor, target=topic,
               changes={"comment": row.pk, "person": getattr(person, "pk", None)})
    return row


@transaction.atomic
def take_up(*, actor: Any, topic: Topic, council: Council, note: str = "") -> Topic:
    """The council (a deliberation council of the topic's community) takes the topic up."""
    require_keeper(actor)
    topic = locked(Topic, actor, topic.pk)
    council = locked(Council, actor, council.pk)
    if topic.state != TopicState.PROPOSED:
        raise DeliberationError(_("议题处于“%(s)s”状态，不能受理") % {"s": topic.get_state_display()})
    if council.area_id != topic.area_id or council.kind != CouncilKind.DELIBERATION:
        raise DeliberationError(_("请选择本社区的居民议事会"))
    topic.state, topic.council, topic.decision_note = TopicState.TAKEN_UP, council, note.strip()
    topic.save(update_fields=["state", "council", "decision_note"])
    log.record("deliberation.topic.taken_up", actor=actor, target=topic, changes={"council": council.pk})
    return topic


@transaction.atomic
def decline(*, actor: Any, topic: Topic, note: str) -> Topic:
    """The council does not take the topic up, and says why."""
    require_keeper(actor)
    topic = locked(Topic, actor, topic.pk)
    if topic.state != TopicState.PROPOSED:
        raise DeliberationError(_("议题处于“%(s)s”状态，不能不予受理") % {"s": topic.get_state_display()})
    if not note.strip():
        raise DeliberationError(_("请填写不予受理的理由"))
    topic.state, topic.decision_note = TopicState.DECLINED, note.strip()
    topic.save(update_fields=["state", "decision_note"])
    case_back(actor, topic, settled=False, note=topic.decision_note)
    log.record("deliberation.topic.declined", actor=actor, target=topic, changes={"note": topic.decision_note})
    return topic


def case_back(actor: Any, topic: Topic, *, settled: bool, note: str) -> None:
    """The topic's process has ended: a case waiting on it is closed by it (settled: the
    implementation result is public) or goes back to its desk (declined, or voted down)."""
    if topic.case_id is not None:
        from gongzhi.cases import links

        links.ended(actor=actor, case_id=topic.case_id, process="topic", ref=topic.pk, settled=settled, note=note)
