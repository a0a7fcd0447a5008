import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import IntegrityError, transaction

from comments.models import Comment, ImportedComment

from .factories import CommentFactory, UserFactory

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


def test_a_reader_gets_own_links_only_where_they_may_edit_or_delete():
    comment = CommentFactory()
    intern = UserFactory(username="intern", is_staff=True)
    assert comment.has_own_links_for(comment.commenter)
    assert not comment.has_own_links_for(AnonymousUser())
    assert not comment.has_own_links_for(UserFactory(username="carol"))
    # Staff without the delete permission may do nothing more here.
    assert not comment.has_own_links_for(intern)
    intern.user_permissions.add(Permission.objects.get(codename="delete_comment"))
    intern = type(intern).objects.get(pk=intern.pk)
    assert comment.has_own_links_for(intern)


def test_every_logged_in_reader_may_reply_and_no_anonymous_one():
    comment = CommentFactory()
    assert comment.can_reply(UserFactory(username="carol"))
    assert comment.has_links_for(UserFactory(username="dave"))
    assert not comment.can_reply(AnonymousUser())
    assert not comment.has_links_for(AnonymousUser())
