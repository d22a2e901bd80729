"""The server as deployed (`gunicorn -c python:gongzhi.gunicorn_conf gongzhi.wsgi`): the
application is loaded and warmed in the arbiter, frozen for the garbage collector, and then
forked without a database connection; the workers answer."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts Python processes and a gunicorn server

ROOT = Path(__file__).resolve().parents[3]


def environment(tmp_path) -> dict[str, str]:
    return {**os.environ, "GONGZHI_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "gongzhi.settings", "ALLOWED_HOSTS": "127.0.0.1"}


def test_warming_imports_every_page_and_leaves_no_connection_to_inherit(tmp_path):
    check = (
        "import gc, sys, django; django.setup()\n"
        "from django.db import connection\n"
        "from gongzhi import gunicorn_conf\n"
        "before = set(sys.modules)\n"
        "gunicorn_conf.when_ready(None)\n"
        "added = set(sys.modules) - before\n"
        "assert {'gongzhi.urls', 'gongzhi.portal.urls', 'gongzhi.machine_urls', 'pypinyin'} <= added, sorted(added)\n"
        "assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()\n"
        "assert connection.connection is None\n"
        "assert gunicorn_conf.preload_app and gunicorn_conf.workers >= 1\n"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=environment(tmp_path), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_with_the_platforms_settings_serves_pages_and_the_machine_path(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:gongzhi.gunicorn_conf", "gongzhi.wsgi",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "error"],
                              cwd=ROOT, env=environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        answers = {}
        for path in ("/healthz", "/open311/v2/nothing.json"):
            for _ in range(150):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", path)
                    response = conn.getresponse()
                    answers[path] = (response.status, response.read(), response.getheader("Content-Security-Policy"))
                    break
                except OSError:
                    time.sleep(0.2)
        assert answers["/healthz"][:2] == (200, b'{"status": "ok"}')
        status, _body, policy = answers["/open311/v2/nothing.json"]
        assert status == 404 and policy == "default-src 'none'; frame-ancestors 'none'"  # the machine path's
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output[-2000:]
