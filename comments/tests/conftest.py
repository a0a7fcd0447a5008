import pytest

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory
from .hostile import hostile_summary


def pytest_terminal_summary(terminalreporter, config):
    # The hostile corpus's figure, in every run's output (CI's included).
    summary = hostile_summary(config)
    if summary:
        terminalreporter.write_line(summary)


@pytest.fixture
def make_comments(db):
    """Makes n comments, oldest first, by many people (every 7th anonymous).

    Bulk inserts, so that a board of a thousand takes a moment to make.
    """

    def make(n, commenters=10):
        users = UserFactory.create_batch(commenters)
        Comment.objects.bulk_create(
            CommentFactory.build(
                content=f"Comment number {i}",
                commenter=None if i % 7 == 0 else users[i % commenters],
            )
            for i in range(1, n + 1)
        )
        # Read back rather than taken from bulk_create(), which gives no ids
        # on MySQL: the newest n are these.
        return list(reversed(Comment.objects.order_by("-pk")[:n]))

    return make
