from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Profile

from .tasks import unsubscribed_user


# Exempt from CSRF: mail programs POST here on their own (RFC 8058's
# one-click unsubscribe) without a token; the signed link is the proof, and
# all it can do is stop mails.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every notification mail, working without a login: GET
    shows a button, POST (the button, or the mail program) stops every
    notification mail; /account/ turns them on again."""
    user = unsubscribed_user(token)
    if user is None:
        return render(
            request, "notifications/unsubscribe.html", {"valid": False}, status=400
        )
    if request.method == "POST":
        profile = Profile.of(user)
        profile.notify_replies = profile.notify_mentions = False
        profile.save()
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed", content_type="text/plain")
        return render(
            request, "notifications/unsubscribe.html", {"valid": True, "done": True}
        )
    return render(
        request, "notifications/unsubscribe.html", {"valid": True, "account": user}
    )
