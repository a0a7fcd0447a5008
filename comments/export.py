"""Download my comments: everything a user wrote, as one JSON file.

The file is streamed: rows are read from the database in chunks and written
out as they come, so a user with a hundred thousand comments costs the
server a chunk's memory, not the whole file's.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from .models import Comment

CHUNK = 500


def _comment(comment, request) -> dict:
    return {
        "id": comment.pk,
        "posted": comment.posted.isoformat() if comment.posted else None,
        "edited": comment.edited.isoformat() if comment.edited else None,
        "format": comment.format,
        "content": comment.content,
        "permalink": request.build_absolute_uri(comment.get_absolute_url()),
        "in_reply_to": (
            request.build_absolute_uri(Comment(pk=comment.parent_id).get_absolute_url())
            if comment.parent_id
            else None
        ),
        "hidden_by_moderator": comment.hidden is not None,
    }


def _lines(user, request):
    yield '{"username": ' + json.dumps(user.get_username()) + ', "comments": ['

    comments = (
        Comment.objects.filter(commenter=user)
        .order_by("pk")
        .only("content", "format", "posted", "edited", "parent_id", "hidden")
        .iterator(chunk_size=CHUNK)
    )
    separator = "\n"
    for comment in comments:
        yield separator + json.dumps(_comment(comment, request), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


@login_required
@require_safe
def download_my_comments(request):
    response = StreamingHttpResponse(
        _lines(request.user, request), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="scratchpad-comments.json"'
    return response
