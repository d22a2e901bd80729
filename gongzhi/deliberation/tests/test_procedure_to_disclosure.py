"""A topic through the full 四议两公开 to its two disclosures; disclosures are corrected only by
a new dated one that names the old, which stays."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.conftest import RESIDENT
from gongzhi.deliberation import disclosures, meetings, procedures, topics, votes
from gongzhi.deliberation.models import DeliberationError, Disclosure, Resolution, Topic

from .conftest import community


def test_four_deliberations_then_two_disclosures(cast, council, register, templates):
    worker = cast.community_worker
    topic = topics.propose(actor=RESIDENT, area=community(), title="院落环境整治", source="resident",
                           proposer=register.zhang)
    topics.take_up(actor=worker, topic=topic, council=council)
    procedures.choose(actor=worker, topic=topic, template=templates["four_deliberations_two_disclosures"])
    when = timezone.now() + dt.timedelta(days=1)
    for _ in range(3):  # the three meetings: all five attend and agree
        step = procedures.current_step(Topic.objects.unscoped().get(pk=topic.pk))
        meeting = meetings.schedule(actor=worker, step=step, scheduled_at=when, place="党群服务中心")
        for member in meeting.invited.all():
            meetings.attend(actor=worker, meeting=meeting, member=member)
        with pytest.raises(DeliberationError, match="不表决"):
            votes.vote(actor=worker, meeting=meeting, member=meeting.invited.first(), choice="for")
        assert meetings.conclude(actor=worker, meeting=meeting, minutes=f"{step.name}：同意", agreed=True).outcome == \
            "passed"
    step = procedures.current_step(Topic.objects.unscoped().get(pk=topic.pk))
    assert step.name == "居民(代表)会议决议"
    with pytest.raises(DeliberationError, match="形成决议"):
        disclosures.disclose_resolution(actor=worker, topic=topic)
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=when, place="党群服务中心")
    a, b, c, d, e = meeting.invited.order_by("pk")
    for member in (a, b, c, d):  # 4 of 5 ≥ two thirds present
        meetings.attend(actor=worker, meeting=meeting, member=member)
    votes.entrust(actor=worker, meeting=meeting, absent=e, holder=a)
    for member, choice in ((a, "for"), (b, "for"), (c, "against"), (d, "abstain")):
        votes.vote(actor=worker, meeting=meeting, member=member, choice=choice)
    votes.vote(actor=worker, meeting=meeting, member=e, choice="for", proxy_holder=a)
    done = meetings.conclude(actor=worker, meeting=meeting, minutes="表决：赞成3，反对1，弃权1",
                             resolution="清理院落杂物，增设分类垃圾桶")
    assert (done.outcome, done.result["cast"], done.result["for_"]) == ("passed", 5, 3)
    topic = Topic.objects.unscoped().get(pk=topic.pk)
    assert topic.state == "resolved" and Resolution.objects.get(topic=topic).text == "清理院落杂物，增设分类垃圾桶"

    with pytest.raises(DeliberationError, match="先公开决议"):
        disclosures.disclose_implementation(actor=worker, topic=topic, body="已完成")
    resolution = disclosures.disclose_resolution(actor=worker, topic=topic)
    assert resolution.published_at is not None and "清理院落杂物" in resolution.body and "四议两公开" in resolution.body
    with pytest.raises(DeliberationError, match="更正"):
        disclosures.disclose_resolution(actor=worker, topic=topic)
    implementation = disclosures.disclose_implementation(actor=worker, topic=topic, body="已增设分类垃圾桶6个")
    assert list(disclosures.public(community())) == [implementation, resolution]


def test_a_vote_rejected_ends_the_topic(cast, council, templates):
    worker = cast.community_worker
    topic = topics.propose(actor=worker, area=community(), title="改建停车场", source="worker")
    topics.take_up(actor=worker, topic=topic, council=council)
    (step,) = procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=timezone.now(), place="议事厅")
    for member, choice in zip(meeting.invited.order_by("pk"), ["for", "for", "against", "against", "against"],
                              strict=True):
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice=choice)
    assert meetings.conclude(actor=worker, meeting=meeting, minutes="未通过").outcome == "rejected"
    assert Topic.objects.unscoped().get(pk=topic.pk).state == "rejected"
    assert not Resolution.objects.filter(topic=topic).exists()


def test_a_disclosure_is_corrected_by_a_new_one_and_stays(cast):
    worker = cast.community_worker
    first = disclosures.draft(actor=worker, area=community(), kind="fund", title="2025年社区基金收支",
                              body="收入10万元，支出8万元")
    first.title = "草稿可以修改"
    first.save()
    first = disclosures.publish(actor=worker, disclosure=first)
    with pytest.raises(DeliberationError, match="不能修改"):
        Disclosure.objects.unscoped().get(pk=first.pk).save()
    with pytest.raises(DeliberationError, match="不能删除"):
        Disclosure.objects.unscoped().get(pk=first.pk).delete()
    second = disclosures.correct(actor=worker, disclosure=first, title="2025年社区基金收支（更正）",
                                 body="收入10万元，支出7.5万元")
    assert second.corrects == first and second.published_at >= first.published_at and second.kind == "fund"
    with pytest.raises(DeliberationError, match="最新的一份"):
        disclosures.correct(actor=worker, disclosure=first, title="再改", body="再改")
    third = disclosures.correct(actor=worker, disclosure=second, title="再次更正", body="支出7.6万元")
    kept = Disclosure.objects.unscoped().get(pk=first.pk)
    assert (kept.title, kept.body, kept.correction) == ("草稿可以修改", "收入10万元，支出8万元", second)
    assert list(disclosures.public(community())) == [third, second, first]
