from django.urls import path

from . import export, views
from .feeds import LatestCommentsFeed

app_name = "comments"
urlpatterns = [
    path("", views.comment_list, name="list"),
    path("post/", views.comment_create, name="create"),
    path("preview/", views.comment_preview, name="preview"),
    path("help/formatting/", views.formatting_help, name="formatting_help"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    # path: a name imported from elsewhere may hold any character.
    path("users/<path:username>/", views.user_comments, name="user"),
    path("feed/", LatestCommentsFeed(), name="feed"),
    path("account/comments.json", export.download_my_comments, name="download"),
]
