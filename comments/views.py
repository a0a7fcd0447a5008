from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from . import caching
from .forms import CommentForm, LoginForm, PageForm, PasswordChangeForm
from .models import Comment


@dataclass
class Page:
    comments: list[Comment]
    older_url: str | None = None
    newer_url: str | None = None


def list_url(**params) -> str:
    """The front page's address, at the position given by before= or after=."""
    url = reverse("comments:list")
    return f"{url}?{urlencode(params)}" if params else url


def get_page(before: int | None = None, after: int | None = None) -> Page:
    """The page of comments just before or just after an id, oldest first.

    Keyset paging: the primary key's index finds the page directly, and one
    row more than a page tells whether there is more. No OFFSET and no COUNT,
    so a page deep in the history costs what the latest one does. Without
    before or after, this is the latest page.
    """
    per_page = settings.COMMENTS_PER_PAGE
    comments = Comment.objects.select_related("commenter")
    if after is not None:
        rows = list(comments.filter(pk__gt=after).order_by("pk")[: per_page + 1])
        page = rows[:per_page]
        has_newer = len(rows) > per_page
        has_older = bool(page) and Comment.objects.filter(pk__lt=page[0].pk).exists()
    else:
        if before is not None:
            comments = comments.filter(pk__lt=before)
        rows = list(comments.order_by("-pk")[: per_page + 1])
        page = rows[:per_page][::-1]
        has_older = len(rows) > per_page
        has_newer = (
            before is not None
            and bool(page)
            and Comment.objects.filter(pk__gt=page[-1].pk).exists()
        )
    return Page(
        comments=page,
        older_url=list_url(before=page[0].pk) if has_older else None,
        newer_url=list_url(after=page[-1].pk) if has_newer else None,
    )


def _render_list(request, page, form):
    """The page of comments with the form, rendered for this reader, with
    the links their comments give them."""
    for comment in page.comments:
        comment.user_can_edit = comment.can_edit(request.user)
        comment.user_can_delete = comment.can_delete(request.user)
    return _render_listing(request, Listing.of(page), form)


@dataclass
class Listing:
    """A page of comments as HTML, with what the page around it needs: the
    small, picklable form the cache keeps."""

    comment_items: str
    older_url: str | None
    newer_url: str | None
    commenter_ids: frozenset

    @classmethod
    def of(cls, page: Page) -> "Listing":
        return cls(
            comment_items=render_to_string(
                "comments/comment_items.html", {"comments": page.comments}
            )
            if page.comments
            else "",
            older_url=page.older_url,
            newer_url=page.newer_url,
            commenter_ids=frozenset(c.commenter_id for c in page.comments),
        )


def _render_listing(request, listing, form):
    return render(
        request,
        "comments/comment_list.html",
        {
            "comment_items": mark_safe(listing.comment_items),
            "older_url": listing.older_url,
            "newer_url": listing.newer_url,
            "form": form,
        },
    )


def comment_list(request):
    if not request.GET:
        # The front page, the one most asked for: no position to read.
        return _comment_page(request, before=None, after=None)
    position = PageForm(request.GET)
    if not position.is_valid():
        return render(
            request,
            "400.html",
            {
                "problem": (
                    "This page of comments does not exist: “before” and “after” "
                    "take a comment number."
                )
            },
            status=400,
        )
    return _comment_page(
        request,
        before=position.cleaned_data["before"],
        after=position.cleaned_data["after"],
    )


def _comment_page(request, before, after):
    version = caching.board_version()
    # Every anonymous reader without a message to see gets the same page:
    # it comes whole from the cache. Looking costs no session read for a
    # visitor without a session cookie.
    page_key = None
    if not request.user.is_authenticated and not len(messages.get_messages(request)):
        page_key = caching.page_key(version, "page", before, after)
        content = caching.get_page(page_key)
        if content is not None:
            return HttpResponse(content)
    # Everyone else gets the cached list of comments inside their own page,
    # unless it holds a link for them (their own comments, or a moderator's
    # delete links), which only a page rendered for them can show.
    list_key = caching.page_key(version, "list", before, after)
    listing = caching.get_page(list_key)
    page = None
    if listing is None:
        page = get_page(before=before, after=after)
        listing = Listing.of(page)
        caching.set_page(list_key, listing)
    if not listing.comment_items and (before is not None or after is not None):
        # Nothing lies that way (the link outlived the comments it pointed
        # at): the nearest page is the oldest one, or the latest.
        return redirect(list_url(after=0) if before is not None else list_url())
    user = request.user
    if user.is_authenticated and (user.is_staff or user.pk in listing.commenter_ids):
        page = page or get_page(before=before, after=after)
        response = _render_list(request, page, CommentForm())
    else:
        response = _render_listing(request, listing, CommentForm())
    if page_key is not None:
        caching.set_page(page_key, response.content)
    return response


def comment_permalink(request, pk):
    """Sends a comment's permanent address to the page that holds it now."""
    comment = get_object_or_404(Comment.objects.only("pk"), pk=pk)
    per_page = settings.COMMENTS_PER_PAGE
    # At most a page of ids from the index, never a count of the table.
    newer = Comment.objects.filter(pk__gt=comment.pk).values_list("pk", flat=True)
    if len(newer[:per_page]) < per_page:
        url = list_url()
    else:
        # The page that starts with this comment, the conversation after it
        # below.
        url = list_url(after=comment.pk - 1)
    return redirect(f"{url}#comment-{comment.pk}")


# No ?next= on the way to the login page: after logging in, a GET of this
# POST-only URL would only answer 405. The front page is where to go back to.
@require_POST
@login_required(redirect_field_name=None)
def comment_create(request):
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_list(request, get_page(), form)
    comment = form.save(commit=False)
    comment.commenter = request.user
    comment.save()
    messages.success(request, "Comment posted")
    # The newest comment is on the latest page, just above the form.
    return redirect(f"{list_url()}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("commenter"), pk=pk)
    if not comment.is_authored_by(request.user):
        raise PermissionDenied("Only the author can edit a comment.")
    context = {
        "comment": comment,
        "edit_window_minutes": round(
            settings.COMMENTS_EDIT_WINDOW.total_seconds() / 60
        ),
    }
    if not comment.is_in_edit_window():
        # Refused, but what was typed stays on screen to be copied.
        context["unsaved_text"] = request.POST.get("content")
        return render(request, "comments/comment_edit_closed.html", context, status=403)
    if request.method == "POST":
        form = CommentForm(request.POST, instance=comment)
        if form.is_valid():
            if form.has_changed():
                comment = form.save(commit=False)
                comment.edited = timezone.now()
                comment.save(update_fields=["content", "edited"])
                messages.success(request, "Comment updated")
            else:
                messages.info(request, "Nothing changed")
            return redirect(comment)
    else:
        form = CommentForm(instance=comment)
    context["form"] = form
    return render(request, "comments/comment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """Asks first (GET), deletes on the confirmation's POST."""
    comment = get_object_or_404(Comment.objects.select_related("commenter"), pk=pk)
    if not comment.can_delete(request.user):
        raise PermissionDenied("Only the author or a moderator can delete a comment.")
    if request.method == "POST":
        comment.delete()
        messages.success(request, "Comment deleted")
        return redirect("comments:list")
    return render(request, "comments/comment_confirm_delete.html", {"comment": comment})


# The account pages are Django's own views, plus a message saying what
# happened.


class LoginView(SuccessMessageMixin, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_message(self, cleaned_data):
        return f"Welcome, {self.request.user.get_username()}"


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logging out, which flushed the session: the message
        # goes in the messages cookie (FallbackStorage tries it first) and
        # shows on the next page.
        messages.success(request, "You have been logged out")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    # Not Django's default template names: the admin renders those for its
    # own password pages, which keep the admin's look.
    template_name = "registration/change_password.html"
    success_message = "Your password was changed"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: says what to do, in the site's style.

    Usually a form left open past a login, a logout or a cookie's expiry;
    reloading gets a fresh token. Django logs the reason.
    """
    return render(request, "403_csrf.html", status=403)
