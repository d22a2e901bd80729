"""Meetings and votes through the services: one member one vote, proxies, secret ballots, a
quorum that fails, and a frozen meeting that refuses every change."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.deliberation import meetings, procedures, topics, votes
from gongzhi.deliberation.models import DeliberationError, Meeting, SecretBallot, Topic, Vote

from .conftest import community


@pytest.fixture
def voting(cast, council, templates):
    """A topic under the light procedure (one voting step, proxies allowed), its meeting
    scheduled with the five members invited."""
    worker = cast.community_worker
    topic = topics.propose(actor=worker, area=community(), title="加装电梯", source="worker")
    topics.take_up(actor=worker, topic=topic, council=council)
    (step,) = procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=timezone.now() + dt.timedelta(days=1),
                                place="社区议事厅")
    members = list(meeting.invited.order_by("pk"))
    assert len(members) == 5
    return worker, topic, meeting, members


def test_a_member_votes_once_and_a_proxy_is_refused_for_one_who_voted(voting):
    worker, _, meeting, (a, b, c, d, _e) = voting
    for m in (a, b):
        meetings.attend(actor=worker, meeting=meeting, member=m)
    votes.vote(actor=worker, meeting=meeting, member=a, choice="for")
    with pytest.raises(DeliberationError, match="只能表决一次"):
        votes.vote(actor=worker, meeting=meeting, member=a, choice="against")
    with pytest.raises(DeliberationError, match="签到"):
        votes.vote(actor=worker, meeting=meeting, member=c, choice="for")  # absent, no proxy
    with pytest.raises(DeliberationError):
        votes.entrust(actor=worker, meeting=meeting, absent=a, holder=b)  # a attends and has voted
    votes.entrust(actor=worker, meeting=meeting, absent=c, holder=b)
    with pytest.raises(DeliberationError, match="一份委托"):
        votes.entrust(actor=worker, meeting=meeting, absent=d, holder=b)
    votes.vote(actor=worker, meeting=meeting, member=c, choice="against", proxy_holder=b)
    with pytest.raises(DeliberationError, match="已经表决"):
        votes.entrust(actor=worker, meeting=meeting, absent=c, holder=a)
    assert votes.count(meeting).cast == 2


def test_a_vote_without_quorum_fails_is_frozen_and_the_step_may_meet_again(voting):
    worker, topic, meeting, (a, b, *_) = voting
    for m in (a, b):  # 2 of 5: not more than half
        meetings.attend(actor=worker, meeting=meeting, member=m)
        votes.vote(actor=worker, meeting=meeting, member=m, choice="for")
    done = meetings.conclude(actor=worker, meeting=meeting, minutes="到会2人，不足半数")
    assert (done.outcome, done.frozen, done.result["for_"], done.result["quorum_met"]) == ("no_quorum", True, 2, False)
    topic = Topic.objects.unscoped().get(pk=topic.pk)
    assert topic.state == "deliberating" and procedures.current_step(topic) == meeting.step
    again = meetings.schedule(actor=worker, step=meeting.step, scheduled_at=timezone.now(), place="社区议事厅")
    assert again.pk != meeting.pk


def test_a_frozen_meeting_refuses_any_change(voting):
    worker, _, meeting, (a, b, c, *_) = voting
    meetings.attend(actor=worker, meeting=meeting, member=a)
    meetings.conclude(actor=worker, meeting=meeting, minutes="纪要")
    frozen = "会议结果已随纪要封存，不能再修改"
    for change in (lambda: meetings.attend(actor=worker, meeting=meeting, member=b),
                   lambda: votes.vote(actor=worker, meeting=meeting, member=a, choice="for"),
                   lambda: votes.entrust(actor=worker, meeting=meeting, absent=c, holder=a),
                   lambda: meetings.invite(actor=worker, meeting=meeting, members=[a]),
                   lambda: meetings.conclude(actor=worker, meeting=meeting, minutes="改过的纪要")):
        with pytest.raises(DeliberationError, match=frozen):
            change()
    row = Meeting.objects.get(pk=meeting.pk)
    row.minutes = "改过的纪要"
    with pytest.raises(DeliberationError, match=frozen):
        row.save()
    assert Meeting.objects.get(pk=meeting.pk).minutes == "纪要"


def test_a_secret_ballot_stores_who_voted_apart_from_the_choice(voting):
    worker, _, meeting, members = voting
    step = meeting.step
    step.ballot = "secret"
    step.save()
    for member, choice in zip(members[:4], ["for", "for", "against", "for"], strict=True):
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice=choice)
    assert set(Vote.objects.filter(meeting=meeting).values_list("choice", flat=True)) == {""}
    assert sorted(SecretBallot.objects.filter(meeting=meeting).values_list("choice", flat=True)) == \
        ["against", "for", "for", "for"]
    assert {f.name for f in SecretBallot._meta.get_fields()} == {"id", "meeting", "choice"}
    from gongzhi.audit.models import AuditEntry

    cast_entries = AuditEntry.objects.filter(action="deliberation.vote.cast")
    assert cast_entries.count() == 4 and all("choice" not in e.changes for e in cast_entries)
    done = meetings.conclude(actor=worker, meeting=meeting, minutes="无记名投票")
    assert (done.outcome, done.result["for_"], done.result["cast"]) == ("passed", 3, 4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["for", "against", "abstain"]),
                          st.sampled_from(["self", "proxy"]), st.integers(0, 4)), max_size=14),
       st.lists(st.integers(0, 4), unique=True, max_size=5))
def test_whatever_is_attempted_each_member_counts_once(voting, attempts, attending):
    """Random sign-ins, proxies and votes: the service refuses what breaks the rules, and the
    count always equals the votes recorded, one per member at most."""
    worker, _, meeting, members = voting
    with transaction.atomic():
        for i in attending:
            meetings.attend(actor=worker, meeting=meeting, member=members[i])
        accepted: list[int] = []
        for who, choice, how, holder in attempts:
            try:
                with transaction.atomic():
                    if how == "proxy":
                        votes.entrust(actor=worker, meeting=meeting, absent=members[who], holder=members[holder])
                        votes.vote(actor=worker, meeting=meeting, member=members[who], choice=choice,
                                   proxy_holder=members[holder])
                    else:
                        votes.vote(actor=worker, meeting=meeting, member=members[who], choice=choice)
                accepted.append(who)
            except DeliberationError:
                pass
        result = votes.count(meeting)
        assert len(accepted) == len(set(accepted)) == result.cast == Vote.objects.filter(meeting=meeting).count()
        assert result.for_ + result.against + result.abstain == result.cast
        assert result.present == len(attending)
        transaction.set_rollback(True)
