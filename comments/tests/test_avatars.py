"""Avatars made on the site from a name: initials and a colour class."""

import pytest

from accounts.tests.factories import UserFactory
from comments.templatetags.avatars import PALETTE_SIZE, avatar, colour, initials

from .factories import CommentFactory


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bob", "B"),
        ("alice.smith", "AS"),
        ("mary_jane_watson", "MJ"),
        ("élodie", "É"),
        ("日本語", "日"),
        ("@@@", "@"),
        ("42", "4"),
    ],
)
def test_initials_are_the_first_letters_of_the_first_two_words(name, expected):
    assert initials(name) == expected


def test_a_name_always_gets_the_same_colour_from_the_palette():
    # A CRC, fixed: the same on every server and in every process.
    assert colour("bob") == colour("bob") == 0
    assert {colour(f"user{n}") for n in range(100)} == set(range(PALETTE_SIZE))


@pytest.mark.django_db
def test_avatar_is_a_coloured_class_never_an_inline_style():
    html = avatar(UserFactory(username="alice.smith"))
    assert html == (
        f'<span class="avatar avatar-{colour("alice.smith")}" aria-hidden="true">'
        "AS</span>"
    )
    assert "style" not in html


def test_comment_without_its_author_gets_a_neutral_avatar():
    assert avatar(None) == (
        '<span class="avatar avatar-anonymous" aria-hidden="true">?</span>'
    )


@pytest.mark.django_db
def test_each_comment_on_the_page_shows_its_authors_avatar(client):
    CommentFactory(commenter=UserFactory(username="carol.jones"))
    CommentFactory(commenter=None)
    page = client.get("/").content.decode()
    assert (
        f'<span class="avatar avatar-{colour("carol.jones")}" aria-hidden="true">CJ</span>'
        in page
    )
    assert '<span class="avatar avatar-anonymous" aria-hidden="true">?</span>' in page
