from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<str:number>/", views.case_view, name="case"),
    path("<str:number>/act/", views.act_view, name="act"),
    path("<str:number>/photos/", views.add_photos_view, name="photos"),
    path("<str:number>/photos/<int:pk>/", views.photo_view, name="photo"),
]
