"""The board's name and description (SITE_NAME, SITE_DESCRIPTION): where
they show, and every page's title in one pattern, "<page> · <site name>"."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.tests.factories import UserFactory
from comments.tests.factories import CommentFactory

from .processes import manage, production_environ

LIST_URL = reverse("comments:list")
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def title(response) -> str:
    return TITLE.search(response.content.decode()).group(1)


def test_site_name_defaults_to_my_scratchpad():
    assert settings.SITE_NAME == "My scratchpad"


def test_site_name_and_description_come_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; import scratchpad.urls;"
        " from django.contrib import admin;"
        " print(settings.SITE_NAME, settings.SITE_DESCRIPTION, admin.site.site_header,"
        " sep='|')",
        environ=production_environ(
            SITE_NAME="Club notes", SITE_DESCRIPTION="What the club is up to."
        ),
    )
    assert result.returncode == 0, result.stderr
    # The last line: the shell may say what it imported first.
    assert result.stdout.strip().splitlines()[-1] == (
        "Club notes|What the club is up to.|Club notes administration"
    )


@pytest.fixture
def named_board(settings):
    settings.SITE_NAME = "Club notes"
    settings.SITE_DESCRIPTION = "What the club is up to."


@pytest.mark.django_db
def test_front_page_is_headed_by_the_site_name_and_description(client, named_board):
    response = client.get(LIST_URL)
    assert title(response) == "Club notes"
    assertContains(
        response, '<a class="navbar-brand" href="/">Club notes</a>', html=False
    )
    assertContains(response, '<h1 class="board-title">Club notes</h1>', count=1)
    assertContains(response, '<p class="board-description">What the club is up to.</p>')
    assertContains(
        response, '<meta name="description" content="What the club is up to.">'
    )
    assertContains(response, "<h1", count=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (reverse("login"), "Log in · Club notes"),
        (reverse("comments:formatting_help"), "Formatting comments · Club notes"),
        ("/no/such/page/", "Page not found · Club notes"),
    ],
)
def test_page_titles_are_the_page_then_the_site_name(
    client, named_board, url, expected
):
    response = client.get(url)
    assert title(response) == expected
    assertContains(
        response,
        '<meta name="description" content="What the club is up to.">',
        status_code=response.status_code,
    )


@pytest.mark.django_db
def test_account_and_comment_pages_follow_the_title_pattern(client, named_board):
    bob = UserFactory(username="bob")
    comment = CommentFactory(commenter=bob)
    client.force_login(bob)
    titles = [
        title(client.get(reverse("password_change"))),
        title(client.get(reverse("comments:edit", args=[comment.pk]))),
        title(client.get(reverse("comments:delete", args=[comment.pk]))),
        title(client.get(reverse("logout"))),
    ]
    assert titles == [
        "Change password · Club notes",
        "Edit comment · Club notes",
        "Delete comment · Club notes",
        "Log out · Club notes",
    ]


@pytest.mark.django_db
def test_older_pages_are_titled_as_earlier_comments(client, named_board, settings):
    settings.COMMENTS_PER_PAGE = 1
    first, _ = CommentFactory.create_batch(2)
    response = client.get(LIST_URL, {"before": first.pk + 1})
    assert title(response) == "Earlier comments · Club notes"


def test_server_error_page_names_the_site_without_a_request(named_board, client):
    from scratchpad.views import render_error_page

    html = render_error_page("500.html", 500).content.decode()
    assert "<title>Server error · Club notes</title>" in html
    assert '<a class="navbar-brand" href="/">Club notes</a>' in html


@pytest.mark.django_db
def test_feed_is_titled_with_the_site_name_and_description(client, named_board):
    feed = ET.fromstring(client.get(reverse("comments:feed")).content)
    atom = {"atom": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("atom:title", namespaces=atom) == "Club notes"
    assert feed.findtext("atom:subtitle", namespaces=atom) == "What the club is up to."
    page = client.get(LIST_URL)
    assertContains(page, 'title="Club notes: latest comments"')


@pytest.mark.django_db
def test_login_lands_at_the_newest_comment(client):
    UserFactory(username="bob")
    from accounts.tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response["Location"] == LIST_URL + "#newest"
