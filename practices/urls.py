from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
]
