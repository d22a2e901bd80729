"""A case turned into a topic waits on it (`referred`, no clock running) and comes back when the
topic ends: to the desk when the council declines it or votes it down, closed when the
implementation result is published. The rates count it as the formulas in cases/rates.py say."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.cases import categories, inbox, intake, rates, reporters
from gongzhi.cases.models import Case, Category
from gongzhi.deliberation import disclosures, meetings, procedures, topics, votes
from gongzhi.deliberation.models import Topic


@pytest.fixture
def case(cast, register):
    categories.forget()
    categories.load_defaults()
    yield intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"),
                        category=Category.objects.get(code="garbage_pileup"), description="院内空地被长期占用",
                        lon=0.25, lat=0.5).case
    categories.forget()


def _case(case) -> Case:
    return Case.objects.unscoped().get(pk=case.pk)


def _vote(cast, topic, templates, choice):
    worker = cast.community_worker
    (step,) = procedures.choose(actor=worker, topic=topic, template=templates["council_deliberation"])
    meeting = meetings.schedule(actor=worker, step=step, scheduled_at=timezone.now(), place="议事厅")
    for member in meeting.invited.all():
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice=choice)
    meetings.conclude(actor=worker, meeting=meeting, minutes="表决", resolution="空地改为居民活动场地")
    return Topic.objects.unscoped().get(pk=topic.pk)


def test_declined_the_case_goes_back_to_the_desk_with_its_dispatch_clock(cast, council, case):
    worker = cast.community_worker
    topic = topics.from_case(actor=worker, case=case)
    waiting = _case(case)
    assert waiting.state == "referred" and waiting.due_at is None and waiting.warn_at is None
    assert waiting not in inbox.inbox(cast.dispatcher)  # nobody's to-do while the council has it
    topics.decline(actor=worker, topic=topic, note="属于物业管理范围，由物业处理")
    back = _case(case)
    assert back.state == "accepted" and back.due_at > timezone.now() and back in inbox.inbox(cast.dispatcher)
    resumed = back.events.get(action="resume")
    assert resumed.data["topic"] == topic.pk and resumed.note == "属于物业管理范围，由物业处理"
    assert resumed.actor == worker


def test_voted_down_the_case_resumes(cast, council, templates, case):
    topic = topics.from_case(actor=cast.community_worker, case=case)
    topics.take_up(actor=cast.community_worker, topic=topic, council=council)
    assert _vote(cast, topic, templates, "against").state == "rejected"
    assert _case(case).state == "accepted"


def test_the_published_implementation_closes_the_case_and_the_rates_count_it(cast, council, templates, case):
    worker = cast.community_worker
    topic = topics.from_case(actor=worker, case=case)
    topics.take_up(actor=worker, topic=topic, council=council)
    topic = _vote(cast, topic, templates, "for")
    assert topic.state == "resolved" and _case(case).state == "referred"  # decided, not yet carried out
    disclosures.disclose_resolution(actor=worker, topic=topic)
    disclosures.disclose_implementation(actor=worker, topic=topic, body="活动场地已建成并开放")
    closed = _case(case)
    assert closed.state == "closed" and closed.closed_at is not None
    assert closed.events.get(action="conclude").note == "活动场地已建成并开放"
    today = timezone.localdate()
    (row,) = rates.rates(cast.leader, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1))
    # Referred straight from the report: that answered it; the topic's end closed it.
    assert (row["reported"], row["responded"], row["closed"], row["handled"]) == (1, 1, 1, 0)


def test_a_settled_case_only_records_the_topic(cast, council, case):
    from gongzhi.cases import workflow

    workflow.act(actor=cast.grid_worker, case=case, action="self_resolve", note="已当场处理")
    topic = topics.from_case(actor=cast.community_worker, case=case)
    settled = _case(case)
    assert settled.state == "self_resolved" and settled.events.get(action="topic").data == {"topic": topic.pk}
    topics.decline(actor=cast.community_worker, topic=topic, note="已处理")
    assert _case(case).state == "self_resolved"
