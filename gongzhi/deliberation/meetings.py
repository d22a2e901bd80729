"""Meetings of a topic's steps: scheduled, members invited (those entitled to vote), attendance
recorded; concluding a meeting computes its result (votes.tally), freezes it with the minutes
and moves the procedure on. A meeting without its quorum fails and its step may meet again; a
step rejected ends the topic as rejected; the last step passed makes the resolution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.audit import log

from . import councils, procedures, topics, votes
from .models import (
    Attendance,
    CouncilMember,
    DeliberationError,
    Meeting,
    Outcome,
    Resolution,
    StepKind,
    StepState,
    Topic,
    TopicState,
    TopicStep,
)
from .scope import locked, open_meeting, require_keeper


def _council_members(topic: Topic, members: Iterable[CouncilMember], day: dt.date) -> list[CouncilMember]:
    seated = {m.pk: m for m in councils.members_on(topic.council, day)}
    chosen = [seated.get(m.pk) for m in members]
    if None in chosen:
        raise DeliberationError(_("只能邀请议事会的在任成员"))
    return chosen


@transaction.atomic
def schedule(*, actor: Any, step: TopicStep, scheduled_at: dt.datetime, place: str,
             invited: Iterable[CouncilMember] | None = None) -> Meeting:
    """A meeting for the topic's current step; by default every member seated on its day."""
    require_keeper(actor)
    topic = locked(Topic, actor, step.topic_id)
    if procedures.current_step(topic) != step:
        raise DeliberationError(_("只能为当前步骤安排会议"))
    if step.meetings.filter(frozen=False).exists():
        raise DeliberationError(_("这一步骤已有未结束的会议"))
    if not place.strip():
        raise DeliberationError(_("请填写会议地点"))
    day = timezone.localdate(scheduled_at)
    members = (_council_members(topic, invited, day) if invited is not None
               else list(councils.members_on(topic.council, day)))
    meeting = Meeting.objects.create(step=step, scheduled_at=scheduled_at, place=place.strip())
    meeting.invited.set(members)
    texted = _text_invitation(meeting, topic, members)
    log.record("deliberation.meeting.scheduled", actor=actor, target=topic,
               changes={"meeting": meeting.pk, "step": step.name, "at": scheduled_at, "place": meeting.place,
                        "invited": sorted(m.pk for m in members), "texted": texted})
    return meeting


def _text_invitation(meeting: Meeting, topic: Topic, members: Iterable[CouncilMember]) -> int:
    """Members are residents, not users: the invitation goes by SMS to the mobiles the register
    holds for them, through the outbox (sent after the commit, retried, never holding this)."""
    from gongzhi.notifications import outbox
    from gongzhi.registry.phones import mobiles

    numbers = mobiles([m.person_id for m in members])
    if numbers:
        outbox.notify(phones=numbers, subject=_("议事会议通知"), body=_(
            "您受邀参加“%(topic)s”的%(step)s，时间：%(at)s，地点：%(place)s。请准时参加；不能到会的，请向召集人说明。") % {
            "topic": topic.title, "step": meeting.step.name,
            "at": timezone.localtime(meeting.scheduled_at).strftime("%Y-%m-%d %H:%M"), "place": meeting.place})
    return len(numbers)


@transaction.atomic
def invite(*, actor: Any, meeting: Meeting, members: Iterable[CouncilMember]) -> Meeting:
    """Adds council members to those invited, before the meeting is concluded."""
    meeting = open_meeting(actor, meeting)
    added = _council_members(meeting.step.topic, members, timezone.localdate(meeting.scheduled_at))
    meeting.invited.add(*added)
    log.record("deliberation.meeting.invited", actor=actor, target=meeting.step.topic,
               changes={"meeting": meeting.pk, "invited": sorted(m.pk for m in added)})
    return meeting


@transaction.atomic
def attend(*, actor: Any, meeting: Meeting, member: CouncilMember) -> Attendance:
    """An invited member signs in at the meeting, once."""
    meeting = open_meeting(actor, meeting)
    if not meeting.invited.filter(pk=member.pk).exists():
        raise DeliberationError(_("该成员不在邀请名单中"))
    if meeting.attendance.filter(member=member).exists():
        raise DeliberationError(_("该成员已经签到"))
    if meeting.proxies.filter(absent=member).exists():
        raise DeliberationError(_("该成员已委托他人表决"))
    row = Attendance.objects.create(meeting=meeting, member=member)
    log.record("deliberation.meeting.attended", actor=actor, target=meeting.step.topic,
               changes={"meeting": meeting.pk, "member": member.pk})
    return row


@transaction.atomic
def conclude(*, actor: Any, meeting: Meeting, minutes: str, agreed: bool | None = None,
             resolution: str = "") -> Meeting:
    """Freezes the meeting with its minutes and its result. A voting step's result is the
    tally; a meeting step's is `agreed` (what the meeting concluded), given its quorum. The last
    step passed adopts `resolution` (the minutes if empty)."""
    meeting = open_meeting(actor, meeting)
    step, topic = meeting.step, meeting.step.topic
    if not minutes.strip():
        raise DeliberationError(_("请填写会议纪要"))
    result = votes.count(meeting)
    if step.kind == StepKind.VOTE:
        outcome = result.outcome
    else:
        if agreed is None:
            raise DeliberationError(_("请填写会议是否同意"))
        outcome = Outcome.NO_QUORUM if not result.quorum_met else (Outcome.PASSED if agreed else Outcome.REJECTED)
    now = timezone.now()
    meeting.minutes, meeting.outcome, meeting.result = minutes.strip(), outcome, result.as_dict()
    meeting.frozen, meeting.concluded_at = True, now
    meeting.save()
    if outcome != Outcome.NO_QUORUM:  # without a quorum the step stays open for another meeting
        step.state = StepState.PASSED if outcome == Outcome.PASSED else StepState.REJECTED
        step.save(update_fields=["state"])
        if outcome == Outcome.REJECTED:
            topic.state = TopicState.REJECTED
        elif procedures.current_step(topic) is None:
            topic.state = TopicState.RESOLVED
            Resolution.objects.create(topic=topic, meeting=meeting, text=resolution.strip() or meeting.minutes,
                                      adopted_at=now)
        topic.save(update_fields=["state"])
        if outcome == Outcome.REJECTED:
            topics.case_back(actor, topic, settled=False, note=meeting.minutes)
    log.record("deliberation.meeting.concluded", actor=actor, target=topic,
               changes={"meeting": meeting.pk, "step": step.name, "outcome": outcome, "result": meeting.result,
                        "topic_state": topic.state})
    return meeting
