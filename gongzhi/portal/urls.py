from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/places.geojson", views.outlines, name="outlines"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
]
