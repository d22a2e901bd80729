"""People in a sensitive group (特殊人群: a tag flagged sensitive) are seen, and tagged, only
through a grant naming the group: the register's pages, forms, imports and linked views."""

import io

import pytest
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.conftest import C1, PASSWORD, SYSTEM, sign_in
from gongzhi.registry import houses, imports, people
from gongzhi.registry.models import ImportJob, Person, Tag

from .factories import id_number
from .test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes

DRUG = "drug"


@pytest.fixture
def granted(cast, world, register):
    """A community worker of C1 whose grant names the drug group."""
    user = accounts.create_staff(actor=SYSTEM, username="drug_worker", password=PASSWORD, must_change=False)
    accounts.assign_role(actor=SYSTEM, user=user, role=Role.COMMUNITY_WORKER, area=world[C1], categories=[DRUG])
    return user


def test_the_migration_flags_the_special_groups(register):
    flagged = set(Tag.objects.filter(sensitive=True).values_list("code", flat=True))
    assert {"released", "community_correction", "drug", "mental", "hiv_risk", "key_youth"} <= flagged
    assert not Tag.objects.filter(code__in=["elderly", "party_member", "disabled"], sensitive=True).exists()


def test_only_a_grant_naming_the_group_puts_people_in_it(cast, register, granted):
    with pytest.raises(people.RegistryError, match="敏感类别") as refused:
        people.register_person(actor=cast.community_worker, name="孙八", residency="registered",
                               id_number=id_number(serial="571"), house=register.h1, tags=[DRUG])
    assert refused.value.field == "tags" and not Person.objects.unscoped().filter(name="孙八").exists()
    with pytest.raises(people.RegistryError, match="吸毒人员"):
        people.update_person(actor=cast.community_worker, person=register.zhang, tags=["party_member", DRUG])
    assert list(register.zhang.tags.values_list("code", flat=True)) == ["party_member"]
    person = people.register_person(actor=granted, name="孙八", residency="registered",
                                    id_number=id_number(serial="571"), house=register.h1, tags=[DRUG])
    assert person.tags.get().code == DRUG
    people.update_person(actor=granted, person=register.zhang, tags=["party_member", DRUG])
    assert register.zhang.tags.filter(code=DRUG).exists()


def test_the_person_forms_offer_the_group_only_to_those_granted_it(client, cast, register, granted):
    url = f"/w/registry/people/new/?house={register.h1.pk}"
    sign_in(client, cast.community_worker)
    assert "吸毒人员" not in client.get(url).content.decode()
    assert "党员" in client.get(url).content.decode()
    refused = client.post(url, {"name": "孙八", "residency": "registered", "id_number": id_number(serial="571"),
                                "tenure": "own", "tags": [Tag.objects.get(code=DRUG).pk]})
    assert refused.status_code == 200 and not Person.objects.unscoped().filter(name="孙八").exists()
    sign_in(client, granted)
    assert "吸毒人员" in client.get(url).content.decode()
    edit = client.get(f"/w/registry/people/{register.zhang.pk}/edit/").content.decode()
    assert "吸毒人员" in edit


def test_an_import_refuses_the_group_from_an_uploader_not_granted_it(cast, register, granted,
                                                                    django_capture_on_commit_callbacks):
    rows = [PEOPLE_HEADER, ["孙八", id_number(serial="571"), "户籍人口", H1_CODE_TEXT, "", "", "", "吸毒人员"],
            ["孙九", id_number(serial="573"), "户籍人口", H1_CODE_TEXT, "", "", "", "党员"]]

    def upload(who):
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.start(actor=who, kind="people", file_name="people.csv", data=csv_bytes(rows))
        return ImportJob.objects.get(pk=job.pk)

    job = upload(cast.community_worker)
    assert (job.created, job.failed) == (1, 1)
    sheet = load_workbook(io.BytesIO(imports.error_workbook(job))).active
    header = [c.value for c in sheet[1]]
    assert "敏感类别" in sheet.cell(row=2, column=header.index("标签") + 1).comment.text
    job = upload(granted)
    assert job.failed == 0 and Person.objects.unscoped().get(name="孙八").tags.get().code == DRUG


def test_a_house_does_not_name_an_owner_the_viewer_may_not_see(client, cast, register, granted):
    houses.update_house(actor=SYSTEM, house=register.h1, owner_person=register.li)
    people.update_person(actor=SYSTEM, person=register.li, tags=[DRUG])
    url = f"/w/registry/houses/{register.h1.pk}/"
    sign_in(client, cast.community_worker)
    page = client.get(url).content.decode()
    assert "李四" not in page and "不在您的查看范围内" in page and "张三" in page
    sign_in(client, granted)
    assert "李四" in client.get(url).content.decode()


def test_the_phone_page_names_only_the_people_the_viewer_may_see(client, cast, register, granted):
    from .conftest import SHARED_PHONE

    people.update_person(actor=SYSTEM, person=register.li, tags=[DRUG])
    sign_in(client, cast.community_worker)
    page = client.post("/w/registry/phone/", {"number": SHARED_PHONE}).content.decode()
    assert "张三" in page and "李四" not in page
    sign_in(client, granted)
    assert "李四" in client.post("/w/registry/phone/", {"number": SHARED_PHONE}).content.decode()


def test_flagging_a_tag_sensitive_in_the_admin_is_audited(client, cast, register):
    from gongzhi.audit.models import AuditEntry

    tag = Tag.objects.get(code="disabled")
    sign_in(client, cast.system_admin)
    assert "敏感类别" in client.get("/admin/registry/tag/").content.decode()
    response = client.post(f"/admin/registry/tag/{tag.pk}/change/", {"code": "disabled", "name": tag.name,
                                                                      "sensitive": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="registry.tag.changed").latest("seq")
    assert entry.actor_id == cast.system_admin.pk and entry.changes == {"sensitive": [False, True]}
