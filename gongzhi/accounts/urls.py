from django.urls import path

from . import views

urlpatterns = [
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("password/", views.password_change, name="password_change"),
    path("sign-ins/", views.sign_ins, name="sign_ins"),
]
