"""Middleware of our own: the interface language, and a NUL refused at the door (below).

The interface language: Chinese unless the person chose another (the switcher sets a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk's English
browser would turn a Chinese government system English without asking; deployments that want
that set GONGZHI_LANGUAGE_FROM_BROWSER=1.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

from .text import NUL, visible, with_nul


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.chosen(request)
        # For this request only: what runs after it in the same thread (a task run at once, the
        # next test) keeps the site's language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def chosen(request) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie:
            try:
                return translation.get_supported_language_variant(cookie)
            except LookupError:
                pass
        if settings.GONGZHI_LANGUAGE_FROM_BROWSER:
            return translation.get_language_from_request(request)
        return trans_real.get_supported_language_variant(settings.LANGUAGE_CODE)


class RefuseNulMiddleware:
    """A NUL in a page's path or query is a 400 before any view runs: PostgreSQL refuses NUL in
    text, so the first query holding it would be a 500 (the portal's topic and disclosure
    filters, to anyone). The interfaces for machines refuse NUL themselves, in their own
    formats, and are passed by: the JSON API types every argument (common/api_types: 422
    naming it), Open311 checks its arguments (cases/open311._check_arguments: its error list)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(MACHINES) or request.path.startswith(tuple(settings.GONGZHI_MACHINE_PATHS)):
            return self.get_response(request)
        where = [_("网址路径")] if NUL in request.path else []
        where += [_("参数“%(name)s”") % {"name": visible(name)}
                  for name in with_nul((name, value) for name, values in request.GET.lists() for value in values)]
        if not where:
            return self.get_response(request)
        message = _("%(where)s含有空字符（NUL），已拒绝") % {"where": _("、").join(where)}
        return HttpResponseBadRequest(f"<!doctype html><title>400</title><p>{escape(message)}</p>",
                                      content_type="text/html; charset=utf-8")


MACHINES = ("/api/",)  # with GONGZHI_MACHINE_PATHS (Open311, in the full stack too: tests)
