from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .forms import CommentForm
from .models import Comment


def _render_list(request, form):
    comments = Comment.objects.select_related("commenter")
    return render(
        request,
        "comments/comment_list.html",
        {"comments": comments, "form": form},
    )


def comment_list(request):
    return _render_list(request, CommentForm())


# No ?next= on the way to the login page: after logging in, a GET of this
# POST-only URL would only answer 405. The front page is where to go back to.
@require_POST
@login_required(redirect_field_name=None)
def comment_create(request):
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form)
    comment = form.save(commit=False)
    comment.commenter = request.user
    comment.save()
    return redirect("comments:list")
