from django.urls import path

from . import open311, open311_schema

urlpatterns = [
    path("openapi.json", open311_schema.served, name="open311-openapi"),
    path("services.<str:fmt>", open311.services),
    path("services/<str:code>.<str:fmt>", open311.service_definition),
    path("requests.<str:fmt>", open311.requests),
    path("requests/<str:number>.<str:fmt>", open311.one_request),
    path("tokens/<str:token>.<str:fmt>", open311.token),
]
