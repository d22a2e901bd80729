"""The machine path's URLs (common/machine.py): what GONGZHI_MACHINE_PATHS routes there, and
nothing else, so a machine request is resolved without walking the pages' URLs first. The
root URLconf includes these too (the test client and any other caller take the full stack)."""

from django.urls import include, path

handler500 = "gongzhi.common.unavailable.server_error"

urlpatterns = [
    path("open311/v2/", include("gongzhi.cases.open311_urls")),
]
