from django.urls import include, path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("grid/", views.grid_view, name="grid"),
    path("grid/report/", views.grid_report, name="grid-report"),
    path("registry/", include("gongzhi.registry.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("deliberation/", include("gongzhi.deliberation.urls")),
]
