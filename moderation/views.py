from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from comments import limits

from .forms import ReportForm
from .models import HAS_REPORTED_SESSION_KEY, ModeratedComment, Report

ALREADY_REPORTED = "You already reported this comment"


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    """The report form (GET), and the report stored (POST): once per reader
    and comment, at most COMMENTS_REPORT_RATE_LIMIT."""
    comment = get_object_or_404(
        ModeratedComment.objects.select_related("commenter"), pk=pk
    )
    if Report.objects.filter(comment=comment, reporter=request.user).exists():
        messages.info(request, ALREADY_REPORTED)
        return redirect(comment)
    if not comment.can_report(request.user):
        raise PermissionDenied("You cannot report this comment.")
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    # One reader's reports take their turn (comments.limits).
                    limits.lock_user(request.user)
                    wait = limits.actions_wait(
                        request.user,
                        Report.objects.filter(reporter=request.user),
                        "created",
                        settings.COMMENTS_REPORT_RATE_LIMIT,
                    )
                    if not wait:
                        form.instance.comment = comment
                        form.instance.reporter = request.user
                        form.save()
            except IntegrityError:
                # The same form sent twice at once: the other one was stored.
                messages.info(request, ALREADY_REPORTED)
                return redirect(comment)
            if not wait:
                request.session[HAS_REPORTED_SESSION_KEY] = True
                messages.success(
                    request, "Thank you: a moderator will look at this comment"
                )
                return redirect(comment)
            form.add_error(
                None,
                f"You are reporting too fast. Try again in {wait} seconds.",
            )
            status = 429
    else:
        form = ReportForm()
    response = render(
        request,
        "moderation/report_form.html",
        {"comment": comment, "form": form},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def _moderate(request, pk, *, hide):
    comment = get_object_or_404(
        ModeratedComment.objects.select_related("commenter"), pk=pk
    )
    if not ModeratedComment.can_moderate(request.user):
        raise PermissionDenied("Only moderators can hide and restore comments.")
    if request.method == "POST":
        comments = ModeratedComment.objects.filter(pk=comment.pk)
        if hide:
            comments.hide(request.user, "Hid the comment on the board.")
            messages.success(request, "Comment hidden")
        else:
            comments.restore(request.user, "Restored the comment on the board.")
            messages.success(request, "Comment restored")
        return redirect(comment)
    return render(
        request,
        "moderation/comment_confirm_moderate.html",
        {"comment": comment, "hide": hide},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hide(request, pk):
    """Asks first (GET), hides on the confirmation's POST."""
    return _moderate(request, pk, hide=True)


@login_required
@require_http_methods(["GET", "POST"])
def restore(request, pk):
    """Asks first (GET), shows the comment again on the confirmation's POST."""
    return _moderate(request, pk, hide=False)
