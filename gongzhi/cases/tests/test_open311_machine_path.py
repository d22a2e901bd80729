"""Open311 as deployed: through the WSGI application, whose machine path skips the session,
sign-in and page middleware. What a client relies on still holds there: a case is filed and
read back, the answer carries the security headers (nothing may run or frame it), an unknown
Host is refused, no cookie is set; pages keep the full stack."""

import io
import sys
import urllib.parse

import pytest
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from gongzhi.areas.models import Area
from gongzhi.cases import categories, numbers, open311
from gongzhi.cases.models import Case
from gongzhi.common import machine

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def application():
    from gongzhi.wsgi import application

    # The WSGI handler closes stale connections as each request starts; the test's must stay.
    request_started.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)


def call(application, method: str, path: str, data: dict | None = None, host: str = "127.0.0.1",
         key: str = "machine-1"):
    body = urllib.parse.urlencode(data or {}).encode()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "HTTP_HOST": host, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
               "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "10.1.2.3",
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_IDEMPOTENCY_KEY": key}
    started = {}
    content = b"".join(application(environ, lambda status, headers: started.update(status=status,
                                                                                     headers=dict(headers))))
    return started["status"], started["headers"], content


def test_open311_through_the_machine_path(application, world, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    categories.load_defaults()
    key = open311.new_key(name="machine", area=Area.objects.unscoped().get(code="510107000000"))
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "路口垃圾"}
    status, headers, content = call(application, "POST", "/open311/v2/requests.json", post)
    assert status.startswith("200"), content
    case = Case.objects.unscoped().get(description="路口垃圾")
    assert case.number.encode() in content and case.channel == "open311"
    assert headers["Content-Security-Policy"] == machine.NOTHING and headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff" and "Set-Cookie" not in headers
    status, _headers, _content = call(application, "POST", "/open311/v2/requests.json", post)  # the retry
    assert status.startswith("200") and Case.objects.unscoped().count() == 1
    status, _headers, _content = call(application, "GET", "/open311/v2/services.json", host="evil.example")
    assert status.startswith("400")
    status, _headers, _content = call(application, "GET", "/open311/v2/nothing.json")  # its own URLconf
    assert status.startswith("404")
    status, headers, _content = call(application, "GET", "/report/")
    assert status.startswith("200") and "script-src 'self'" in headers["Content-Security-Policy"]


def _prepared_executions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_a_report_reads_nothing_once_the_process_knows_its_key(application, world, settings):
    """Intake is the platform's busiest write (issue 16: no loss of speed). Once the process holds
    the key, the category and a block of case numbers, an Open311 report only writes: on
    PostgreSQL the one prepared statement (case, event and rollups; no query through Django's
    cursor), elsewhere the writes in one transaction. A read added per report (the key or the
    category looked up again, a scope asked of the database) fails here."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    categories.load_defaults()
    numbers.forget()
    key = open311.new_key(name="counted", area=Area.objects.unscoped().get(code="510107000000"))
    post = {"api_key": key, "service_code": "garbage_pileup", "lat": "0.5", "long": "0.25", "description": "第一件"}
    assert call(application, "POST", "/open311/v2/requests.json", post, key="counted-1")[0].startswith("200")
    postgresql = connection.vendor == "postgresql"
    executed = _prepared_executions() if postgresql else 0
    with CaptureQueriesContext(connection) as captured:
        status, _headers, content = call(application, "POST", "/open311/v2/requests.json",
                                         {**post, "description": "第二件"}, key="counted-2")
    assert status.startswith("200"), content
    assert Case.objects.unscoped().filter(description="第二件").exists()
    sent = [q["sql"] for q in captured.captured_queries]
    if postgresql:
        assert sent == [] and _prepared_executions() == executed + 1
    else:
        assert sent and not [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")], sent
