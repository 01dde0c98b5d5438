from __future__ import annotations

from django.urls import path

from nowrongdoor.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("people/<int:person_id>", views.person, name="person"),
]
