"""The interface language: Chinese unless the person chose another (the switcher sets a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk's English
browser would turn a Chinese government system English without asking; deployments that want
that set GONGZHI_LANGUAGE_FROM_BROWSER=1.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real


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
