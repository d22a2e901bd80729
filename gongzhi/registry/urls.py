from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("people/new/", views.person_new, name="person-new"),
    path("people/<int:pk>/", views.person_view, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/event/", views.person_event, name="person-event"),
    path("people/<int:pk>/copy/", views.person_subject_copy, name="person-copy"),
    path("houses/<int:pk>/", views.house_view, name="house"),
    path("addresses/<str:code>/", views.address_view, name="address"),
    path("entities/<int:pk>/", views.entity_view, name="entity"),
    path("phone/", views.phone_view, name="phone"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/<int:pk>/", views.import_view, name="import"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("templates/<str:kind>.xlsx", views.template_view, name="template"),
    path("templates/<str:kind>.csv", views.template_view, {"fmt": "csv"}, name="template-csv"),
    path("reviews/", views.reviews_view, name="reviews"),
    path("reviews/<int:pk>/", views.review_resolve, name="review"),
    path("identity/", views.identity_reviews_view, name="identity-reviews"),
    path("identity/<int:pk>/", views.identity_review_view, name="identity-review"),
    path("export/<str:kind>/", views.export_view, name="export"),
]
