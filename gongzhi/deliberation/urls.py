"""协商议事 in the staff workbench (/w/deliberation/), included by workbench/urls.py; who may
reach each is declared in accounts/access.py."""

from django.urls import path

from . import council_views, disclosure_views, followthrough_views, meeting_views, views

urlpatterns = [
    path("", views.topics_view, name="deliberation-topics"),
    path("topics/new/", views.topic_new, name="deliberation-topic-new"),
    path("topics/<int:pk>/", views.topic_view, name="deliberation-topic"),
    path("topics/<int:pk>/comment/", views.topic_comment, name="deliberation-topic-comment"),
    path("topics/<int:pk>/act/", views.topic_act, name="deliberation-topic-act"),
    path("topics/<int:pk>/meetings/new/", meeting_views.schedule, name="deliberation-meeting-new"),
    path("topics/<int:pk>/meetings/<int:meeting>/", meeting_views.meeting_view, name="deliberation-meeting"),
    path("topics/<int:pk>/meetings/<int:meeting>/act/", meeting_views.meeting_act, name="deliberation-meeting-act"),
    path("from-case/<str:number>/", views.from_case, name="deliberation-from-case"),
    path("supervision/", followthrough_views.supervision_view, name="deliberation-supervision"),
    path("councils/", council_views.councils_view, name="deliberation-councils"),
    path("councils/new/", council_views.council_new, name="deliberation-council-new"),
    path("councils/<int:pk>/", council_views.council_view, name="deliberation-council"),
    path("councils/<int:pk>/act/", council_views.council_act, name="deliberation-council-act"),
    path("disclosures/", disclosure_views.disclosures_view, name="deliberation-disclosures"),
    path("disclosures/new/", disclosure_views.disclosure_new, name="deliberation-disclosure-new"),
    path("disclosures/account/", disclosure_views.account_new, name="deliberation-disclosure-account"),
    path("disclosures/<int:pk>/", disclosure_views.disclosure_view, name="deliberation-disclosure"),
    path("disclosures/<int:pk>/act/", disclosure_views.disclosure_act, name="deliberation-disclosure-act"),
]
