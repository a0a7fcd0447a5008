import pytest
from django.core.exceptions import ValidationError

from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_posted_is_set_on_creation():
    assert CommentFactory().posted is not None


def test_str_is_a_short_excerpt():
    comment = CommentFactory(content="word " * 40)
    assert len(str(comment)) <= 50
    assert str(comment).endswith("…")


def test_content_longer_than_4096_fails_validation():
    comment = CommentFactory.build(content="z" * 4097, commenter=None)
    with pytest.raises(ValidationError) as excinfo:
        comment.full_clean()
    assert "content" in excinfo.value.message_dict


def test_comments_are_ordered_by_insertion():
    ids = [CommentFactory().pk for _ in range(3)]
    assert list(Comment.objects.values_list("pk", flat=True)) == ids
