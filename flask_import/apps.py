from django.apps import AppConfig


class FlaskImportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "flask_import"
