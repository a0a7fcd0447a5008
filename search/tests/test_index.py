"""The full-text index follows the comments however they are written: the
ORM, bulk inserts, raw SQL, the Flask importer, migrations that rebuild
the table.

Transactional, as test_views.py says why.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import CommentFactory
from flask_import.tests.flask_sources import FINAL, SQLiteFlaskDatabase
from search import backends
from search.query import parse

pytestmark = pytest.mark.django_db(transaction=True)


def found(q):
    query = parse(q)
    return list(
        backends.search(Comment.objects.all(), query)
        .order_by("pk")
        .values_list("content", flat=True)
    )


def test_comments_inserted_in_bulk_are_found():
    Comment.objects.bulk_create(
        [Comment(content="Bulk walrus"), Comment(content="Bulk narwhal")]
    )
    assert found("walrus") == ["Bulk walrus"]


def test_comments_inserted_keeping_their_times_are_found():
    Comment.objects.bulk_create_keeping_times([Comment(content="Ancient walrus")])
    assert found("walrus") == ["Ancient walrus"]


def test_comments_written_in_sql_are_found_and_forgotten():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO comments_comment (content, format, html, is_reply) "
            "VALUES ('Raw walrus', 'plain', '', %s)",
            [False],
        )
        cursor.execute(
            "UPDATE comments_comment SET content = 'Raw narwhal' "
            "WHERE content = 'Raw walrus'"
        )
    assert found("walrus") == []
    assert found("narwhal") == ["Raw narwhal"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM comments_comment")
    assert found("narwhal") == []


def test_comments_updated_in_bulk_are_found_by_their_new_text():
    CommentFactory(content="Old walrus")
    Comment.objects.update(content="New narwhal")
    assert found("walrus") == []
    assert found("narwhal") == ["New narwhal"]


def test_imported_flask_comments_are_found(tmp_path):
    flask = SQLiteFlaskDatabase.create(tmp_path / "flask.db", FINAL)
    flask.add_comment("Said long ago about a walrus")
    flask.close()
    call_command(
        "import_flask_scratchpad", flask.url, stdout=io.StringIO(), stderr=io.StringIO()
    )
    response = Client().get(reverse("search:search"), {"q": "walrus"})
    assert "Said long ago about a <mark>walrus</mark>" in response.content.decode()


def test_migrating_back_and_forth_indexes_the_comments_already_there():
    CommentFactory(content="Walrus before the index")
    call_command("migrate", "search", "zero", verbosity=0)
    CommentFactory(content="Walrus while there was none")
    call_command("migrate", "search", verbosity=0)
    assert found("walrus") == ["Walrus before the index", "Walrus while there was none"]


def test_the_index_survives_a_migration_that_rebuilds_the_comments_table():
    comment = CommentFactory(content="Walrus before the change")
    # What a migration changing the comments' text column does: on SQLite,
    # a new table, the rows copied, the old table (and its triggers) dropped.
    field = Comment._meta.get_field("content")
    wider = field.clone()
    wider.set_attributes_from_name("content")
    wider.model = Comment
    wider.max_length = 5000
    with connection.schema_editor() as editor:
        editor.alter_field(Comment, field, wider)
    try:
        # Any migrate ends by putting the index's triggers back.
        call_command("migrate", verbosity=0)
        comment.content = "Narwhal after the change"
        comment.save()
        CommentFactory(content="Walrus after the change")
        assert found("walrus") == ["Walrus after the change"]
        assert found("narwhal") == ["Narwhal after the change"]
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Comment, wider, field)
        call_command("migrate", verbosity=0)
