from django.urls import path

from . import views

app_name = "sessions_app"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("registration/confirm/<str:token>/", views.registration_confirm, name="confirm"),
    path("registration/cancel/<str:token>/", views.registration_cancel, name="cancel"),
    path("<slug:slug>/", views.session_detail, name="detail"),
    path("<slug:slug>/register/", views.session_register, name="register"),
    path("<slug:slug>/session.ics", views.session_ics, name="ics"),
]
