"""The cached list of a page's comments and each reader's links on it
(comments.listing)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.listing import AnyReader, Listing
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(bob):
    CommentFactory(content="Bob here", commenter=bob)
    CommentFactory(content="Carol here", commenter=UserFactory(username="carol"))
    return Listing.of(Comment.objects.page())


@pytest.fixture
def request_of(rf):
    def request_of(user):
        request = rf.get("/")
        request.session = {}
        request.user = user
        return request

    return request_of


def links(comment, *names):
    return [reverse(name, args=[comment.pk]) for name in names]


def test_a_reader_who_wrote_none_and_may_do_nothing_more_gets_the_list_made_once(
    listing, request_of, django_assert_num_queries
):
    dan = UserFactory(username="dan")
    with django_assert_num_queries(0):
        html = listing.html_for(dan, request_of(dan))
    assert html is listing.readers_html
    # What the links of each comment, put in one by one, give.
    assert html == listing._join(AnyReader(), listing._readers_added())
    for comment in Comment.objects.all():
        for url in links(comment, "comments:reply", "moderation:report"):
            assert f'href="{url}"' in html
        for url in links(comment, "comments:edit", "comments:delete"):
            assert url not in html


def test_an_author_gets_their_own_links_and_no_report_of_their_own(
    listing, bob, request_of
):
    html = listing.html_for(bob, request_of(bob))
    bobs, carols = Comment.objects.order_by("pk")
    for url in links(bobs, "comments:edit", "comments:delete", "comments:reply"):
        assert url in html
    assert reverse("moderation:report", args=[bobs.pk]) not in html
    for url in links(carols, "comments:reply", "moderation:report"):
        assert url in html
    assert reverse("comments:edit", args=[carols.pk]) not in html


def test_staff_who_may_delete_get_delete_on_every_comment(listing, request_of):
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="delete_comment"))
    staff = type(staff).objects.get(pk=staff.pk)
    html = listing.html_for(staff, request_of(staff))
    assert html is not listing.readers_html
    for comment in Comment.objects.all():
        assert reverse("comments:delete", args=[comment.pk]) in html
        assert reverse("comments:edit", args=[comment.pk]) not in html


def test_an_anonymous_reader_gets_no_links(listing, request_of):
    html = listing.html_for(AnonymousUser(), request_of(AnonymousUser()))
    assert html == "".join(listing.pieces)
    assert "comment-action" not in html


@pytest.fixture
def comment_renders():
    """The comments/comment.html renders, as they happen."""
    from django.test.signals import template_rendered

    rendered = []

    def record(sender, template, context, **kwargs):
        if template.name == "comments/comment.html":
            rendered.append(context["comment"].content)

    template_rendered.connect(record)
    yield rendered
    template_rendered.disconnect(record)


def test_a_page_rendered_after_a_change_renders_only_the_comments_it_changed(
    bob, comment_renders
):
    comments = [CommentFactory(content=f"Number {n}", commenter=bob) for n in range(5)]
    Listing.of(Comment.objects.page())
    comment_renders.clear()
    # A reply changes the comment it answers ("1 reply: from carol") too.
    CommentFactory(
        content="An answer", parent=comments[2], commenter=UserFactory(username="carol")
    )
    # The reply's save rendered the front page's list for its version
    # (comments.caching): the reply, and the comment it answers.
    assert sorted(comment_renders) == ["An answer", "Number 2"]
    listing = Listing.of(Comment.objects.page())
    assert "1 reply" in listing.readers_html
    # Nothing changed, nothing rendered.
    comment_renders.clear()
    Listing.of(Comment.objects.page())
    assert comment_renders == []


def test_what_a_comment_shows_of_others_renders_it_again(bob, comment_renders):
    first = CommentFactory(content="Question", commenter=bob)
    carol = UserFactory(username="carol")
    CommentFactory(content="Answer", parent=first, commenter=carol)
    Listing.of(Comment.objects.page())
    comment_renders.clear()
    carol.username = "caroline"
    carol.save()
    listing = Listing.of(Comment.objects.page())
    # The answer's author, and the question's list of replies.
    assert "from caroline" in listing.readers_html
    assert sorted(set(comment_renders)) == ["Answer", "Question"]


def test_a_commenter_made_inactive_loses_the_link_to_their_page(bob):
    CommentFactory(content="Bob here", commenter=bob)
    user_page = reverse("comments:user", args=["bob"])
    assert user_page in Listing.of(Comment.objects.page()).readers_html
    type(bob).objects.filter(pk=bob.pk).update(is_active=False)
    # The same name and text: the comment is rendered again all the same.
    assert user_page not in Listing.of(Comment.objects.page()).readers_html
