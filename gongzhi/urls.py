from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

from .api import api


def healthz(request):
    """For load balancers: the process answers and reaches the database (one `SELECT 1`);
    503 with Retry-After while it cannot (common/unavailable.py answers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def livez(request):
    """For supervisors: the process answers (no database work, the cheapest page)."""
    return JsonResponse({"status": "ok"})


handler500 = "gongzhi.common.unavailable.server_error"


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The staff site (/w/): each domain's pages under their own namespace, then the workbench's own.
    path("w/registry/", include("gongzhi.registry.urls")),
    path("w/cases/", include("gongzhi.cases.urls")),
    path("w/deliberation/", include("gongzhi.deliberation.urls")),
    path("w/dashboard/", include("gongzhi.dashboard.urls")),
    path("w/", include("gongzhi.workbench.urls")),
    path("", include("gongzhi.machine_urls")),
    path("", include("gongzhi.portal.urls")),
]
