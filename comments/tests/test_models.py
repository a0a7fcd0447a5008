import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment, ImportedComment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_str_is_a_short_excerpt():
    comment = CommentFactory(content="word " * 40)
    assert len(str(comment)) <= 50
    assert str(comment).endswith("…")


def test_comments_are_ordered_by_insertion():
    ids = [CommentFactory().pk for _ in range(3)]
    assert list(Comment.objects.values_list("pk", flat=True)) == ids


def test_imported_comment_is_remembered_once_per_source():
    ImportedComment.objects.create(source="sqlite:///flask.db", source_id=1)
    ImportedComment.objects.create(source="sqlite:///other.db", source_id=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportedComment.objects.create(source="sqlite:///flask.db", source_id=1)
