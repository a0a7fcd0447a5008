from django.apps import AppConfig


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moderation"

    def ready(self):
        from comments.listing import add_links

        from . import bans  # noqa: F401 (connects the signal receivers)
        from .links import moderation_links

        add_links(moderation_links)
