"""What every interface answers while the database cannot be reached: 503 with Retry-After,
in that interface's format (a page in the site's frame, the API's JSON problem, Open311's
error list), instead of Django's bare HTML 500. Wired as handler500 in both URLconfs, so it
also catches a failure in a middleware (the session, the sign-in policy) before any view.
The page is rendered without a request context: nothing in it reads the database."""

from __future__ import annotations

import json
import sys
from xml.etree import ElementTree as ET  # nosec B405 - builds a document, parses none

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from .resilience import DATABASE_DOWN

RETRY_AFTER = 30  # seconds: a PostgreSQL restart or fail-over usually takes less


def server_error(request, *args, **kwargs) -> HttpResponse:
    exc = sys.exc_info()[1]
    if not isinstance(exc, DATABASE_DOWN):
        return defaults.server_error(request, *args, **kwargs)
    response = unavailable(request.path)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def unavailable(path: str) -> HttpResponse:
    message = _("数据库暂时无法连接，请稍后再试")
    if path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "database_unavailable"}, status=503,
                            json_dumps_params={"ensure_ascii": False})
    if path.startswith("/open311/"):
        rows = [{"code": 503, "description": message}]
        if path.endswith(".xml"):
            top = ET.Element("errors")
            error = ET.SubElement(top, "error")
            for key, value in rows[0].items():
                ET.SubElement(error, key).text = str(value)
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
            return HttpResponse(body, status=503, content_type="text/xml; charset=utf-8")
        return HttpResponse(json.dumps(rows, ensure_ascii=False), status=503,
                            content_type="application/json; charset=utf-8")
    return HttpResponse(render_to_string("common/unavailable.html"), status=503)
