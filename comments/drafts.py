"""Text typed into a comment form whose session ended before it was sent.

A logout in another tab, or a session that expired, leaves a form on screen
whose post reaches the site from an anonymous visitor. Rather than lose what
was typed, the view keeps it in that anonymous session and sends the person
to the login page, which says why they are there. Django's login keeps an
anonymous session's data (it only changes the session's key), so once the
same person has logged in, the form they used has their text back in its
box, once. Nothing is stored until they post or save again.

- Never to another user: the form names who typed in it (``typed_by``, the
  logged-in user's id when the page was made), and the text comes back only
  to that user. Someone else logging in on the same browser gets nothing,
  and the draft is dropped.
- Never in a URL or a log: only in the session, the next address is the
  form's own.
- Bounded: one draft a session, cut at a comment's maximum length.
- Shown like any text, escaped.

A form sent with a token from before a login (another tab logged in as
someone else) never reaches the views: the CSRF failure page shows its text
to copy (scratchpad.views.csrf_failure).
"""

from accounts.views import explain_login

from .models import Comment

SESSION_KEY = "comments_draft"
MAX_LENGTH = Comment._meta.get_field("content").max_length

# What the draft was going to do, as the login page says it.
POSTING = "Your session ended: log in to post your comment; your text is kept."
EDITING = "Your session ended: log in to save your changes; your text is kept."


def posted_text(request) -> str | None:
    """The comment text in a POST, cut to a comment's maximum length; None
    when there is none."""
    text = request.POST.get("content", "")
    return text[:MAX_LENGTH] if text.strip() else None


def keep(request, action: str, path: str) -> None:
    """Keeps the text posted to the form at ``path``, for the user who typed
    it, in the visitor's session; the login page says what it was for
    (``action``: POSTING or EDITING)."""
    text = posted_text(request)
    typed_by = request.POST.get("typed_by", "")
    if text is None or not (typed_by.isascii() and typed_by.isdigit()):
        return
    request.session[SESSION_KEY] = {
        "path": path,
        "typed_by": typed_by[:20],
        "text": text,
    }
    explain_login(request, action)


def take(request, path: str) -> str | None:
    """The text kept for the form at ``path``, if the logged-in user typed
    it; it is kept no longer."""
    draft = request.session.get(SESSION_KEY)
    if draft is None:
        return None
    if draft["typed_by"] != str(request.user.pk):
        # Someone else logged in on this browser: it was never theirs.
        del request.session[SESSION_KEY]
        return None
    if draft["path"] != path:
        return None
    del request.session[SESSION_KEY]
    return draft["text"]
