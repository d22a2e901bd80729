"""Votes: one member, one vote, in person or through the one present member an absent member
entrusted (where the step allows proxies); open ballots keep who chose what, secret ballots
keep who voted apart from what was chosen. `tally` is the count, a pure function.

The rules, as integers (no rounding at a boundary):
  quorum   more_than_half: 2·present > entitled;  two_thirds: 3·present ≥ 2·entitled
           (present: members attending in person; a proxy is a vote, not a presence)
  passing  simple_majority: 2·for > cast;  two_thirds: 3·for ≥ 2·cast
           (cast: every ballot, abstentions included, so an abstention is not a yes)
A vote without its quorum fails (`no_quorum`), whatever its ballots say."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.audit import log

from .models import (
    BallotKind,
    Choice,
    CouncilMember,
    DeliberationError,
    Meeting,
    Outcome,
    Proxy,
    Quorum,
    SecretBallot,
    StepKind,
    Threshold,
    Vote,
)
from .scope import open_meeting


def quorum_met(rule: str, *, entitled: int, present: int) -> bool:
    if rule == Quorum.NONE:
        return present > 0
    if rule == Quorum.MORE_THAN_HALF:
        return 2 * present > entitled
    if rule == Quorum.TWO_THIRDS:
        return 3 * present >= 2 * entitled
    raise ValueError(f"unknown quorum rule {rule!r}")


def reaches(threshold: str, *, yes: int, cast: int) -> bool:
    if threshold == Threshold.SIMPLE_MAJORITY:
        return 2 * yes > cast
    if threshold == Threshold.TWO_THIRDS:
        return cast > 0 and 3 * yes >= 2 * cast
    raise ValueError(f"unknown threshold {threshold!r}")


@dataclass(frozen=True)
class Tally:
    entitled: int
    present: int
    cast: int
    for_: int
    against: int
    abstain: int
    quorum_met: bool
    passed: bool

    @property
    def outcome(self) -> str:
        if not self.quorum_met:
            return Outcome.NO_QUORUM
        return Outcome.PASSED if self.passed else Outcome.REJECTED

    def as_dict(self) -> dict:
        return {**asdict(self), "outcome": str(self.outcome)}


def tally(*, quorum: str, threshold: str, entitled: Collection[int], present: Collection[int],
          voters: Sequence[int], choices: Sequence[str]) -> Tally:
    """Counts one vote. `entitled`: the members who may vote (those invited); `present`: those
    attending; `voters`: who voted (in person or by proxy), `choices`: the ballots' choices (for
    a secret ballot in no particular order). Refuses a voter twice, a voter not entitled, and
    ballots that do not match the voters."""
    entitled, present = set(entitled), set(present)
    if len(set(voters)) != len(voters):
        raise ValueError("a member voted twice")
    if not set(voters) <= entitled or not present <= entitled:
        raise ValueError("a voter or attendee is not entitled to vote")
    if len(choices) != len(voters):
        raise ValueError("ballots and voters differ in number")
    counts = Counter(choices)
    if set(counts) - set(Choice.values):
        raise ValueError("unknown choice")
    met = quorum_met(quorum, entitled=len(entitled), present=len(present))
    passed = met and reaches(threshold, yes=counts[Choice.FOR], cast=len(choices))
    return Tally(entitled=len(entitled), present=len(present), cast=len(choices), for_=counts[Choice.FOR],
                 against=counts[Choice.AGAINST], abstain=counts[Choice.ABSTAIN], quorum_met=met, passed=passed)


def count(meeting: Meeting) -> Tally:
    """The tally of a meeting from its rows."""
    step = meeting.step
    voters = list(meeting.votes.values_list("member_id", flat=True))
    if step.ballot == BallotKind.SECRET:
        choices = list(meeting.secret_ballots.values_list("choice", flat=True))
    else:
        choices = list(meeting.votes.values_list("choice", flat=True))
    return tally(quorum=step.quorum, threshold=step.threshold,
                 entitled=meeting.invited.values_list("pk", flat=True),
                 present=meeting.attendance.values_list("member_id", flat=True), voters=voters, choices=choices)


@transaction.atomic
def vote(*, actor: Any, meeting: Meeting, member: CouncilMember, choice: str,
         proxy_holder: CouncilMember | None = None) -> Vote:
    """Records a member's vote: in person (the member attends), or cast by the present member
    the absent one entrusted. One vote per member; a secret ballot's choice is stored apart."""
    meeting = open_meeting(actor, meeting)
    step = meeting.step
    if step.kind != StepKind.VOTE:
        raise DeliberationError(_("这一步骤不表决"))
    if choice not in Choice.values:
        raise DeliberationError(_("请选择赞成、反对或弃权"))
    if not meeting.invited.filter(pk=member.pk).exists():
        raise DeliberationError(_("该成员没有表决权"))
    if meeting.votes.filter(member=member).exists():
        raise DeliberationError(_("每位成员只能表决一次"))
    attending = set(meeting.attendance.values_list("member_id", flat=True))
    if proxy_holder is None:
        if member.pk not in attending:
            raise DeliberationError(_("成员到会签到后才能表决"))
    elif not meeting.proxies.filter(absent=member, holder=proxy_holder).exists():
        raise DeliberationError(_("没有该成员的委托"))
    secret = step.ballot == BallotKind.SECRET
    row = Vote.objects.create(meeting=meeting, member=member, proxy_holder=proxy_holder,
                              choice="" if secret else choice)
    if secret:
        SecretBallot.objects.create(meeting=meeting, choice=choice)
    changes = {"meeting": meeting.pk, "member": member.pk, "proxy_holder": getattr(proxy_holder, "pk", None)}
    if not secret:
        changes["choice"] = choice
    log.record("deliberation.vote.cast", actor=actor, target=meeting.step.topic, changes=changes)
    return row


@transaction.atomic
def entrust(*, actor: Any, meeting: Meeting, absent: CouncilMember, holder: CouncilMember) -> Proxy:
    """An absent member entrusts their vote to a present member, where the step allows it. A
    holder carries one proxy; a member who attends or has voted gives none."""
    meeting = open_meeting(actor, meeting)
    if not meeting.step.proxies_allowed:
        raise DeliberationError(_("这一步骤不允许委托表决"))
    invited = set(meeting.invited.values_list("pk", flat=True))
    if absent.pk not in invited or holder.pk not in invited or absent.pk == holder.pk:
        raise DeliberationError(_("委托人和受托人须是两位不同的参会成员"))
    attending = set(meeting.attendance.values_list("member_id", flat=True))
    if absent.pk in attending:
        raise DeliberationError(_("到会成员自己表决，不能委托"))
    if holder.pk not in attending:
        raise DeliberationError(_("受托人须到会"))
    if meeting.votes.filter(member=absent).exists():
        raise DeliberationError(_("该成员已经表决，不能再委托"))
    if meeting.proxies.filter(absent=absent).exists():
        raise DeliberationError(_("该成员已经委托"))
    if meeting.proxies.filter(holder=holder).exists():
        raise DeliberationError(_("每位受托人只能接受一份委托"))
    proxy = Proxy.objects.create(meeting=meeting, absent=absent, holder=holder)
    log.record("deliberation.meeting.proxy", actor=actor, target=meeting.step.topic,
               changes={"meeting": meeting.pk, "absent": absent.pk, "holder": holder.pk})
    return proxy
