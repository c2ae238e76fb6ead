from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.PersonSearch.as_view(), name="search"),
    path("export/", views.PersonExport.as_view(), name="export"),
    path("erase/", views.PersonErase.as_view(), name="erase"),
]
