"""
Comments written many at a time, also where the database gives no ids back
from an INSERT (MySQL 8, simulated by its features on the real database).
"""

import datetime
import math

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from bench.seed import START, seed
from comments.models import Comment

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def rows():
    return list(
        Comment.objects.order_by("pk").values_list(
            "content", "posted", "commenter__username"
        )
    )


@pytest.mark.parametrize("ids_returned", [True, False])
def test_comments_keep_the_times_they_bring(request, ids_returned):
    if not ids_returned:
        request.getfixturevalue("inserts_return_no_ids")
    alice = UserFactory(username="alice")
    then = datetime.datetime(2017, 10, 13, 16, 36, 5, tzinfo=UTC)
    Comment.objects.bulk_create_keeping_times(
        [
            Comment(content="first", posted=then, commenter=alice),
            Comment(content="when, nobody knows", posted=None),
            Comment(content="third", posted=then + datetime.timedelta(days=400)),
        ]
    )
    assert rows() == [
        ("first", then, "alice"),
        ("when, nobody knows", None, None),
        ("third", then + datetime.timedelta(days=400), None),
    ]


def test_comments_keeping_times_are_inserted_in_batches():
    # SQLite takes 999 parameters a statement, so 1,000 rows are several
    # INSERTs, as many as the database's batch size makes; then one new
    # version of the pages, with the front page's list (comments.caching).
    comments = [Comment(content=f"comment {n}", posted=None) for n in range(1000)]
    fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
    batch_size = connection.ops.bulk_batch_size(fields, comments)
    with CaptureQueriesContext(connection) as queries:
        Comment.objects.bulk_create_keeping_times(comments)
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == math.ceil(1000 / batch_size)
    versions = [q for q in queries if "comments_boardversion" in q["sql"]]
    # The version read, then written with the front page's list.
    assert len(versions) == 2
    assert Comment.objects.count() == 1000


def test_a_commenter_not_saved_is_refused():
    with pytest.raises(ValueError, match="unsaved related object 'commenter'"):
        Comment.objects.bulk_create_keeping_times(
            [Comment(content="by nobody yet", commenter=UserFactory.build())]
        )
    assert not Comment.objects.exists()


def test_make_comments_gives_saved_comments_where_inserts_return_no_ids(
    inserts_return_no_ids, make_comments
):
    comments = make_comments(15, commenters=3)
    assert [comment.content for comment in comments] == [
        f"Comment number {i}" for i in range(1, 16)
    ]
    assert [comment.pk for comment in comments] == list(
        Comment.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert [comment.commenter_id is None for comment in comments] == [
        i % 7 == 0 for i in range(1, 16)
    ]


def test_bench_seed_works_where_inserts_return_no_ids(inserts_return_no_ids):
    seed(30, 3)
    User = get_user_model()
    assert list(User.objects.order_by("pk").values_list("username", flat=True)) == [
        "reader0",
        "reader1",
        "reader2",
    ]
    comments = list(Comment.objects.order_by("pk"))
    assert [comment.posted for comment in comments] == [
        START + datetime.timedelta(minutes=n) for n in range(30)
    ]
    assert {comment.commenter.username for comment in comments} == {
        "reader1",
        "reader2",
    }
