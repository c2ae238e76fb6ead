from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("feed/", views.PracticeFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("contribute/", views.practice_contribute, name="contribute"),
    path("mine/", views.practice_mine, name="mine"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/edit/", views.practice_edit, name="edit"),
    path(
        "<slug:slug>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<slug:slug>/submit/", views.practice_submit, name="submit"),
    path("<slug:slug>/review/", views.practice_review, name="review"),
]
