from django.apps import AppConfig
from django.core import checks

from .checks import check_mysql_isolation_level, check_mysql_utf8mb4


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from accounts import sessions

        from . import caching  # (also connects the signal receivers)

        # A logged-in page's version comes with its session, in one query.
        sessions.read_along(
            "comments.board_version", caching.version_subquery, caching.saw_version
        )

        checks.register(check_mysql_utf8mb4, checks.Tags.database)
        checks.register(check_mysql_isolation_level)
