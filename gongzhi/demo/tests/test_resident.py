"""The resident `./dev demo` prints can prove who they are on the portal, as its README says."""


import pytest

from gongzhi.demo import seed
from gongzhi.demo.resident import demo_resident
from gongzhi.portal.tests.conftest import last_code

from .test_seed import NOW


@pytest.mark.django_db
def test_the_printed_demo_resident_verifies_on_the_portal(client):
    seed.seed(scale="small", seed=1, now=NOW, cases=0)
    name, phone = demo_resident()
    client.post("/me/", {"step": "send", "name": name, "phone": phone})
    code = last_code()
    assert client.post("/me/", {"step": "confirm", "code": code}).status_code == 302
    assert "您已核验为" in client.get("/me/").content.decode()
