from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("grid/", views.grid_view, name="grid"),
    path("grid/report/", views.grid_report, name="grid-report"),
]
