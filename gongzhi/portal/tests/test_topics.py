"""Residents on the portal: they prove who they are with their name, a phone the register holds
and a code by SMS (never learning whether someone else is registered), then propose a topic for
their community, support it once, comment; everyone reads topics and disclosures, names masked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases.tests.test_photos import jpeg_with_gps
from gongzhi.conftest import C1, RESIDENT, SYSTEM
from gongzhi.deliberation import disclosures, topics
from gongzhi.deliberation.models import Topic, TopicComment, TopicPhoto, TopicSupport
from gongzhi.deliberation.tests.conftest import community
from gongzhi.notifications.models import Notification
from gongzhi.portal.tests.conftest import last_code
from gongzhi.registry import phones
from gongzhi.registry.tests.conftest import SHARED_PHONE, register  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(world, settings):
    settings.GONGZHI_PORTAL_AREA = "510100000000"


def verify(client, name="张三", phone=SHARED_PHONE) -> None:
    client.post("/me/", {"step": "send", "name": name, "phone": phone})
    answer = client.post("/me/", {"step": "confirm", "code": last_code()})
    assert answer.status_code == 302, answer.content.decode()


def test_a_resident_proves_who_they_are_by_a_code_sent_to_their_registered_phone(client, portal, register):  # noqa: F811
    sent = client.post("/me/", {"step": "send", "name": "张三", "phone": SHARED_PHONE}).content.decode()
    assert "验证码已发送" in sent and Notification.objects.filter(channel="sms").count() == 1
    assert client.post("/me/", {"step": "confirm", "code": last_code()}).status_code == 302
    page = client.get("/me/").content.decode()
    assert "您已核验为 张*" in page and "张三" not in page
    client.post("/me/leave/")
    assert "您已核验为" not in client.get("/me/").content.decode()


def test_whether_someone_is_registered_is_never_said(client, portal, register):  # noqa: F811
    answer = client.post("/me/", {"step": "send", "name": "赵六", "phone": SHARED_PHONE}).content.decode()
    assert "验证码已发送" in answer and not Notification.objects.filter(channel="sms").exists()
    refused = client.post("/me/", {"step": "confirm", "code": "123456"}).content.decode()
    assert "验证码不正确" in refused and "您已核验为" not in client.get("/me/").content.decode()


def test_a_code_has_five_tries_and_a_phone_a_bounded_number_of_codes(client, portal, register, settings):  # noqa: F811
    client.post("/me/", {"step": "send", "name": "张三", "phone": SHARED_PHONE})
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert "验证码不正确" in client.post("/me/", {"step": "confirm", "code": wrong}).content.decode()
    assert "验证码已失效" in client.post("/me/", {"step": "confirm", "code": right}).content.decode()
    settings.GONGZHI_PORTAL_CODES_PER_PHONE = "2/h"
    for _ in range(2):
        client.post("/me/", {"step": "send", "name": "张三", "phone": SHARED_PHONE})
    too_many = client.post("/me/", {"step": "send", "name": "张三", "phone": SHARED_PHONE}).content.decode()
    assert "过于频繁" in too_many
    settings.GONGZHI_PORTAL_RATE_PER_ADDRESS = "3/h"  # many numbers from one address
    for n in range(3):
        client.post("/me/", {"step": "send", "name": "张三", "phone": f"1390000000{n}"})
    assert "过于频繁" in client.post("/me/", {"step": "send", "name": "张三", "phone": "13900000009"}).content.decode()
    bad = client.post("/me/", {"step": "send", "name": "张三", "phone": "12"}).content.decode()
    assert "请填写有效的手机号" in bad


def test_wrong_codes_sent_at_once_use_up_the_five_tries(client, portal, register, settings):  # noqa: F811
    """Issue 15 item 7: fifteen wrong codes sent at once each load the session before any is
    answered; the tries are counted outside it, so only five are weighed and the right code
    that follows is refused."""
    from importlib import import_module

    from django.test import RequestFactory

    from gongzhi.portal import residents

    client.post("/me/", {"step": "send", "name": "张三", "phone": SHARED_PHONE})
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    racing = []
    for _ in range(15):  # every request has read the session as it was when the code was sent
        request = RequestFactory().post("/me/")
        request.session = store(client.session.session_key)
        request.session.load()
        racing.append(request)
    answers = []
    for request in racing:
        with pytest.raises(residents.ResidentError) as refused:
            residents.confirm(request, wrong)
        answers.append(str(refused.value))
    assert answers.count("验证码不正确") == 5 and answers.count("验证码已失效，请重新获取") == 10
    assert "验证码已失效" in client.post("/me/", {"step": "confirm", "code": right}).content.decode()
    assert "您已核验为" not in client.get("/me/").content.decode()


def test_a_proven_resident_proposes_a_topic_for_their_community_once(client, portal, register):  # noqa: F811
    assert client.get("/topics/new/")["Location"].startswith("/me/?next=/topics/new/")
    verify(client)
    form = {"title": "加装电梯<script>", "description": "1栋老人多，上下楼难", "token": "tok-1"}
    answer = client.post("/topics/new/", form)
    topic = Topic.objects.unscoped().get()
    assert answer["Location"] == f"/topics/{topic.pk}/"
    assert (topic.area_id, topic.source, topic.proposer, topic.state) == (C1, "resident", register.zhang, "proposed")
    assert client.post("/topics/new/", form)["Location"] == f"/topics/{topic.pk}/"  # a retried post
    assert Topic.objects.unscoped().count() == 1
    page = client.get(f"/topics/{topic.pk}/").content.decode()
    assert "加装电梯&lt;script&gt;" in page and "居民提出（张*）" in page and "张三" not in page
    empty = client.post("/topics/new/", {"title": "", "description": "只有说明", "token": "tok-2"})
    assert empty.status_code == 200 and "只有说明" in empty.content.decode()  # nothing typed is lost
    assert Topic.objects.unscoped().count() == 1


def test_residents_of_the_community_support_once_and_comment(client, portal, register):  # noqa: F811
    topic = topics.propose(actor=RESIDENT, area=community(), title="楼道堆物清理", source="resident",
                           proposer=register.li)
    verify(client)
    client.post(f"/topics/{topic.pk}/support/")
    again = client.post(f"/topics/{topic.pk}/support/", follow=True).content.decode()
    assert TopicSupport.objects.filter(topic=topic).count() == 1 and "已经附议过" in again
    client.post(f"/topics/{topic.pk}/comment/", {"text": "同意，周末一起清", "token": "c-1"})
    client.post(f"/topics/{topic.pk}/comment/", {"text": "同意，周末一起清", "token": "c-1"})  # retried
    assert TopicComment.objects.filter(topic=topic).count() == 1
    page = client.get(f"/topics/{topic.pk}/").content.decode()
    assert "同意，周末一起清" in page and "张*" in page and "1 人附议" not in page and "您已附议" in page
    long = client.post(f"/topics/{topic.pk}/comment/", {"text": "长" * 2001, "token": "c-2"})
    assert long.status_code == 400 and "长" * 2001 in long.content.decode()


def test_residents_of_another_community_and_strangers_only_read(client, portal, register):  # noqa: F811
    topic = topics.propose(actor=RESIDENT, area=community(), title="楼道堆物清理", source="resident",
                           proposer=register.li)
    assert "核验居民身份后可附议" in client.get(f"/topics/{topic.pk}/").content.decode()
    assert client.post(f"/topics/{topic.pk}/support/")["Location"].startswith("/me/")
    phones.link_phone(actor=SYSTEM, number="13700001111", person=register.wang)  # lives in C2
    verify(client, name="王五", phone="13700001111")
    assert "附议</button>" not in client.get(f"/topics/{topic.pk}/").content.decode()
    refused = client.post(f"/topics/{topic.pk}/support/", follow=True).content.decode()
    assert "不是本社区居民" in refused and not TopicSupport.objects.exists()
    assert client.get("/topics/999999/").status_code == 404


def test_a_closed_topic_takes_no_more_comments(client, portal, register, cast):  # noqa: F811
    topic = topics.propose(actor=RESIDENT, area=community(), title="广场舞时间", source="resident", proposer=register.li)
    topics.decline(actor=cast.community_worker, topic=topic, note="已有物业规定")
    verify(client)
    answer = client.post(f"/topics/{topic.pk}/comment/", {"text": "还想说", "token": "c-9"})
    assert answer.status_code == 400 and "议题已办结" in answer.content.decode()
    assert "广场舞时间" in client.get("/topics/?state=declined").content.decode()
    assert "广场舞时间" not in client.get("/topics/?state=proposed").content.decode()
    assert not TopicComment.objects.exists()


def test_disclosures_are_public_with_dates_and_corrections_beside_what_they_correct(client, portal, cast):
    worker = cast.community_worker
    draft = disclosures.draft(actor=worker, area=community(), kind="fund", title="未发布草稿", body="草稿")
    first = disclosures.publish(actor=worker, disclosure=disclosures.draft(
        actor=worker, area=community(), kind="project", title="健身器材更新", body="预算3万元"))
    second = disclosures.correct(actor=worker, disclosure=first, title="健身器材更新（更正）", body="预算2.8万元")
    listing = client.get("/disclosures/").content.decode()
    assert "健身器材更新（更正）" in listing and "已更正" in listing and "未发布草稿" not in listing
    old = client.get(f"/disclosures/{first.pk}/").content.decode()
    assert "本条公开已被更正" in old and f"/disclosures/{second.pk}/" in old and "预算3万元" in old
    assert "本条更正" in client.get(f"/disclosures/{second.pk}/").content.decode()
    assert client.get(f"/disclosures/{draft.pk}/").status_code == 404
    other = client.get("/disclosures/?community=510107001002").content.decode()
    assert "健身器材更新" not in other


def test_a_topic_is_proposed_with_photos_stripped_of_where_they_were_taken(
        client, portal, register, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    verify(client)
    bad = client.post("/topics/new/", {"title": "健身区", "description": "器材坏了", "token": "p-1",
                                       "photos": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg"),
                                                  SimpleUploadedFile("notes.txt", b"not a photo", "image/jpeg")]})
    assert "notes.txt：不是可识别的图片" in bad.content.decode() and not Topic.objects.unscoped().exists()
    assert "器材坏了" in bad.content.decode() and "请重新选择照片" in bad.content.decode()
    client.post("/topics/new/", {"title": "健身区", "description": "器材坏了", "token": "p-2",
                                 "photos": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), "image/jpeg")]})
    photo = TopicPhoto.objects.get()
    served = client.get(f"/topics/{photo.topic_id}/photos/{photo.pk}/")
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert served["Content-Type"] == "image/jpeg" and not image.getexif()
    assert client.get(f"/topics/{photo.topic_id}/photos/{photo.pk}/?size=thumb").status_code == 200
    other = topics.propose(actor=RESIDENT, area=community(), title="另一个", source="resident", proposer=register.li)
    assert client.get(f"/topics/{other.pk}/photos/{photo.pk}/").status_code == 404


def test_a_fund_disclosure_shows_its_lines_and_the_systems_totals(client, portal, cast):
    import datetime as dt

    from gongzhi.deliberation import funds

    fund = funds.disclose_fund(actor=cast.community_worker, area=community(), title="2026年第三季度惠民资金",
                               period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30),
                               rows=[("楼道照明", "12000.00", "11800.50"), ("健身器材", "30000", "28000")],
                               beneficiaries=320, beneficiaries_note="1至3栋住户")
    page = client.get(f"/disclosures/{fund.pk}/").content.decode()
    assert "楼道照明" in page and "42000.00" in page and "39800.50" in page and "2199.50" in page
    assert "320 人（户）：1至3栋住户" in page and "2026-07-01 — 2026-09-30" in page
