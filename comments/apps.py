from django.apps import AppConfig
from django.core import checks

from .checks import check_mysql_isolation_level, check_mysql_utf8mb4


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        from . import caching  # noqa: F401 (connects the signal receivers)

        checks.register(check_mysql_utf8mb4, checks.Tags.database)
        checks.register(check_mysql_isolation_level)
