from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("account/", views.dashboard, name="dashboard"),
    path("account/profile/", views.profile, name="profile"),
]
