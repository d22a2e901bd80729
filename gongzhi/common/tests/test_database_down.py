"""Issue 15 item 19: while the database cannot be reached every interface answers 503 with
Retry-After in its own format (not Django's bare HTML 500), /healthz says so, /livez does not
touch the database."""

import io
import json
from unittest import mock
from wsgiref.util import setup_testing_defaults

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from gongzhi.common.machine import MachineHandler


@pytest.fixture
def database_down(db):
    """`database_down()`: from then on every query fails as while PostgreSQL restarts (until the
    test ends, before the test database is cleaned up)."""
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    patcher = mock.patch.object(BaseDatabaseWrapper, "_cursor", refuse)
    yield patcher.start
    mock.patch.stopall()


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_healthz_checks_the_database_and_livez_does_not(db, client, database_down):
    assert client.get("/healthz").json() == {"status": "ok"}
    database_down()
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "数据库暂时无法连接" in answer.content.decode()
    live = client.get("/livez")
    assert live.status_code == 200 and live.json() == {"status": "ok"}


def test_a_page_answers_a_503_page_in_the_sites_frame(cast, client, database_down):
    client.force_login(cast.community_worker)  # the session is read from the database
    database_down()
    answer = client.get("/w/")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert answer["Content-Type"].startswith("text/html")
    page = answer.content.decode()
    assert "<title>暂时无法服务</title>" in page and "共治 · 社区治理平台" in page
    anonymous = Client(raise_request_exception=False).get("/")  # the portal's home reads areas and topics
    assert anonymous.status_code == 503 and "暂时无法服务" in anonymous.content.decode()


def test_the_api_answers_its_json_problem(cast, client, database_down):
    client.force_login(cast.community_worker)
    database_down()
    answer = client.get("/api/v1/people")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert answer.json() == {"detail": "数据库暂时无法连接，请稍后再试", "code": "database_unavailable"}


def test_open311_answers_its_error_list_on_the_full_stack(db, client, database_down):
    database_down()
    answer = client.get("/open311/v2/services.json")
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert answer.json() == [{"code": 503, "description": "数据库暂时无法连接，请稍后再试"}]
    xml = client.get("/open311/v2/services.xml")
    assert xml.status_code == 503 and b"<errors><error><code>503</code>" in xml.content


def test_open311_answers_its_error_list_on_the_machine_stack(db, database_down, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    database_down()
    environ = {"PATH_INFO": "/open311/v2/requests.json", "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
               "wsgi.input": io.BytesIO(b"")}
    setup_testing_defaults(environ)
    status_headers = {}

    def start_response(status, headers, exc_info=None):
        status_headers["status"], status_headers["headers"] = status, dict(headers)

    body = b"".join(MachineHandler()(environ, start_response))
    assert status_headers["status"].startswith("503")
    assert status_headers["headers"]["Retry-After"] == "30"
    assert json.loads(body) == [{"code": 503, "description": "数据库暂时无法连接，请稍后再试"}]


def test_other_errors_keep_the_plain_500(db, client):
    with mock.patch("gongzhi.urls.JsonResponse", side_effect=ValueError("a bug, not the database")):
        answer = client.get("/healthz")
    assert answer.status_code == 500 and "Retry-After" not in answer


def test_an_outage_is_one_warning_line_per_request_not_a_traceback(caplog):
    import logging
    import sys

    from django.db import OperationalError

    def log_failed_request(exc: Exception) -> logging.LogRecord:
        caplog.clear()
        try:
            raise exc
        except type(exc):
            logging.getLogger("django.request").error("Failed: %s", "/w/", exc_info=sys.exc_info())
        [record] = [r for r in caplog.records if r.name == "django.request"]
        return record

    outage = log_failed_request(OperationalError("connection refused"))
    assert outage.levelno == logging.WARNING and outage.exc_info is None
    assert "database unavailable: OperationalError: connection refused" in outage.getMessage()
    bug = log_failed_request(ValueError("a bug"))
    assert bug.levelno == logging.ERROR and bug.exc_info is not None
