from django.urls import path

from . import views

urlpatterns = [
    path("", views.search_view, name="registry-search"),
    path("people/new/", views.person_new, name="registry-person-new"),
    path("people/<int:pk>/", views.person_view, name="registry-person"),
    path("people/<int:pk>/edit/", views.person_edit, name="registry-person-edit"),
    path("people/<int:pk>/event/", views.person_event, name="registry-person-event"),
    path("people/<int:pk>/copy/", views.person_subject_copy, name="registry-person-copy"),
    path("houses/<int:pk>/", views.house_view, name="registry-house"),
    path("addresses/<str:code>/", views.address_view, name="registry-address"),
    path("entities/<int:pk>/", views.entity_view, name="registry-entity"),
    path("phone/", views.phone_view, name="registry-phone"),
    path("imports/", views.imports_view, name="registry-imports"),
    path("imports/<int:pk>/", views.import_view, name="registry-import"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="registry-import-errors"),
    path("templates/<str:kind>.xlsx", views.template_view, name="registry-template"),
    path("templates/<str:kind>.csv", views.template_view, {"fmt": "csv"}, name="registry-template-csv"),
    path("reviews/", views.reviews_view, name="registry-reviews"),
    path("reviews/<int:pk>/", views.review_resolve, name="registry-review"),
    path("identity/", views.identity_reviews_view, name="registry-identity-reviews"),
    path("identity/<int:pk>/", views.identity_review_view, name="registry-identity-review"),
    path("export/<str:kind>/", views.export_view, name="registry-export"),
]
