from django.urls import path

from . import views

app_name = "assemblies"

urlpatterns = [
    path("assemblies/", views.assembly_list, name="assembly_list"),
    path("assemblies/<int:pk>/", views.assembly_detail, name="assembly_detail"),
    path(
        "assemblies/<int:pk>/networks/<int:network_pk>/check-in/",
        views.assembly_check_in,
        name="assembly_check_in",
    ),
    path(
        "assemblies/<int:pk>/items/<int:item_pk>/networks/<int:network_pk>/vote/",
        views.assembly_vote,
        name="assembly_vote",
    ),
    path("assemblies/<int:pk>/record.csv", views.assembly_record_csv, name="assembly_record"),
    path("assemblies/<int:pk>/chair/", views.chair, name="assembly_chair"),
    path("assemblies/<int:pk>/chair/session/", views.chair_session, name="assembly_session"),
    path(
        "assemblies/<int:pk>/chair/session/close/",
        views.chair_session_close,
        name="assembly_session_close",
    ),
    path(
        "assemblies/<int:pk>/chair/agenda-update/",
        views.chair_agenda_update,
        name="assembly_agenda_update",
    ),
    path(
        "assemblies/<int:pk>/chair/attendance/",
        views.chair_attendance,
        name="assembly_attendance",
    ),
    path(
        "assemblies/<int:pk>/chair/items/<int:item_pk>/open/",
        views.chair_vote_open,
        name="assembly_vote_open",
    ),
    path(
        "assemblies/<int:pk>/chair/items/<int:item_pk>/close/",
        views.chair_vote_close,
        name="assembly_vote_close",
    ),
    path("board/assemblies/", views.StaffAssemblyList.as_view(), name="staff_assemblies"),
    path("board/assemblies/<int:pk>/", views.StaffAssemblyView.as_view(), name="staff_assembly"),
    path(
        "board/assemblies/<int:pk>/convene/",
        views.StaffConvene.as_view(),
        name="staff_assembly_convene",
    ),
    path(
        "board/assemblies/<int:pk>/session-override/",
        views.StaffSessionOverride.as_view(),
        name="staff_session_override",
    ),
    path(
        "board/assemblies/<int:pk>/agenda/sync/",
        views.StaffAgendaSync.as_view(),
        name="staff_agenda_sync",
    ),
    path(
        "board/assemblies/<int:pk>/agenda/update/",
        views.StaffAgendaUpdate.as_view(),
        name="staff_agenda_update",
    ),
    path(
        "board/assemblies/<int:pk>/motions/",
        views.StaffMotionAdd.as_view(),
        name="staff_motion_add",
    ),
    path(
        "board/assemblies/<int:pk>/items/<int:item_pk>/majority/",
        views.StaffItemMajority.as_view(),
        name="staff_item_majority",
    ),
    path(
        "board/assemblies/<int:pk>/items/<int:item_pk>/delete/",
        views.StaffMotionDelete.as_view(),
        name="staff_motion_delete",
    ),
]
