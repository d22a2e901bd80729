from django.urls import include, path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("registry/", include("gongzhi.registry.urls")),
    path("cases/", include("gongzhi.cases.urls")),
]
