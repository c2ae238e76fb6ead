from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/<slug:slug>/", views.network_detail, name="network_detail"),
    path("join/", views.join, name="join"),
    path("join/interest/", views.interest, name="interest"),
    path("join/interest/thanks/", views.interest_done, name="interest_done"),
    path("join/documents/<int:pk>/<slug:name>.pdf", views.join_document, name="join_document"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/request/", views.reasoned_request, name="reasoned_request"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path(
        "applications/<int:pk>/files/<slug:kind>/",
        views.application_file,
        name="application_file",
    ),
    path("board/applications/", views.BoardQueue.as_view(), name="board_queue"),
    path(
        "board/applications/<int:pk>/",
        views.BoardApplicationView.as_view(),
        name="board_application",
    ),
    path(
        "board/applications/<int:pk>/review/",
        views.ReviewStart.as_view(),
        name="board_review_start",
    ),
    path(
        "board/applications/<int:pk>/criteria/",
        views.CriteriaRecord.as_view(),
        name="board_criteria",
    ),
    path("board/applications/<int:pk>/decision/", views.Decide.as_view(), name="board_decide"),
    path("board/applications/<int:pk>/notes/", views.NoteAdd.as_view(), name="board_note"),
    path(
        "board/applications/<int:pk>/meeting/",
        views.MeetingSchedule.as_view(),
        name="board_meeting",
    ),
    path(
        "board/applications/<int:pk>/meeting-held/",
        views.MeetingHeld.as_view(),
        name="board_meeting_held",
    ),
    path("board/applications/<int:pk>/agenda/", views.AgendaPlace.as_view(), name="board_agenda"),
    path(
        "board/applications/<int:pk>/agenda/remove/",
        views.AgendaRemove.as_view(),
        name="board_agenda_remove",
    ),
    path("board/fees/", views.FeeList.as_view(), name="fee_list"),
    path("board/fees/open-year/", views.FeeYearOpen.as_view(), name="fee_year_open"),
    path("board/fees/<int:pk>/paid/", views.FeeMarkPaid.as_view(), name="fee_paid"),
    path("board/fees/<int:pk>/unpaid/", views.FeeMarkUnpaid.as_view(), name="fee_unpaid"),
]
