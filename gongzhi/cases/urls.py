from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_view, name="cases-inbox"),
    path("<str:number>/", views.case_view, name="case"),
    path("<str:number>/act/", views.act_view, name="case-act"),
    path("<str:number>/photos/", views.add_photos_view, name="case-photos"),
    path("<str:number>/photos/<int:pk>/", views.photo_view, name="case-photo"),
]
