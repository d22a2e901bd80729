"""The register in the workbench: pages render in scope, reveal asks for a reason and is
audited, imports show their progress and give back the error workbook."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import SYSTEM
from gongzhi.registry import imports
from gongzhi.registry.models import ImportJob

from .conftest import SHARED_PHONE, ZHANG_ID


@pytest.fixture
def page(login):
    return login


def test_search_page_finds_in_scope_and_says_when_nothing(page, register):
    client = page("grid_worker")
    html = client.get("/w/registry/", {"q": "张"}).content.decode()
    assert "张三" in html and ZHANG_ID not in html and ZHANG_ID[-4:] in html
    html = client.get("/w/registry/", {"q": "王五"}).content.decode()
    assert "没有找到" in html


def test_a_long_result_is_cut_at_the_limit_and_says_so(page, register, cast):
    from gongzhi.registry import people, search

    from .factories import id_number

    for n in range(21):  # 张三 is the 22nd 张 in the grid
        people.register_person(actor=SYSTEM, name=f"张{n:02d}", residency="registered", house=register.h1,
                               id_number=id_number(serial=f"{700 + n}"), since=dt.date(2020, 1, 1))
    found = search.search(cast.grid_worker, "张")
    assert len(found.people) == 20 and found.truncated
    assert not search.search(cast.grid_worker, "张三").truncated
    html = page("grid_worker").get("/w/registry/", {"q": "张"}).content.decode()
    assert "每类只显示前 20 条" in html


@pytest.mark.parametrize(("url", "who", "status"), [
    ("/w/registry/people/{zhang}/", "grid_worker", 200),
    ("/w/registry/people/{zhang}/", "other_grid_worker", 404),
    ("/w/registry/people/{zhang}/", "system_admin", 403),
    ("/w/registry/houses/{h1}/", "dispatcher", 200),
    ("/w/registry/houses/{h2}/", "grid_worker", 404),
    ("/w/registry/entities/{shop}/", "community_worker", 200),
    ("/w/registry/entities/{shop}/", "audit_admin", 403),
])
def test_linked_pages_answer_within_scope(page, register, url, who, status):
    url = url.format(zhang=register.zhang.pk, h1=register.h1.pk, h2=register.h2.pk, shop=register.shop.pk)
    assert page(who).get(url).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, register):
    response = client.get(f"/w/registry/people/{register.zhang.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_person_page_reveals_only_with_a_reason_and_audits_it(page, register):
    client = page("grid_worker")
    url = f"/w/registry/people/{register.zhang.pk}/"
    html = client.get(url).content.decode()
    assert ZHANG_ID not in html and "查看原因" in html
    html = client.post(url, {"field": "id_number", "reason": ""}).content.decode()
    assert ZHANG_ID not in html and "查看原因" in html
    html = client.post(url, {"field": "id_number", "reason": "入户核查"}).content.decode()
    assert ZHANG_ID in html
    assert AuditEntry.objects.filter(action="registry.sensitive.revealed", actor_name="grid_worker").count() == 1
    link = register.zhang.phone_links.unscoped().get()
    html = client.post(url, {"field": f"phone:{link.pk}", "reason": "回访"}).content.decode()
    assert SHARED_PHONE in html


def test_a_dispatcher_sees_no_reveal_form(page, register):
    html = page("dispatcher").get(f"/w/registry/people/{register.zhang.pk}/").content.decode()
    assert "张三" in html and "查看原因" not in html


def test_the_phone_page_lists_everyone_on_a_number(page, register):
    html = page("community_worker").post("/w/registry/phone/", {"number": SHARED_PHONE}, follow=True).content.decode()
    assert "张三" in html and "李四" in html and SHARED_PHONE not in html


def test_importing_from_the_page_shows_progress_and_the_error_workbook(page, register,
                                                                      django_capture_on_commit_callbacks):
    client = page("community_worker")
    data = ("姓名,身份证号,人口类型,现住地址\n坏,510107199001011234,户籍人口,桂溪路18号锦绣花园1栋2单元301\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/w/registry/imports/", {"kind": "people",
                                                        "file": SimpleUploadedFile("p.csv", data, "text/csv")})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and "下载错误表格" in html
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div id=\"progress\"")
    errors = client.get(f"/w/registry/imports/{job.pk}/errors.xlsx")
    assert errors.status_code == 200 and errors.content[:2] == b"PK"
    # Nobody else sees the job.
    assert page("grid_worker").get(f"/w/registry/imports/{job.pk}/").status_code == 404
    # After the download period the workbook is gone, and says so.
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    client = page("community_worker")
    assert client.get(f"/w/registry/imports/{job.pk}/errors.xlsx").status_code == 410
    assert imports.remove_expired_files() == 1
    assert client.get(f"/w/registry/imports/{job.pk}/errors.xlsx").status_code == 404


def test_a_wrong_file_type_is_refused_on_the_form(page, register):
    html = page("community_worker").post("/w/registry/imports/", {
        "kind": "people", "file": SimpleUploadedFile("p.pdf", b"%PDF", "application/pdf")}).content.decode()
    assert "只支持" in html and not ImportJob.objects.exists()


def test_templates_download(page):
    response = page("community_worker").get("/w/registry/templates/people.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert page("community_worker").get("/w/registry/templates/rockets.xlsx").status_code == 404


def test_the_review_queue_page_resolves_and_dismisses(page, register):
    from gongzhi.areas.models import Area
    from gongzhi.registry import matching

    matcher = matching.Matcher(Area.objects.unscoped().get(code="510100000000"))
    review = matching.enqueue(matcher.match("洗面桥社区桂溪路18号锦绣花园1栋2单元999"), source="test")
    other = matching.enqueue(matcher.match("洗面桥社区火星基地"), source="test")
    client = page("community_worker")
    html = client.get("/w/registry/reviews/").content.decode()
    assert "锦绣花园1栋2单元999" in html and "火星基地" in html
    client.post(f"/w/registry/reviews/{review.pk}/", {"address_code": register.h1.address.code, "action": "resolve"})
    client.post(f"/w/registry/reviews/{other.pk}/", {"action": "dismiss"})
    assert "没有待核地址" in client.get("/w/registry/reviews/").content.decode()


def test_the_workbench_home_offers_what_the_role_opens(page, register):
    assert "导入表格" in page("community_worker").get("/w/").content.decode()
    html = page("dispatcher").get("/w/").content.decode()
    assert "按姓名" in html and "导入表格" not in html
    assert "不查看居民基础信息" in page("system_admin").get("/w/").content.decode()


def test_history_shows_old_and_new_values_and_created_values_whole(page, register):
    from gongzhi.registry import people

    people.update_person(actor=SYSTEM, person=register.zhang, name="张叁")
    html = page("grid_worker").get(f"/w/registry/people/{register.zhang.pk}/").content.decode()
    assert "name: 张三 → 张叁" in html and "name: 张三<" in html.replace("</div>", "<")


def test_the_stylesheet_and_htmx_are_served_locally(client):
    assert client.get("/static/gongzhi/app.css").status_code == 200
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_registering_a_person_at_a_house_from_its_page(page, register):
    from gongzhi.registry.models import Person

    from .factories import id_number

    client = page("grid_worker")
    url = f"/w/registry/people/new/?house={register.h1.pk}"
    assert "登记人员" in client.get(url).content.decode()
    bad = client.post(url, {"name": "孙七", "residency": "registered", "id_number": "510107200102034681",
                            "tenure": "own"}).content.decode()
    assert "校验位" in bad and not Person.objects.unscoped().filter(name="孙七").exists()
    good = client.post(url, {"name": "孙七", "residency": "registered", "id_number": id_number(serial="468"),
                             "tenure": "own", "phones": "13900001111; 028-85556666", "relation_to_head": "child"})
    person = Person.objects.unscoped().get(name="孙七")
    assert good.status_code == 302 and person.house == register.h1
    assert person.phone_links.unscoped().count() == 2
    # Another grid's house is not there for this grid worker.
    assert client.get(f"/w/registry/people/new/?house={register.h2.pk}").status_code == 404


def test_correcting_and_recording_life_events_from_the_person_page(page, register):
    from gongzhi.registry.models import Person

    client = page("multi")  # holds G1 and C2
    url = f"/w/registry/people/{register.li.pk}/"
    assert client.post(url + "edit/", {"name": "李肆", "residency": "registered"}).status_code == 302
    assert Person.objects.unscoped().get(pk=register.li.pk).name == "李肆"
    early = client.post(url + "event/", {"event": "move_in", "day": "2019-01-01", "tenure": "own",
                                         "address": "锦里路6号2栋1单元502"}).content.decode()
    assert "早于入住日期" in early
    moved = client.post(url + "event/", {"event": "move_in", "day": "2024-01-01", "tenure": "own",
                                         "address": "锦里路6号2栋1单元502"})
    assert moved.status_code == 302 and Person.objects.unscoped().get(pk=register.li.pk).house == register.h2
    nowhere = client.post(url + "event/", {"event": "move_in", "day": "2024-02-01", "tenure": "own",
                                           "address": "火星基地"}).content.decode()
    assert "无法确定匹配" in nowhere
    assert client.post(url + "event/", {"event": "death", "day": "2025-01-01"}).status_code == 302
    assert Person.objects.unscoped().get(pk=register.li.pk).status == "deceased"
    assert page("dispatcher").get(url + "edit/").status_code == 403  # reads, does not keep the register
