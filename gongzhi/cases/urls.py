from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_view, name="cases-inbox"),
    path("<str:number>/", views.case_view, name="case"),
    path("<str:number>/act/", views.act_view, name="case-act"),
]
