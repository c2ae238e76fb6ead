from django.urls import path

from . import views, views_inbound, views_manage

app_name = "sessions_app"

manage = [
    path("manage/", views_manage.manage_list, name="manage_list"),
    path("manage/new/", views_manage.manage_create, name="manage_create"),
    path("manage/<int:pk>/", views_manage.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", views_manage.manage_edit, name="manage_edit"),
    path(
        "manage/<int:pk>/publish/",
        views_manage.manage_publishing,
        {"action": "publish"},
        name="manage_publish",
    ),
    path(
        "manage/<int:pk>/unpublish/",
        views_manage.manage_publishing,
        {"action": "unpublish"},
        name="manage_unpublish",
    ),
    path("manage/<int:pk>/link/", views_manage.manage_link, name="manage_link"),
    path("manage/<int:pk>/cancel/", views_manage.manage_cancel, name="manage_cancel"),
    path("manage/<int:pk>/speakers/new/", views_manage.speaker_edit, name="speaker_create"),
    path(
        "manage/<int:pk>/speakers/<int:speaker_pk>/",
        views_manage.speaker_edit,
        name="speaker_edit",
    ),
    path(
        "manage/<int:pk>/speakers/<int:speaker_pk>/delete/",
        views_manage.speaker_delete,
        name="speaker_delete",
    ),
    path("manage/<int:pk>/registrants/", views_manage.registrants, name="registrants"),
    path("manage/<int:pk>/registrants.csv", views_manage.registrants_csv, name="registrants_csv"),
    path(
        "manage/<int:pk>/registrants/<int:registration_pk>/resend-link/",
        views_manage.registrant_resend_link,
        name="registrant_resend_link",
    ),
    path(
        "manage/<int:pk>/registrants/<int:registration_pk>/resend-confirmation/",
        views_manage.registrant_resend_confirmation,
        name="registrant_resend_confirmation",
    ),
    path(
        "manage/<int:pk>/registrants/<int:registration_pk>/cancel/",
        views_manage.registrant_cancel,
        name="registrant_cancel",
    ),
    path(
        "manage/<int:pk>/registrants/<int:registration_pk>/attendance/",
        views_manage.registrant_attendance,
        name="registrant_attendance",
    ),
    path("manage/<int:pk>/registrants/add/", views_inbound.attendee_add, name="attendee_add"),
    path(
        "manage/<int:pk>/registrants/import/",
        views_inbound.attendee_import,
        name="attendee_import",
    ),
    path(
        "manage/<int:pk>/registrants/import/result/",
        views_inbound.attendee_import_result,
        name="attendee_import_result",
    ),
    # The paths stay "requests" (bookmarks); the page is the queue of inbound emails.
    path("manage/requests/", views_inbound.inbound_list, name="inbound_list"),
    path("manage/requests/<int:pk>/assign/", views_inbound.inbound_assign, name="inbound_assign"),
    path("manage/requests/<int:pk>/accept/", views_inbound.inbound_accept, name="inbound_accept"),
    path("manage/requests/<int:pk>/reject/", views_inbound.inbound_reject, name="inbound_reject"),
]

urlpatterns = [
    path("", views.session_list, name="list"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("registration/confirm/<str:token>/", views.registration_confirm, name="confirm"),
    path("registration/cancel/<str:token>/", views.registration_cancel, name="cancel"),
    *manage,
    path("<slug:slug>/", views.session_detail, name="detail"),
    path("<slug:slug>/register/", views.session_register, name="register"),
    path("<slug:slug>/session.ics", views.session_ics, name="ics"),
]
