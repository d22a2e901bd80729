"""A topic's meetings in the staff workbench: scheduling one for the current step, and a
meeting's page (the invited members with their attendance, proxies and whether they voted,
the forms to sign in, entrust, vote and conclude; once concluded, the frozen result). In a
secret ballot the page shows that a member voted, never what: the choice is not stored with
the voter, and no running count is shown before the meeting is concluded (a count changing
after one vote would tell that vote). Views parse input and call meetings and votes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import councils, meetings, pages, votes
from .models import BallotKind, Choice, CouncilMember, DeliberationError, Meeting, Outcome, StepKind, Topic
from .views import topic_in_scope


def _meeting(topic: Topic, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("step"), pk=pk, step__topic=topic)


def _council_member(topic: Topic, value: str | None, label: str) -> CouncilMember:
    pk = pages.number(value, label)
    member = CouncilMember.objects.filter(council=topic.council_id, pk=pk).first() if topic.council_id else None
    if member is None:
        raise DeliberationError(_("请选择%(f)s") % {"f": label})
    return member


def _member(request, topic: Topic, field: str, label: str) -> CouncilMember:
    return _council_member(topic, request.POST.get(field), label)


@login_required
@require_POST
def schedule(request, pk: int):
    topic = topic_in_scope(request.user, pk, keeping=True)

    def call():
        step = topic.steps.filter(pk=pages.number(request.POST.get("step"), _("步骤"))).first()
        if step is None:
            raise DeliberationError(_("只能为当前步骤安排会议"))
        at = pages.when(request.POST.get("scheduled_at", ""), _("会议时间"))
        invited = None  # every member seated on the meeting's day
        if request.POST.get("choose_invited"):
            chosen = request.POST.getlist("invited")
            if not chosen:
                raise DeliberationError(_("请至少邀请一位成员"))
            invited = [_council_member(topic, value, _("参会成员")) for value in chosen]
        return meetings.schedule(actor=request.user, step=step, scheduled_at=at,
                                 place=request.POST.get("place", ""), invited=invited)

    meeting = pages.attempt(request, call, _("已安排会议"))
    if meeting is None:
        return redirect("deliberation:topic", pk=topic.pk)
    return redirect("deliberation:meeting", pk=topic.pk, meeting=meeting.pk)


def _rows(meeting: Meeting, secret: bool) -> list[dict]:
    """Each invited member: attendance, proxy given or held, and the vote (its choice only in
    an open ballot)."""
    attended = dict(meeting.attendance.values_list("member_id", "at"))
    proxies = list(meeting.proxies.all())
    gave = {p.absent_id: p.holder_id for p in proxies}
    held = {p.holder_id: p.absent_id for p in proxies}
    cast = {v.member_id: v for v in meeting.votes.all()}
    invited = list(meeting.invited.select_related("person").order_by("role", "pk"))
    names = {m.pk: m.person.name for m in invited}
    rows = []
    for member in invited:
        vote = cast.get(member.pk)
        rows.append({"member": member, "attended_at": attended.get(member.pk),
                     "proxy_to": names.get(gave.get(member.pk)), "holds_for": names.get(held.get(member.pk)),
                     "voted": vote is not None,
                     "choice": None if secret or vote is None else vote.get_choice_display(),
                     "present": member.pk in attended, "has_proxy": member.pk in gave})
    return rows


@login_required
def meeting_view(request, pk: int, meeting: int):
    pages.reads(request.user)
    topic = topic_in_scope(request.user, pk)
    meeting = _meeting(topic, meeting)
    step = meeting.step
    secret = step.ballot == BallotKind.SECRET
    rows = _rows(meeting, secret)
    context = {"topic": topic, "meeting": meeting, "step": step, "secret": secret, "rows": rows,
               "votes_step": step.kind == StepKind.VOTE, "voted_count": sum(r["voted"] for r in rows),
               "keeps": pages.keeps(request.user, topic), "choices": Choice.choices,
               "is_last": not topic.steps.filter(order__gt=step.order).exists(),
               "result": meeting.result if meeting.frozen else None,
               "outcome_label": dict(Outcome.choices).get(meeting.outcome, "")}
    if context["keeps"] and not meeting.frozen:  # who each form may name now
        context.update(
            attendable=[r for r in rows if not r["present"] and not r["has_proxy"]],
            absentees=[r for r in rows if not r["present"] and not r["has_proxy"] and not r["voted"]],
            holders=[r for r in rows if r["present"] and not r["holds_for"]],
            voters=[r for r in rows if not r["voted"] and (r["present"] or r["has_proxy"])])
        invited = {r["member"].pk for r in rows}
        context["not_invited"] = [m for m in councils.members_on(topic.council, timezone.localdate(
            meeting.scheduled_at)).select_related("person") if m.pk not in invited]
    return render(request, "deliberation/meeting.html", context)


def _vote(request, topic: Topic, meeting: Meeting):
    member = _member(request, topic, "member", _("表决成员"))
    proxy = meeting.proxies.filter(absent=member).select_related("holder").first()
    present = meeting.attendance.filter(member=member).exists()
    return votes.vote(actor=request.user, meeting=meeting, member=member, choice=request.POST.get("choice", ""),
                      proxy_holder=proxy.holder if proxy is not None and not present else None)


def _conclude(request, topic: Topic, meeting: Meeting):
    agreed = {"yes": True, "no": False}.get(request.POST.get("agreed", ""))
    return meetings.conclude(actor=request.user, meeting=meeting, minutes=request.POST.get("minutes", ""),
                             agreed=agreed, resolution=request.POST.get("resolution", ""))


# action → (what it calls, what the page then says). A vote's message never names the choice.
MEETING_ACTIONS = {
    "attend": (lambda request, topic, meeting: meetings.attend(
        actor=request.user, meeting=meeting, member=_member(request, topic, "member", _("签到成员"))), _("已签到")),
    "invite": (lambda request, topic, meeting: meetings.invite(
        actor=request.user, meeting=meeting, members=[_member(request, topic, "member", _("邀请的成员"))]),
        _("已邀请")),
    "entrust": (lambda request, topic, meeting: votes.entrust(
        actor=request.user, meeting=meeting, absent=_member(request, topic, "absent", _("委托人")),
        holder=_member(request, topic, "holder", _("受托人"))), _("已登记委托")),
    "vote": (_vote, _("已记录表决")),
    "conclude": (_conclude, _("会议已结束，结果已随纪要封存")),
}


@login_required
@require_POST
def meeting_act(request, pk: int, meeting: int):
    topic = topic_in_scope(request.user, pk, keeping=True)
    meeting = _meeting(topic, meeting)
    pages.act(request, MEETING_ACTIONS, topic, meeting)
    return redirect("deliberation:meeting", pk=topic.pk, meeting=meeting.pk)
