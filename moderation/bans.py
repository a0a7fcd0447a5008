"""
Bans: a deactivated user's sessions end on every server at once, and their
logins fail.

Both come from Django itself, whatever the session store: the
authentication middleware reads the user's row at every request, and
ModelBackend.get_user() gives no user for one that is not active, so their
next request, on any server, is anonymous; ModelBackend.authenticate()
refuses them too (user_can_authenticate). Sessions live in the database
here, where every server reads them.

On top of that, the user's stored sessions are deleted when they are
deactivated, so that reactivating them later does not bring back a login
from before the ban. The site's sessions (accounts.models.Session) keep
their user in an indexed column, so those are found by it, whatever the
number of other sessions. Django's own session model keeps no index by
user: with it (another SESSION_ENGINE), every unexpired session is read
once, a cost paid per ban, not per request.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone


def end_sessions(users) -> int:
    """Deletes the stored sessions of these users; returns how many."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        # Sessions kept elsewhere (signed cookies, a cache alone): the
        # inactive user's next request is anonymous all the same.
        return 0
    model = store.get_model_class()
    if any(field.name == "user" for field in model._meta.concrete_fields):
        found = list(
            model.objects.filter(user__in=users).values_list("session_key", flat=True)
        )
        for session_key in found:
            # Through the store, which also forgets a cached copy (cached_db).
            store(session_key).delete()
        return len(found)
    keys = {str(user.pk) for user in users}
    ended = 0
    sessions = model.objects.filter(expire_date__gt=timezone.now())
    for session in sessions.only("session_key", "session_data").iterator():
        if session.get_decoded().get(SESSION_KEY) in keys:
            # Through the store, which also forgets a cached copy (cached_db).
            store(session.session_key).delete()
            ended += 1
    return ended


@receiver(pre_save, sender=get_user_model(), dispatch_uid="moderation.bans.pre_save")
def note_deactivation(sender, instance, **kwargs):
    instance._deactivated = (
        not instance.is_active
        and instance.pk is not None
        and sender._default_manager.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="moderation.bans.post_save")
def end_sessions_of_deactivated(sender, instance, **kwargs):
    if getattr(instance, "_deactivated", False):
        end_sessions([instance])
