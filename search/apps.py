from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_sqlite_triggers(using, **kwargs):
    from django.db import connections

    from .backends import ensure_sqlite_triggers

    connection = connections[using]
    if connection.vendor == "sqlite":
        ensure_sqlite_triggers(connection)


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"

    def ready(self):
        # After every migrate, of any app: a migration of the comments table
        # may have rebuilt it (search.backends).
        post_migrate.connect(restore_sqlite_triggers, dispatch_uid="search-triggers")
