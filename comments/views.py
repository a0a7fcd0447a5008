from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.core.exceptions import (
    PermissionDenied,
)
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from . import caching, drafts, formatting, limits
from .forms import CommentForm, PageForm
from .frames import Frame
from .listing import Listing
from .models import Comment, list_url

# The name of the forms' Preview button: the text shown, nothing stored.
PREVIEW = "preview"

# The id of the front page's form to post with, and so the fragment of
# addresses that lead to it.
COMMENT_FORM_ID = "comment-form"


@require_safe
def comment_list(request):
    if not request.GET:
        # The front page, the one most asked for: no position to read.
        form = None
        if request.user.is_authenticated and (
            draft := drafts.take(request, request.path)
        ):
            messages.info(request, "Your comment is back in the box, not posted yet")
            form = CommentForm(initial={"content": draft})
        return _comment_page(request, before=None, after=None, form=form)
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


def _comment_page(request, before, after, form=None, preview=None):
    """The page of comments at a position, with the form to post (or the
    one just refused, with its errors, or previewed)."""
    # The comments come from the cache, rendered once for every reader (an
    # anonymous reader's whole page comes from the cache before this view
    # runs: comments.middleware).
    version = _board_version(request)
    list_key = caching.page_key(version, "list", before, after)
    listing = caching.get_page(list_key)
    if listing is None and before is None and after is None:
        # The latest page's, as the change that made this version rendered it.
        listing = caching.front_listing(version)
        if listing is not None:
            caching.set_page(list_key, listing)
    if listing is None:
        page = Comment.objects.page(before=before, after=after)
        if page.redirect_url is not None:
            # Not a position the site's links give: neither it nor its page
            # is cached under it (CommentQuerySet.page).
            return redirect(page.redirect_url)
        listing = Listing.of(page)
        caching.set_page(list_key, listing)
    comment_items = listing.html_for(request.user, request)
    if form is None and preview is None and not messages.get_messages(request):
        # The page every reader gets here, but for their own parts: rendered
        # once (comments.frames).
        frame = _page_frame(request, version, listing, before, after)
        return HttpResponse(frame.for_reader(request, version, comment_items))
    return render(
        request,
        "comments/comment_list.html",
        {
            **_page_context(listing, form, preview),
            "comment_items": mark_safe(comment_items),
        },
    )


def _board_version(request) -> str:
    """The version the request's pages are read under, read before anything
    they show: for an anonymous reader whose page was not in the cache, the
    one the cache's middleware read; for any other, the one their session
    brings along (accounts.sessions.read_along)."""
    if (version := getattr(request, "board_version", None)) is None:
        request.user.is_authenticated  # noqa: B018 (reads the session)
        version = caching.board_version()
    return version


def _page_frame(request, version, listing, before, after) -> Frame:
    """The page of comments at a position, for every logged-in reader, or
    for every anonymous one (the list and their parts to fill in)."""
    lists_comments = bool(listing.comments)
    if request.user.is_authenticated:
        return _frame(
            request,
            caching.page_key(version, "frame", before, after),
            "comments/comment_list.html",
            _page_context(listing),
            lists_comments,
        )
    # An anonymous reader's page but for the list shows nothing a change
    # on the board changes, only its position and its pagers' links: kept
    # in this process's memory from one version to the next.
    key = caching.page_key(
        "anonymous",
        "frame",
        before,
        after,
        listing.older_url,
        listing.newer_url,
        lists_comments,
    )
    frame = caches["local"].get(key)
    if frame is None:
        frame = Frame.render(
            request,
            "comments/comment_list.html",
            _page_context(listing),
            reader=request.user,
            lists_comments=lists_comments,
        )
        caches["local"].set(key, frame)
    return frame


def _frame(request, key, template_name, context, lists_comments) -> Frame:
    """TEMPLATE_NAME's page for every logged-in reader, or for every
    anonymous one (comments.frames), kept under KEY."""
    frame = caching.get_page(key)
    if frame is None:
        frame = Frame.render(
            request,
            template_name,
            context,
            reader=None if request.user.is_authenticated else request.user,
            lists_comments=lists_comments,
        )
        caching.set_page(key, frame)
    return frame


def _page_context(listing, form=None, preview=None) -> dict:
    return {
        "older_url": listing.older_url,
        "newer_url": listing.newer_url,
        "form": form or CommentForm(),
        "form_id": COMMENT_FORM_ID,
        "preview": preview,
    }


def focus_first_error(form) -> None:
    """Has the browser put the focus on the first field the form refused.

    The autofocus attribute does it without script. (A browser ignores it
    when the address has a fragment: the front page's form names its field
    in its action's fragment instead.)
    """
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return


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


def _too_fast(response, wait):
    """The form's page, refused for now (wait is not 0): 429, and when to
    try again. With a wait of 0, the response as it is."""
    if wait:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
def comment_create(request):
    if request.method == "GET":
        # A reload of a refused post, or the address typed: the form to
        # post with is on the front page.
        return redirect(f"{list_url()}#{COMMENT_FORM_ID}")
    if not request.user.is_authenticated:
        # The session ended while the form was open: what was typed waits
        # for the login, then goes back in the front page's box.
        drafts.keep(request, drafts.POSTING, list_url())
        return redirect_to_login(f"{list_url()}#{COMMENT_FORM_ID}")
    form = CommentForm(request.POST)
    if PREVIEW in request.POST:
        # The page again, the comment shown above the box, nothing stored.
        preview, wait = _preview(request, form)
        response = _comment_page(request, None, None, form, preview=preview)
        return _too_fast(response, wait)
    if not form.is_valid():
        focus_first_error(form)
        return _comment_page(request, before=None, after=None, form=form)
    comment, wait = _store(request, form)
    if wait:
        return _too_fast(_comment_page(request, None, None, form), wait)
    # The newest comment is on the latest page, just above the form.
    return redirect(f"{list_url()}#comment-{comment.pk}")


def _store(request, form, parent=None):
    """Stores the form's comment by the logged-in user, in reply to parent
    if given: (the comment, 0), or the comment already posted with the same
    text, or (None, seconds to wait) when the user posts too fast."""
    # The checks and the write in one transaction, one at a time per user
    # (comments.limits).
    with transaction.atomic():
        limits.lock_user(request.user)
        content = form.cleaned_data["content"]
        duplicate = limits.duplicate_of(request.user, content, parent)
        wait = 0 if duplicate else limits.posting_wait(request.user)
        if not (duplicate or wait):
            comment = form.save(commit=False)
            comment.commenter = request.user
            comment.parent = parent
            comment.save()
    if wait:
        limits.refuse(form, wait)
        return None, wait
    if duplicate:
        # A double click or a resent form: the comment already stored.
        messages.info(request, "You already posted this")
        return duplicate, 0
    messages.success(request, "Reply posted" if parent else "Comment posted")
    return comment, 0


@require_http_methods(["GET", "POST"])
def comment_reply(request, pk):
    """The form to answer a comment, the comment quoted above it. The
    comment answered is the one the address names, on the board and not
    hidden; nothing else the form sends says what it answers."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            # The session ended while the form was open (comments.drafts).
            drafts.keep(request, drafts.POSTING, request.path)
        return redirect_to_login(request.get_full_path())
    parent = get_object_or_404(
        Comment.objects.visible().select_related("commenter"), pk=pk
    )
    context = {"parent": parent, "preview": None}
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        if PREVIEW in request.POST:
            context["preview"], wait = _preview(request, form)
            if wait:
                status = 429
                context["retry_after"] = wait
        elif form.is_valid():
            comment, wait = _store(request, form, parent)
            if not wait:
                return redirect(comment)
            status = 429
            context["retry_after"] = wait
        else:
            focus_first_error(form)
    elif draft := drafts.take(request, request.path):
        messages.info(request, "Your reply is back in the box, not posted yet")
        form = CommentForm(initial={"content": draft})
    else:
        form = CommentForm()
        # Straight to the box: the page is there to write in.
        form.fields["content"].widget.attrs["autofocus"] = True
    context["form"] = form
    response = render(request, "comments/comment_reply.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["retry_after"])
    return response


@require_safe
def user_comments(request, username):
    """A person's page: their comments, newest first, 50 a page, found by
    position (?before=<id>, the oldest comment of the page before), as the
    front page's are (CommentQuerySet.page says why)."""
    # Before the person: what is read after it is at least as new as the
    # version it is cached under.
    version = _board_version(request)
    User = get_user_model()
    person = get_object_or_404(
        User, **{User.USERNAME_FIELD: username, "is_active": True}
    )
    if person.get_username() != username:
        # MySQL found the name whatever its case: the page has one address.
        return redirect("comments:user", person.get_username(), permanent=True)
    position = PageForm(request.GET)
    if not position.is_valid() or position.cleaned_data["after"] is not None:
        return render(
            request,
            "400.html",
            {
                "problem": (
                    "This page of comments does not exist: “before” takes a "
                    "comment number."
                )
            },
            status=400,
        )
    before = position.cleaned_data["before"]
    # Cached under the board's version, as the front page's list is.
    name = person.get_username()
    key = caching.page_key(version, "user", person.pk, name, before)
    cached = caching.get_page(key)
    if cached is None:
        url = reverse("comments:user", args=[person.get_username()])
        page = person.comments.newest_first(url, before)
        if page.redirect_url is not None:
            return redirect(page.redirect_url)
        cached = (Listing.of(page), person.comments.count())
        caching.set_page(key, cached)
    listing, total = cached
    context = {
        "person": person,
        "total": total,
        "older_url": listing.older_url,
        "newer_url": listing.newer_url,
    }
    comment_items = listing.html_for(request.user, request)
    if messages.get_messages(request):
        return render(
            request,
            "comments/user_comments.html",
            {**context, "comment_items": mark_safe(comment_items)},
        )
    # Rendered once for every reader, logged in or not (comments.frames).
    key = caching.page_key(
        version, "user-frame", person.pk, name, before, request.user.is_authenticated
    )
    frame = _frame(
        request, key, "comments/user_comments.html", context, bool(listing.comments)
    )
    return HttpResponse(frame.for_reader(request, version, comment_items))


def _preview(request, form):
    """The form's text as it would show; or None, with the form's errors
    saying why: a text refused, or previews too fast (then also the seconds
    to wait, for the 429)."""
    if wait := limits.preview_wait(request.user):
        limits.refuse(form, wait, limits.PREVIEWING_TOO_FAST)
        return None, wait
    html = form.preview_html()
    if html is None:
        focus_first_error(form)
    return html, 0


@login_required
@require_POST
def comment_preview(request):
    """The text of a comment form as it would show: the HTML fragment the
    forms' Preview button shows in place (scratchpad.js). The comment's
    format is that of the comment being edited, if any, of a new one
    otherwise."""
    instance = None
    if pk := request.POST.get("comment"):
        instance = Comment.objects.filter(
            pk=pk if pk.isdigit() else None, commenter=request.user
        ).first()
    form = CommentForm(request.POST, instance=instance)
    html, wait = _preview(request, form)
    if html is None:
        errors = [error for field in form.errors.values() for error in field]
        response = HttpResponse(
            format_html('<p class="text-danger">{}</p>', errors[0]), status=400
        )
        return _too_fast(response, wait)
    return HttpResponse(html)


@require_safe
def formatting_help(request):
    return render(
        request,
        "comments/formatting_help.html",
        {"examples": formatting.rendered_examples()},
    )


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    if not request.user.is_authenticated:
        if request.method == "POST":
            # The session ended while the form was open: what was typed
            # waits for the login, then goes back in this page's box.
            drafts.keep(request, drafts.EDITING, request.path)
        return redirect_to_login(request.get_full_path())
    comment = get_object_or_404(Comment.objects.select_related("commenter"), pk=pk)
    if not comment.is_authored_by(request.user):
        raise PermissionDenied("Only the author can edit a comment.")
    if comment.hidden is not None:
        raise PermissionDenied("A comment removed by a moderator cannot be edited.")
    # Typed before a login, for this page (dropped by a new POST).
    draft = drafts.take(request, request.path)
    context = {
        "comment": comment,
        "edit_window_minutes": round(
            settings.COMMENTS_EDIT_WINDOW.total_seconds() / 60
        ),
    }
    if not comment.is_in_edit_window():
        # Refused, but what was typed stays on screen to be copied.
        context["unsaved_text"] = request.POST.get("content", draft)
        return render(request, "comments/comment_edit_closed.html", context, status=403)
    if request.method == "POST":
        form = CommentForm(request.POST, instance=comment)
        if PREVIEW in request.POST:
            preview, wait = _preview(request, form)
            context.update(form=form, preview=preview)
            response = render(request, "comments/comment_form.html", context)
            return _too_fast(response, wait)
        if form.is_valid():
            if form.has_changed():
                with transaction.atomic():
                    limits.lock_user(request.user)
                    if not (wait := limits.editing_wait(request.user)):
                        comment = form.save(commit=False)
                        comment.edited = timezone.now()
                        comment.save(update_fields=["content", "edited"])
                        limits.record_edit(request.user)
                if wait:
                    limits.refuse(form, wait)
                    context["form"] = form
                    response = render(request, "comments/comment_form.html", context)
                    return _too_fast(response, wait)
                messages.success(request, "Comment updated")
            else:
                messages.info(request, "Nothing changed")
            return redirect(comment)
        focus_first_error(form)
    elif draft is not None:
        messages.info(request, "Your changes are back in the box, not saved yet")
        form = CommentForm(instance=comment, initial={"content": draft})
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
        if not comment.is_authored_by(request.user):
            # A moderator's deletion, in the admin's history as the admin's
            # own are.
            LogEntry.objects.log_actions(
                request.user.pk, [comment], DELETION, "Deleted on the board."
            )
        comment.delete()
        messages.success(request, "Comment deleted")
        return redirect("comments:list")
    return render(request, "comments/comment_confirm_delete.html", {"comment": comment})
