"""协商议事 in the staff site (/w/deliberation/, namespace `deliberation`), mounted by
gongzhi/urls.py; who may reach each is declared in accounts/access.py."""

from django.urls import path

from . import council_views, disclosure_views, followthrough_views, meeting_views, views

app_name = "deliberation"
urlpatterns = [
    path("", views.topics_view, name="topics"),
    path("topics/new/", views.topic_new, name="topic-new"),
    path("topics/<int:pk>/", views.topic_view, name="topic"),
    path("topics/<int:pk>/comment/", views.topic_comment, name="topic-comment"),
    path("topics/<int:pk>/act/", views.topic_act, name="topic-act"),
    path("topics/<int:pk>/meetings/new/", meeting_views.schedule, name="meeting-new"),
    path("topics/<int:pk>/meetings/<int:meeting>/", meeting_views.meeting_view, name="meeting"),
    path("topics/<int:pk>/meetings/<int:meeting>/act/", meeting_views.meeting_act, name="meeting-act"),
    path("from-case/<str:number>/", views.from_case, name="from-case"),
    path("supervision/", followthrough_views.supervision_view, name="supervision"),
    path("councils/", council_views.councils_view, name="councils"),
    path("councils/new/", council_views.council_new, name="council-new"),
    path("councils/<int:pk>/", council_views.council_view, name="council"),
    path("councils/<int:pk>/act/", council_views.council_act, name="council-act"),
    path("disclosures/", disclosure_views.disclosures_view, name="disclosures"),
    path("disclosures/new/", disclosure_views.disclosure_new, name="disclosure-new"),
    path("disclosures/account/", disclosure_views.account_new, name="disclosure-account"),
    path("disclosures/<int:pk>/", disclosure_views.disclosure_view, name="disclosure"),
    path("disclosures/<int:pk>/act/", disclosure_views.disclosure_act, name="disclosure-act"),
]
