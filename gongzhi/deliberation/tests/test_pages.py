"""The deliberation pages of the workbench, through HTTP as the staff use them: a keeper walks a
topic from proposed to its disclosed resolution; readers read and cannot act; another
community's topic is not there; a secret ballot's page never says who chose what; a frozen
meeting refuses; bad input is named and changes nothing."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from gongzhi.conftest import C1, RESIDENT
from gongzhi.deliberation import meetings, procedures, topics
from gongzhi.deliberation.models import (
    Council,
    CouncilMember,
    Disclosure,
    Meeting,
    SecretBallot,
    Topic,
    TopicComment,
    Vote,
)

from .conftest import community

W = "/w/deliberation"


def messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def post(client, url, data):
    """A form posted and the page it redirects to, followed."""
    return client.post(url, data, follow=True)


def topic_url(topic, rest=""):
    return f"{W}/topics/{topic.pk}/{rest}"


def meeting_url(meeting, rest=""):
    return f"{W}/topics/{meeting.step.topic_id}/meetings/{meeting.pk}/{rest}"


def members_table(html: str) -> str:
    """The members' table of a meeting page (where each member's vote is shown)."""
    return re.search(r"<table>.*?</table>", html, re.S).group(0)


def deliberating(worker, council, templates, *, code="council_deliberation", title="增设充电桩"):
    topic = topics.propose(actor=worker, area=community(), title=title, source="worker")
    topics.take_up(actor=worker, topic=topic, council=council)
    procedures.choose(actor=worker, topic=topic, template=templates[code])
    return Topic.objects.unscoped().get(pk=topic.pk)


def scheduled(worker, topic) -> Meeting:
    step = procedures.current_step(topic)
    return meetings.schedule(actor=worker, step=step, scheduled_at=step.topic.created_at, place="议事厅")


# ---------------------------------------------------------------- the whole walk
def test_a_keeper_walks_a_topic_from_proposed_to_its_disclosed_resolution(login, cast, council, templates):
    client = login("community_worker")
    page = client.get(f"{W}/")
    assert page.status_code == 200 and "登记新议题" in page.content.decode()

    page = post(client, f"{W}/topics/new/", {"community": C1, "source": "worker", "title": "院落停车秩序",
                                              "description": "晚间车辆乱停"})
    topic = Topic.objects.unscoped().get(title="院落停车秩序")
    assert page.redirect_chain[-1][0] == topic_url(topic) and "已登记议题" in messages(page)
    assert "受理议题" in page.content.decode()

    page = post(client, topic_url(topic, "act/"), {"action": "take_up", "council": council.pk, "note": "同意受理"})
    assert "议事会已受理议题" in messages(page) and "确定程序" in page.content.decode()
    page = post(client, topic_url(topic, "act/"),
                {"action": "choose", "template": templates["council_deliberation"].pk})
    topic.refresh_from_db()
    assert topic.state == "deliberating" and "安排会议" in page.content.decode()

    step = topic.steps.get()
    seated = list(council.members.order_by("pk"))
    page = post(client, topic_url(topic, "meetings/new/"), {
        "step": step.pk, "scheduled_at": "2026-03-01T19:00", "place": "社区议事厅", "choose_invited": "1",
        "invited": [m.pk for m in seated]})
    meeting = Meeting.objects.get(step=step)
    assert page.redirect_chain[-1][0] == meeting_url(meeting) and meeting.invited.count() == 5
    a, b, c, d, e = seated
    act = meeting_url(meeting, "act/")
    for member in (a, b, c, d):
        assert "已签到" in messages(post(client, act, {"action": "attend", "member": member.pk}))
    assert "已登记委托" in messages(post(client, act, {"action": "entrust", "absent": e.pk, "holder": a.pk}))
    for member, choice in ((a, "for"), (b, "for"), (c, "against"), (d, "abstain"), (e, "for")):
        assert "已记录表决" in messages(post(client, act, {"action": "vote", "member": member.pk, "choice": choice}))
    assert Vote.objects.get(meeting=meeting, member=e).proxy_holder == a
    table = members_table(client.get(meeting_url(meeting)).content.decode())
    assert table.count("赞成") == 3 and "反对" in table and "弃权" in table  # an open ballot shows who chose what

    page = post(client, act, {"action": "conclude", "minutes": "到会4人，委托1人，赞成3票", "resolution": "划定夜间停车位"})
    assert "会议已结束，结果已随纪要封存" in messages(page)
    html = page.content.decode()
    result = re.search(r'<div class="card" id="result">.*?</div>', html, re.S).group(0)
    for label, value in (("应到", 5), ("实到", 4), ("投票", 5), ("赞成", 3), ("反对", 1), ("弃权", 1)):
        assert re.search(rf"<dt>{label}</dt><dd>{value}</dd>", result), label
    assert "已达到" in result and "通过" in result and "结束会议并封存结果" not in html
    topic.refresh_from_db()
    assert topic.state == "resolved" and topic.resolution.text == "划定夜间停车位"

    page = post(client, topic_url(topic, "act/"), {"action": "disclose_resolution"})
    assert "决议已公开" in messages(page) and "公开实施结果" in page.content.decode()
    page = post(client, topic_url(topic, "act/"), {"action": "disclose_implementation", "body": "已划定车位20个"})
    assert "实施结果已公开" in messages(page)
    published = Disclosure.objects.unscoped().filter(topic=topic, published_at__isnull=False)
    assert sorted(published.values_list("kind", flat=True)) == ["implementation", "resolution"]
    assert "划定夜间停车位" in published.get(kind="resolution").body

    listing = client.get(f"{W}/?state=resolved").content.decode()
    assert "院落停车秩序" in listing and "已形成决议" in listing


def test_a_meeting_step_is_concluded_with_whether_it_agreed(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates, code="four_deliberations_two_disclosures")
    meeting = scheduled(worker, topic)
    for member in meeting.invited.all():
        meetings.attend(actor=worker, meeting=meeting, member=member)
    client = login("community_worker")
    page = client.get(meeting_url(meeting)).content.decode()
    assert "会议是否同意" in page and "记录表决" not in page and "决议内容" not in page  # not the last step
    page = post(client, meeting_url(meeting, "act/"), {"action": "conclude", "minutes": "同意提议"})
    assert "请填写会议是否同意" in messages(page) and not Meeting.objects.get(pk=meeting.pk).frozen
    post(client, meeting_url(meeting, "act/"), {"action": "conclude", "minutes": "同意提议", "agreed": "yes"})
    assert Meeting.objects.get(pk=meeting.pk).outcome == "passed"
    assert procedures.current_step(Topic.objects.unscoped().get(pk=topic.pk)).name == "两委会议商议"


# ---------------------------------------------------------------- who may
def test_a_reader_reads_and_comments_but_cannot_act(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates)
    meeting = scheduled(worker, topic)
    client = login("leader")
    for url in (f"{W}/", topic_url(topic), meeting_url(meeting), f"{W}/councils/", f"{W}/councils/{council.pk}/",
                f"{W}/disclosures/"):
        assert client.get(url).status_code == 200, url
    page = client.get(meeting_url(meeting)).content.decode()
    assert "签到" in page and "结束会议并封存结果" not in page and "登记新议题" not in client.get(f"{W}/").content.decode()
    refused = [
        (f"{W}/topics/new/", {"community": C1, "source": "worker", "title": "越权"}),
        (topic_url(topic, "act/"), {"action": "decline", "note": "越权"}),
        (topic_url(topic, "meetings/new/"), {"step": meeting.step_id, "scheduled_at": "2026-03-01T19:00"}),
        (meeting_url(meeting, "act/"), {"action": "attend", "member": meeting.invited.first().pk}),
        (f"{W}/councils/{council.pk}/act/", {"action": "end_membership", "member": council.members.first().pk}),
        (f"{W}/councils/new/", {"community": C1, "kind": "supervision", "name": "越权"}),
        (f"{W}/disclosures/new/", {"community": C1, "kind": "fund", "title": "越权", "body": "越权"}),
    ]
    for url, data in refused:
        assert client.post(url, data).status_code == 403, url
    assert not meeting.attendance.exists()
    assert client.post(topic_url(topic, "comment/"), {"text": "请尽快落实"}).status_code == 302
    assert TopicComment.objects.get(topic=topic).author == cast.leader


def test_another_communitys_topic_is_not_there(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates)
    meeting = scheduled(worker, topic)
    client = login("other_grid_worker")  # a grid worker of 锦里社区
    for url in (topic_url(topic), meeting_url(meeting), f"{W}/councils/{council.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(topic_url(topic, "comment/"), {"text": "越界"}).status_code == 404
    assert "增设充电桩" not in client.get(f"{W}/").content.decode()
    # a community worker of 锦里社区 who is also a grid worker of a grid in 洗面桥社区: reads its
    # topics through the grid, but keeps nothing there
    client = login("multi")
    for url in (topic_url(topic), meeting_url(meeting), f"{W}/councils/{council.pk}/"):
        page = client.get(url)
        assert page.status_code == 200 and 'name="action"' not in page.content.decode(), url
    for url, data in ((topic_url(topic, "act/"), {"action": "decline", "note": "x"}),
                      (meeting_url(meeting, "act/"), {"action": "attend", "member": meeting.invited.first().pk}),
                      (f"{W}/councils/{council.pk}/act/", {"action": "end_membership", "member": "1",
                                                            "term_end": "2026-01-01"}),
                      (f"{W}/topics/new/", {"community": C1, "source": "worker", "title": "越界"})):
        assert client.post(url, data).status_code == 404, url
    assert not meeting.attendance.exists() and Topic.objects.unscoped().get(pk=topic.pk).state == "deliberating"
    # a handler works no deliberation at all
    assert login("handler").get(f"{W}/").status_code == 403


# ---------------------------------------------------------------- votes
def test_a_secret_ballots_page_never_says_who_chose_what(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates)
    topic.steps.update(ballot="secret")
    meeting = scheduled(worker, topic)
    client = login("community_worker")
    act = meeting_url(meeting, "act/")
    members = list(meeting.invited.order_by("pk"))
    for member, choice in zip(members, ("for", "against", "abstain", "for", "for"), strict=True):
        post(client, act, {"action": "attend", "member": member.pk})
        page = post(client, act, {"action": "vote", "member": member.pk, "choice": choice})
        assert messages(page)[-1] == "已记录表决"
        html = page.content.decode()
        table = members_table(html)
        assert "已投票" in table and not {"赞成", "反对", "弃权"} & set(re.findall("赞成|反对|弃权", table))
        assert 'id="result"' not in html  # no running count: it would change with each vote
    assert set(Vote.objects.filter(meeting=meeting).values_list("choice", flat=True)) == {""}
    assert SecretBallot.objects.filter(meeting=meeting).count() == 5
    assert "无记名投票：已有5位成员投票" in page.content.decode()
    page = post(client, act, {"action": "conclude", "minutes": "无记名表决"})
    html = page.content.decode()
    assert re.search(r"<dt>赞成</dt><dd>3</dd>", html)  # the count, once frozen
    assert not re.findall("赞成|反对|弃权", members_table(html))


def test_a_frozen_meeting_refuses_further_votes(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates)
    meeting = scheduled(worker, topic)
    late = meeting.invited.order_by("pk").last()
    for member in meeting.invited.exclude(pk=late.pk):
        meetings.attend(actor=worker, meeting=meeting, member=member)
    meetings.conclude(actor=worker, meeting=meeting, minutes="无人表决")
    client = login("community_worker")
    act = meeting_url(meeting, "act/")
    page = post(client, act, {"action": "vote", "member": meeting.invited.first().pk, "choice": "for"})
    assert "会议结果已随纪要封存，不能再修改" in messages(page)
    assert "会议结果已随纪要封存，不能再修改" in messages(post(client, act, {"action": "attend", "member": late.pk}))
    assert not Vote.objects.filter(meeting=meeting).exists() and not meeting.attendance.filter(member=late).exists()


# ---------------------------------------------------------------- bad input
def test_bad_input_is_named_and_changes_nothing(login, cast, council, templates):
    worker = cast.community_worker
    topic = deliberating(worker, council, templates)
    client = login("community_worker")
    step = topic.steps.get()
    for value in ("", "明天晚上", "2026-13-40T25:00"):
        page = post(client, topic_url(topic, "meetings/new/"), {"step": step.pk, "scheduled_at": value,
                                                                 "place": "议事厅"})
        assert "请填写有效的会议时间（日期和时间）" in messages(page), value
    page = post(client, topic_url(topic, "meetings/new/"), {"step": step.pk, "scheduled_at": "2026-03-01T19:00",
                                                             "place": " "})
    assert "请填写会议地点" in messages(page) and not Meeting.objects.exists()

    meeting = scheduled(worker, topic)
    page = post(client, meeting_url(meeting, "act/"), {"action": "conclude", "minutes": "  "})
    assert "请填写会议纪要" in messages(page)
    meeting.refresh_from_db()
    assert not meeting.frozen and meeting.minutes == "" and meeting.outcome == ""
    page = post(client, meeting_url(meeting, "act/"), {"action": "vote", "member": "张三", "choice": "for"})
    assert "请选择表决成员" in messages(page) and not Vote.objects.exists()
    page = post(client, f"{W}/topics/new/", {"community": C1, "source": "worker", "title": ""})
    assert "请填写议题标题" in messages(page) and Topic.objects.unscoped().count() == 1
    page = post(client, topic_url(topic, "act/"), {"action": "take_up", "council": council.pk})
    assert "不能受理" in messages(page)[0]


# ---------------------------------------------------------------- a case becomes a topic
def test_a_case_becomes_a_topic_from_its_page(login, cast, register):
    from gongzhi.cases import categories, intake, reporters
    from gongzhi.cases.models import Case, Category

    categories.forget()
    categories.load_defaults()
    try:
        case = intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), description="楼道堆放杂物无人清理",
                             category=Category.objects.get(code="garbage_pileup"), lon=0.25, lat=0.5).case
        case_url = f"/w/cases/{case.number}/"
        assert "转为议题" not in login("grid_worker").get(case_url).content.decode()  # reads, does not keep
        assert login("grid_worker").post(f"{W}/from-case/{case.number}/").status_code == 403
        client = login("community_worker")
        assert f'action="{W}/from-case/{case.number}/"' in client.get(case_url).content.decode()
        page = post(client, f"{W}/from-case/{case.number}/", {"title": "楼道杂物长期堆放"})
        topic = Case.objects.unscoped().get(pk=case.pk).topic
        assert page.redirect_chain[-1][0] == topic_url(topic) and topic.title == "楼道杂物长期堆放"
        assert f"/w/cases/{case.number}/" in page.content.decode()  # the topic links its case
        html = client.get(case_url).content.decode()
        assert 'id="case-topic"' in html and topic_url(topic) in html and "from-case" not in html
        assert "该事件已转为议题" in messages(post(client, f"{W}/from-case/{case.number}/", {}))
    finally:
        categories.forget()


# ---------------------------------------------------------------- councils and disclosures
def test_councils_members_are_seated_from_the_register_and_their_terms_ended(login, cast, register):
    client = login("community_worker")
    page = post(client, f"{W}/councils/new/", {"community": C1, "kind": "supervision", "name": "洗面桥社区监事会"})
    council_url = page.redirect_chain[-1][0]
    assert "已设立议事会" in messages(page)
    found = client.get(council_url, {"q": "张三"}).content.decode()
    assert "增加为成员" in found and f'value="{register.zhang.pk}"' in found
    page = post(client, council_url + "act/", {"action": "add_member", "person": register.zhang.pk,
                                               "role": "convener", "term_start": "2025-01-01"})
    assert "已增加成员" in messages(page)
    page = post(client, council_url + "act/", {"action": "add_member", "person": register.wang.pk,
                                               "term_start": "2025-01-01"})
    assert page.status_code == 404  # 王五 lives in 锦里社区, outside this worker's scope
    member = CouncilMember.objects.get(person=register.zhang)
    page = post(client, council_url + "act/", {"action": "end_membership", "member": member.pk, "term_end": "2024-01-01",
                                               "reason": "换届"})
    assert "任期结束不能早于开始" in messages(page)
    page = post(client, council_url + "act/", {"action": "end_membership", "member": member.pk,
                                               "term_end": "2025-12-31", "reason": "换届"})
    assert "已结束任期" in messages(page)
    html = page.content.decode()
    assert "没有在任成员" in html and "2025-01-01 – 2025-12-31" in html and "换届" in html


def test_a_disclosure_is_drafted_published_and_corrected(login, cast):
    client = login("community_worker")
    page = post(client, f"{W}/disclosures/new/", {"community": C1, "kind": "fund", "title": "2025年社区基金收支",
                                                  "body": "收入10万元，支出8万元"})
    first = Disclosure.objects.unscoped().get()
    assert "已保存草稿，尚未公开" in messages(page) and first.published_at is None
    page = post(client, f"{W}/disclosures/{first.pk}/act/", {"action": "publish"})
    assert "已公开" in messages(page) and "发布更正" in page.content.decode()
    page = post(client, f"{W}/disclosures/{first.pk}/act/", {"action": "correct", "title": "2025年社区基金收支（更正）",
                                                             "body": "收入10万元，支出7.5万元"})
    second = Disclosure.objects.unscoped().get(corrects=first)
    assert page.redirect_chain[-1][0] == f"{W}/disclosures/{second.pk}/" and "已发布更正" in messages(page)
    old = client.get(f"{W}/disclosures/{first.pk}/").content.decode()
    assert "已被更正" in old and "收入10万元，支出8万元" in old and 'name="action" value="correct"' not in old
    listing = client.get(f"{W}/disclosures/").content.decode()
    assert listing.count("2025年社区基金收支") == 2


def test_the_topic_list_reads_in_a_fixed_number_of_queries(login, cast, register):
    client = login("community_worker")
    client.get(f"{W}/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{W}/").status_code == 200
        return len(captured)

    topic = topics.propose(actor=RESIDENT, area=community(), title="议题0", source="resident", proposer=register.zhang)
    topics.support(topic=topic, person=register.li, actor=RESIDENT)
    few = queries()
    for i in range(1, 6):
        topics.propose(actor=cast.community_worker, area=community(), title=f"议题{i}", source="worker")
    assert queries() == few


def test_the_workbench_leads_to_deliberation_for_its_roles_only(login):
    for who, shown in (("community_worker", True), ("leader", True), ("handler", False), ("system_admin", False)):
        html = login(who).get("/w/").content.decode()
        assert (f'href="{W}/"' in html) is shown, who  # the nav link and the start page's card
        assert (f'href="{W}/councils/"' in html) is shown, who


# ---------------------------------------------------------------- follow-through
def resolved(worker, council, templates) -> Topic:
    """A topic its council resolved (all five for), the resolution published."""
    from gongzhi.deliberation import disclosures, votes

    topic = deliberating(worker, council, templates, title="更换小区路灯")
    meeting = scheduled(worker, topic)
    for member in meeting.invited.all():
        meetings.attend(actor=worker, meeting=meeting, member=member)
        votes.vote(actor=worker, meeting=meeting, member=member, choice="for")
    meetings.conclude(actor=worker, meeting=meeting, minutes="一致通过", resolution="年内更换路灯12盏")
    topic = Topic.objects.unscoped().get(pk=topic.pk)
    disclosures.disclose_resolution(actor=worker, topic=topic)
    return topic


def test_a_resolution_is_carried_out_through_tasks_and_its_result_prompted(login, cast, council, templates):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.deliberation.models import ResolutionTask

    topic = resolved(cast.community_worker, council, templates)
    client = login("community_worker")
    act = topic_url(topic, "act/")
    page = post(client, act, {"action": "assign", "title": "采购路灯", "deadline": "明年",
                              "owner": cast.community_worker.pk})
    assert "请填写有效的完成时限（年-月-日）" in messages(page) and not ResolutionTask.objects.exists()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page = post(client, act, {"action": "assign", "title": "采购路灯", "deadline": due, "owner": cast.community_worker.pk})
    assert "已交办落实任务" in messages(page) and "采购路灯" in page.content.decode()
    task = ResolutionTask.objects.get()
    assert task.owner == cast.community_worker and task.state == "open"

    supervision = login("leader").get(f"{W}/supervision/").content.decode()  # a reader watches
    assert "更换小区路灯" in supervision and "完成 0/1" in supervision
    assert login("leader").post(act, {"action": "cancel_task", "task": task.pk, "reason": "x"}).status_code == 403

    client = login("community_worker")
    page = post(client, act, {"action": "complete", "task": task.pk, "result": " "})
    assert "请填写完成情况" in messages(page)
    page = post(client, act, {"action": "complete", "task": task.pk, "result": "已采购并安装12盏"})
    assert "任务已办结" in messages(page)
    html = page.content.decode()
    assert 'id="implementation-due"' in html and "已采购并安装12盏</textarea>" in html  # the summary, to edit
    assert "待公开实施结果" in client.get(f"{W}/supervision/?community={C1}").content.decode()
    page = post(client, act, {"action": "disclose_implementation", "body": "路灯12盏已全部更换"})
    assert "实施结果已公开" in messages(page) and 'id="implementation-due"' not in page.content.decode()
    assert "交办落实任务" not in page.content.decode()  # nothing more to assign once the result is public


def test_a_fund_account_is_published_with_its_lines_and_corrected_with_them(login, cast):
    client = login("community_worker")
    account = {"community": C1, "kind": "fund", "title": "2025年社区基金收支", "period_start": "2025-01-01",
               "period_end": "2025-12-31", "line_name": ["绿化养护", "", "活动经费"],
               "line_budgeted": ["-5", "", "20000"], "line_spent": ["4800", "", "18000"],
               "beneficiaries": "1200", "beneficiaries_note": "全体居民"}
    page = post(client, f"{W}/disclosures/account/", account)
    assert "第1行的预算金额不能为负数" in messages(page) and not Disclosure.objects.unscoped().exists()
    page = post(client, f"{W}/disclosures/account/", {**account, "line_budgeted": ["5000", "", "20000"]})
    first = Disclosure.objects.unscoped().get()
    assert page.redirect_chain[-1][0] == f"{W}/disclosures/{first.pk}/" and first.published_at is not None
    table = re.search(r'<table id="account">.*?</table>', page.content.decode(), re.S).group(0)
    assert "绿化养护" in table and "25000.00" in table and "22800.00" in table  # the system's totals
    assert [i.name for i in first.items.all()] == ["绿化养护", "活动经费"]

    html = page.content.decode()
    try:  # the residents' portal's page of it, where the portal has one
        assert f'href="{reverse("portal:disclosure", args=[first.pk])}" id="public-link"' in html
    except NoReverseMatch:
        assert 'id="public-link"' not in html
    assert 'value="correct_account"' in html and 'value="绿化养护"' in html  # the correction starts from the lines
    page = post(client, f"{W}/disclosures/{first.pk}/act/", {
        "action": "correct_account", "title": "2025年社区基金收支（更正）", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "line_name": ["绿化养护", "活动经费"], "line_budgeted": ["5000", "20000"],
        "line_spent": ["4800", "17500"], "beneficiaries": "1200", "beneficiaries_note": "全体居民"})
    second = Disclosure.objects.unscoped().get(corrects=first)
    assert "已发布更正" in messages(page) and page.redirect_chain[-1][0] == f"{W}/disclosures/{second.pk}/"
    assert [str(i.spent) for i in second.items.all()] == ["4800.00", "17500.00"]
    assert [str(i.spent) for i in first.items.all()] == ["4800.00", "18000.00"]  # the old one stays


def test_a_compound_council_is_established_on_an_estate_named_from_the_register(login, cast, register):
    client = login("community_worker")
    assert '<option value="锦绣花园">' in client.get(f"{W}/councils/").content.decode()
    page = post(client, f"{W}/councils/new/", {"community": C1, "kind": "deliberation", "name": "锦绣花园院落议事会",
                                               "compound": "锦绣花园"})
    assert "已设立议事会" in messages(page) and "锦绣花园" in page.content.decode()
    page = post(client, f"{W}/councils/new/", {"community": C1, "kind": "deliberation", "name": "不存在",
                                               "compound": "不存在花园"})
    assert any("没有名为“不存在花园”的小区/院落" in m for m in messages(page))
    assert not Council.objects.unscoped().filter(name="不存在").exists()
