"""Councils keep their history, topics come in (a case becomes one, linked both ways), residents
support once, a procedure is a copy of its template, and scope hides another community's."""

import datetime as dt

import pytest
from django.http import Http404

from gongzhi.accounts import scoping
from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import C2, RESIDENT, SYSTEM
from gongzhi.deliberation import councils, procedures, topics
from gongzhi.deliberation.models import Council, CouncilMember, DeliberationError, Topic

from .conftest import TERM, community


def test_ending_a_membership_keeps_it_as_history(cast, council, register):
    worker = cast.community_worker
    zhang = council.members.get(person=register.zhang)
    councils.end_membership(actor=worker, member=zhang, term_end=dt.date(2025, 6, 30), reason="换届")
    again = councils.add_member(actor=worker, council=council, person=register.zhang, role="member",
                                term_start=dt.date(2025, 7, 1))
    terms = list(council.members.filter(person=register.zhang).order_by("term_start"))
    assert [(m.role, m.term_end) for m in terms] == [("convener", dt.date(2025, 6, 30)), ("member", None)]
    assert zhang in councils.members_on(council, dt.date(2025, 6, 1))
    assert zhang not in councils.members_on(council, dt.date(2025, 7, 1)) and again in councils.members_on(
        council, dt.date(2025, 7, 1))
    with pytest.raises(DeliberationError):
        CouncilMember.objects.get(pk=zhang.pk).delete()
    with pytest.raises(DeliberationError, match="已是本议事会成员"):
        councils.add_member(actor=worker, council=council, person=register.zhang, term_start=TERM)
    assert AuditEntry.objects.filter(action="deliberation.member.ended", target_id=str(council.pk)).exists()


def test_a_member_lives_in_the_community(cast, council, register):
    # 王五 lives in C2: outside the community worker's scope (404), inside the subdistrict
    # dispatcher's, who is told he does not live in C1.
    with pytest.raises(Http404):
        councils.add_member(actor=cast.community_worker, council=council, person=register.wang, term_start=TERM)
    with pytest.raises(DeliberationError, match="不是本社区居民"):
        councils.add_member(actor=cast.dispatcher, council=council, person=register.wang, term_start=TERM)


def test_one_support_per_person(cast, register):
    topic = topics.propose(actor=RESIDENT, area=community(), title="小区停车难", description="晚上没有车位",
                           source="resident", proposer=register.zhang)
    topics.support(topic=topic, person=register.li, actor=RESIDENT)
    with pytest.raises(DeliberationError, match="已经附议"):
        topics.support(topic=topic, person=register.li, actor=RESIDENT)
    with pytest.raises(DeliberationError, match="不是本社区居民"):
        topics.support(topic=topic, person=register.wang, actor=RESIDENT)  # lives in C2
    topics.comment(topic=topic, person=register.li, actor=RESIDENT, text="支持划线停车")
    topics.comment(topic=topic, actor=cast.community_worker, text="已转议事会")
    assert topic.supports.count() == 1 and topic.comments.count() == 2


def test_a_case_becomes_a_topic_linked_both_ways(cast, register):
    from gongzhi.cases import categories, intake, reporters
    from gongzhi.cases.models import Case, Category

    categories.forget()
    categories.load_defaults()
    try:
        case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"),
                             category=Category.objects.get(code="garbage_pileup"), description="楼道堆放杂物无人清理",
                             lon=0.25, lat=0.5).case
        topic = topics.from_case(actor=cast.community_worker, case=case)
        case = Case.objects.unscoped().get(pk=case.pk)
        assert topic.case == case and case.topic == topic
        assert (topic.source, topic.area_id, topic.description) == ("case", community().code, "楼道堆放杂物无人清理")
        # The case waits on the topic: referred, its clock stopped, its history saying to what.
        event = case.events.get(action="refer")
        assert event.data["topic"] == topic.pk and (event.from_state, event.to_state) == ("reported", "referred")
        assert case.state == "referred" and case.due_at is None and event.note == topic.title
        with pytest.raises(DeliberationError, match="已转为议题"):
            topics.from_case(actor=cast.community_worker, case=case)
    finally:
        categories.forget()


def test_the_procedure_is_a_copy_of_its_template(cast, council, templates):
    worker = cast.community_worker
    topic = topics.propose(actor=worker, area=community(), title="公共收益使用", source="party")
    with pytest.raises(DeliberationError, match="受理"):
        procedures.choose(actor=worker, topic=topic, template=templates["four_deliberations_two_disclosures"])
    topics.take_up(actor=worker, topic=topic, council=council)
    steps = procedures.choose(actor=worker, topic=topic, template=templates["four_deliberations_two_disclosures"])
    assert [s.name for s in steps] == ["党组织提议", "两委会议商议", "党员大会审议", "居民(代表)会议决议"]
    assert [s.kind for s in steps] == ["meeting", "meeting", "meeting", "vote"]
    template_step = templates["four_deliberations_two_disclosures"].steps.get(order=4)
    template_step.name, template_step.threshold = "改过的名字", "two_thirds"
    template_step.save()
    fourth = topic.steps.get(order=4)
    assert (fourth.name, fourth.threshold) == ("居民(代表)会议决议", "simple_majority")
    topic = Topic.objects.unscoped().get(pk=topic.pk)
    assert (topic.state, topic.procedure_name, procedures.current_step(topic)) == ("deliberating", "四议两公开", steps[0])


def test_default_templates_load_once(templates):
    procedures.load_defaults()
    assert sorted(templates) == ["council_deliberation", "four_deliberations_two_disclosures"]
    assert templates["council_deliberation"].steps.count() == 1


def test_another_communitys_worker_sees_neither_topic_nor_council(cast, council, register):
    topic = topics.propose(actor=cast.community_worker, area=community(), title="加装电梯", source="worker")
    outsider = accounts.create_staff(actor=SYSTEM, username="c2_worker", password="Test-pass-2026", full_name="c2",
                                     must_change=False)
    accounts.assign_role(actor=SYSTEM, user=outsider, role=Role.COMMUNITY_WORKER, area=community(C2))
    for model, row in ((Topic, topic), (Council, council)):
        assert scoping.scoped(model, cast.community_worker).filter(pk=row.pk).exists()
        assert not scoping.scoped(model, outsider).filter(pk=row.pk).exists()
        assert not scoping.scoped(model, cast.handler).filter(pk=row.pk).exists()
        assert not scoping.scoped(model, cast.system_admin).filter(pk=row.pk).exists()
    with pytest.raises(Http404):
        topics.take_up(actor=outsider, topic=topic, council=council)
    with pytest.raises(Http404):
        topics.comment(topic=topic, actor=outsider, text="越界")
    with pytest.raises(Http404):
        councils.establish(actor=outsider, area=community(), kind="supervision", name="越界的监事会")


def test_a_leader_reads_but_does_not_keep(cast, council):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        topics.propose(actor=cast.leader, area=community(), title="x", source="worker")
    assert scoping.scoped(Council, cast.leader).filter(pk=council.pk).exists()


def test_the_command_installs_the_default_procedures_once_and_keeps_edits(db):
    import io

    from django.core.management import call_command

    from gongzhi.deliberation.models import ProcedureTemplate

    out = io.StringIO()
    call_command("deliberation", "load-procedures", stdout=out)
    assert out.getvalue().startswith("2 ")
    full = ProcedureTemplate.objects.get(steps__order=4)
    assert [s.name for s in full.steps.order_by("order")][-1] and full.steps.count() == 4
    full.steps.filter(order=4).update(name="居民代表会议决议（本社区）")
    call_command("deliberation", "load-procedures", stdout=out)
    assert out.getvalue().endswith("0 procedure templates created\n")
    assert full.steps.get(order=4).name == "居民代表会议决议（本社区）"
