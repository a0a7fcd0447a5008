from django.apps import AppConfig
from django.core import checks

from .checks import check_mysql_utf8mb4


class CommentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "comments"

    def ready(self):
        checks.register(check_mysql_utf8mb4, checks.Tags.database)
