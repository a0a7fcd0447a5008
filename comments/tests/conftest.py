import pytest
from django.db import connection

from .factories import PASSWORD, UserFactory


def pytest_collection_modifyitems(items):
    # CI runs the suite on SQLite and on MariaDB: these run in the second.
    if connection.vendor == "mysql":
        return
    skip = pytest.mark.skip(reason="MySQL/MariaDB only (DATABASE_URL=mysql://...)")
    for item in items:
        if item.get_closest_marker("mysql"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # MD5 keeps the suite fast; production hashing is tested where it matters.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs collectstatic; tests find static files in
    # the apps' folders instead, and WhiteNoise need not look for STATIC_ROOT.
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return client
