from django.urls import path

from . import disclosure_views, resident_views, topic_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/places.geojson", views.outlines, name="outlines"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
    path("me/", resident_views.resident, name="resident"),
    path("me/leave/", resident_views.leave, name="resident-leave"),
    path("topics/", topic_views.topic_list, name="topics"),
    path("topics/new/", topic_views.topic_new, name="topic-new"),
    path("topics/<int:pk>/", topic_views.topic_detail, name="topic"),
    path("topics/<int:pk>/photos/<int:photo>/", topic_views.topic_photo, name="topic-photo"),
    path("topics/<int:pk>/support/", topic_views.topic_support, name="topic-support"),
    path("topics/<int:pk>/comment/", topic_views.topic_comment, name="topic-comment"),
    path("disclosures/", disclosure_views.disclosure_list, name="disclosures"),
    path("disclosures/<int:pk>/", disclosure_views.disclosure_detail, name="disclosure"),
]
