"""The phone client signs in, then works with the session and the CSRF token."""

import json

from django.test import Client

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import PASSWORD


def test_sign_in_then_act_with_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    bad = client.post("/api/v1/auth/login", json.dumps({"username": "grid_worker", "password": "nope"}),
                      content_type="application/json")
    assert bad.status_code == 401 and AuditEntry.objects.filter(action="accounts.login_failed").exists()
    ok = client.post("/api/v1/auth/login", json.dumps({"username": "grid_worker", "password": PASSWORD}),
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["roles"] == ["grid_worker"]
    token = ok.json()["csrf_token"]
    assert client.get("/api/v1/areas").status_code == 200
    refused = client.post("/api/v1/registry/address-match", json.dumps({"text": "x"}),
                          content_type="application/json")
    assert refused.status_code == 403  # a write without the CSRF token
    allowed = client.post("/api/v1/registry/address-match", json.dumps({"text": "x"}),
                          content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200
    assert client.post("/api/v1/auth/logout", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/areas").status_code == 401
