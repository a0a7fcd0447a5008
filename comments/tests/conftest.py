import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment

from .factories import PASSWORD, CommentFactory, UserFactory


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


@pytest.fixture
def make_comments(db):
    """Makes n comments, oldest first, by many people (every 7th anonymous).

    Bulk inserts, so that a board of a thousand takes a moment to make.
    """

    def make(n, commenters=10):
        users = get_user_model().objects.bulk_create(
            UserFactory.build_batch(commenters)
        )
        comments = [
            CommentFactory.build(
                content=f"Comment number {i}",
                commenter=None if i % 7 == 0 else users[i % commenters],
            )
            for i in range(1, n + 1)
        ]
        return Comment.objects.bulk_create(comments)

    return make
