from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("join/", views.join, name="join"),
]
