"""A logged-in reader's page of comments, rendered once for every reader and
filled in for each (comments.frames)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments import caching
from comments.forms import CommentForm
from comments.frames import Frame, FrameReader, Withheld
from comments.listing import Listing
from comments.models import Comment
from comments.views import COMMENT_FORM_ID

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def board(bob):
    CommentFactory(content="Bob's *first*", commenter=bob)
    CommentFactory(content="Carol's", commenter=UserFactory(username="carol"))


def page_request(rf, user):
    request = rf.get(LIST_URL)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def without_tokens(html: str) -> str:
    # Each use of a CSRF token is masked anew: equal pages differ there only.
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', html)


def page_context(listing):
    """What the view gives the page around the list (comments.views)."""
    return {
        "older_url": listing.older_url,
        "newer_url": listing.newer_url,
        "form": CommentForm(),
        "form_id": COMMENT_FORM_ID,
        "preview": None,
    }


def staff_member():
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["delete_comment", "hide_comment"])
    )
    return type(staff).objects.get(pk=staff.pk)


@pytest.mark.parametrize("who", ["bob", "dan", "staff"])
def test_the_filled_frame_is_the_page_the_template_renders_for_the_reader(
    rf, board, bob, who
):
    user = {
        "bob": lambda: bob,
        "dan": lambda: UserFactory(username="dan<&>"),
        "staff": staff_member,
    }[who]()
    listing = Listing.of(Comment.objects.page())
    context = page_context(listing)
    frame = Frame.render(
        page_request(rf, UserFactory(username="whoever")),
        "comments/comment_list.html",
        context,
        lists_comments=True,
    )
    request = page_request(rf, user)
    items = listing.html_for(user, request)
    rendered = render(
        request,
        "comments/comment_list.html",
        {**context, "comment_items": mark_safe(items)},
    ).content.decode()
    filled = frame.for_reader(request, caching.board_version(), items)
    assert without_tokens(filled) == without_tokens(rendered)
    assert f'name="typed_by" value="{user.pk}"' in filled
    assert 'title="dan&lt;&amp;&gt;"' in filled or who != "dan"


def test_the_page_is_rendered_once_for_every_reader(client, board, bob):
    client.force_login(UserFactory(username="carol2"))
    client.get(LIST_URL)
    client.force_login(bob)
    response = client.get(LIST_URL)
    # Only the reader's own parts were rendered for this request: the bar,
    # and the links of their comment.
    assert {t.name for t in response.templates} == {
        "account_toggle.html",
        "account_menu.html",
        "comments/comment_links.html",
    }
    assertContains(response, 'title="bob">bob</a>')
    assertContains(
        response, reverse("comments:edit", args=[Comment.objects.first().pk])
    )
    assertNotContains(response, "carol2")


def test_the_tokens_of_a_filled_page_are_accepted(board, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    client.get(LIST_URL)  # the frame, rendered
    page = client.get(LIST_URL).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2
    response = client.post(
        reverse("comments:create"),
        {"content": "Posted from a filled page", "csrfmiddlewaretoken": tokens[1]},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(content="Posted from a filled page").exists()
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_new_name_shows_in_the_bar_at_once(client, board, bob):
    client.force_login(bob)
    client.get(LIST_URL)
    bob.username = "robert"
    bob.save()
    response = client.get(LIST_URL)
    assertContains(response, 'title="robert">robert</a>')
    assertNotContains(response, ">bob</a>")


def test_a_page_with_a_message_is_rendered_for_its_reader(client, board, bob):
    client.force_login(bob)
    client.get(LIST_URL)
    comment = Comment.objects.get(content="Bob's *first*")
    client.post(reverse("comments:delete", args=[comment.pk]))
    # A message waiting: the page is rendered, the message in it.
    response = client.get(LIST_URL)
    assert "comments/comment_list.html" in [t.name for t in response.templates]
    assert list(response.context["messages"])


@pytest.mark.parametrize(
    "shown", ["{{ user.email }}", "{{ request.user.username }}", "{{ perms.comments }}"]
)
def test_the_frame_refuses_to_show_one_readers_details_to_all(rf, bob, shown):
    template = Template(shown)
    context = Context({"user": FrameReader(pk="marker"), "perms": FrameReader(pk="")})
    context["request"] = Withheld("request")
    with pytest.raises(ImproperlyConfigured, match="shows the reader.s"):
        template.render(context)


@pytest.mark.parametrize("logged_in", [True, False], ids=["logged-in", "anonymous"])
def test_an_empty_board_says_so_on_a_filled_page(client, bob, logged_in):
    if logged_in:
        client.force_login(bob)
    for _ in range(2):  # rendered, then filled in
        response = client.get(LIST_URL)
        assertContains(response, "No comments yet.")
        if logged_in:
            assertContains(response, "Be the first to post one.")


def test_an_anonymous_page_is_rendered_once_for_every_version(client, board, bob):
    client.get(LIST_URL)
    CommentFactory(content="One more", commenter=bob)
    response = client.get(LIST_URL)
    assertContains(response, "One more")
    # The same position and pagers: only the list is new.
    assert "comments/comment_list.html" not in [t.name for t in response.templates]


def test_the_anonymous_filled_frame_is_the_page_the_template_renders(rf, board):
    listing = Listing.of(Comment.objects.page())
    context = page_context(listing)
    request = page_request(rf, AnonymousUser())
    items = listing.html_for(request.user, request)
    frame = Frame.render(
        request,
        "comments/comment_list.html",
        context,
        reader=request.user,
        lists_comments=True,
    )
    rendered = render(
        request,
        "comments/comment_list.html",
        {**context, "comment_items": mark_safe(items)},
    ).content.decode()
    assert frame.for_reader(request, caching.board_version(), items) == rendered
    # No form on it: no CSRF token made, no cookie set.
    assert "CSRF_COOKIE" not in request.META


@pytest.mark.parametrize("who", ["anonymous", "bob", "dan"])
def test_a_persons_page_filled_in_is_the_page_the_template_renders(
    client, rf, board, bob, who
):
    # A first reader has the frame rendered, then each reader gets it filled.
    carol = type(bob).objects.get(username="carol")
    url = reverse("comments:user", args=["carol"])
    client.force_login(UserFactory(username="whoever"))
    client.get(url)
    client.logout()
    client.get(url)
    user = {
        "anonymous": AnonymousUser,
        "bob": lambda: bob,
        "dan": lambda: UserFactory(username="dan<&>"),
    }[who]()
    if user.is_authenticated:
        client.force_login(user)
    else:
        # With a session cookie (of no session): the page is filled in, not
        # taken whole from the cache (comments.middleware).
        client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response = client.get(url)
    assert "comments/user_comments.html" not in [t.name for t in response.templates]
    request = page_request(rf, user)
    request.path = url
    listing = Listing.of(carol.comments.newest_first(url))
    rendered = render(
        request,
        "comments/user_comments.html",
        {
            "person": carol,
            "total": 1,
            "older_url": None,
            "newer_url": None,
            "comment_items": mark_safe(listing.html_for(user, request)),
        },
    ).content.decode()
    assert without_tokens(response.content.decode()) == without_tokens(rendered)


@pytest.mark.parametrize("logged_in", [True, False], ids=["logged-in", "anonymous"])
def test_a_person_without_comments_has_a_filled_page_that_says_so(
    client, bob, logged_in
):
    if logged_in:
        client.force_login(bob)
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    url = reverse("comments:user", args=["bob"])
    for _ in range(2):  # rendered, then filled in
        response = client.get(url)
        assertContains(response, "0 comments since joining")
        assertContains(response, "No comments yet.")
