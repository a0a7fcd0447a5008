"""
What a comment's text may hold: the form refuses control characters and
text that shows as nothing, when posting and when editing; and text stored
by other ways (an import, a SQL console) never breaks a page.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains

from comments.caching import bump_board_version
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")
CREATE_URL = reverse("comments:create")
FEED_URL = reverse("comments:feed")
BLANK = "Write something before posting."
CONTROL = "A comment cannot hold control characters"

# Control characters (Unicode category Cc) that are neither a tab nor a line
# break: the C0 ones XML cannot carry, DEL and C1 ones it can.
CONTROL_CHARACTERS = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
# Text that shows as nothing: zero-width and other format characters, alone
# or with whitespace, and other characters that show as nothing.
INVISIBLE_TEXTS = [
    "\u200b",
    "\u200c\u200d",
    "\u2060",
    "\ufeff",
    "\u200e\u202e\u2066",
    " \u200b \n\t\u200b ",
    "\u3164",
    "\ufe0f",
    "\u2800",
    "\U000e0041",
]
# Text with visible characters that merely holds format characters.
VISIBLE_TEXTS = [
    "👩\u200d💻",
    "👨\u200d👩\u200d👧",
    "a\u200bb",
    "\u2764\ufe0f",
    "שלום \u200fhi",
]


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


@pytest.fixture
def bobs_comment(bob):
    return CommentFactory(commenter=bob, content="Frist post")


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=ascii)
def test_control_character_is_refused_and_the_text_kept(bob_client, char):
    content = f"Hello{char} world"
    response = bob_client.post(CREATE_URL, {"content": content})
    assertContains(response, CONTROL)
    assertContains(response, f"Remove U+{ord(char):04X} (the first is after “Hello”)")
    assertContains(response, escape(content))
    assert Comment.objects.count() == 0


def test_every_control_character_is_named_once(bob_client):
    response = bob_client.post(CREATE_URL, {"content": "\x1b[31mred\x1b[0m\x07"})
    assertContains(response, "Remove U+001B, U+0007 (the first is at the start)")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=ascii)
def test_edit_with_a_control_character_is_refused(bob_client, bobs_comment, char):
    content = f"First{char}post"
    response = bob_client.post(edit_url(bobs_comment), {"content": content})
    assertContains(response, CONTROL)
    assertContains(response, escape(content))
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"
    assert bobs_comment.edited is None


def test_tab_and_line_breaks_are_kept(bob_client):
    content = "a\tb\nc\r\nd"
    bob_client.post(CREATE_URL, {"content": content})
    assert Comment.objects.get().content == content


@pytest.mark.parametrize("content", INVISIBLE_TEXTS, ids=ascii)
def test_text_that_shows_nothing_is_refused_as_blank(bob_client, content):
    response = bob_client.post(CREATE_URL, {"content": content})
    assertContains(response, BLANK)
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("content", INVISIBLE_TEXTS, ids=ascii)
def test_edit_to_text_that_shows_nothing_is_refused(bob_client, bobs_comment, content):
    response = bob_client.post(edit_url(bobs_comment), {"content": content})
    assertContains(response, BLANK)
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Frist post"


@pytest.mark.parametrize("content", VISIBLE_TEXTS, ids=ascii)
def test_visible_text_with_format_characters_is_kept(bob_client, content):
    response = bob_client.post(CREATE_URL, {"content": content})
    assert response.status_code == 302
    assert Comment.objects.get().content == content


# Text stored past the form (the Flask import, a SQL console).
STORED_TEXTS = [
    "nul\x00inside",
    "bell\x07 and backspace\x08",
    "vertical\x0btab and form\x0cfeed",
    "\x1b[31mred\x1b[0m",
    "not a character: \ufffe \uffff",
    "\x7f\x85\x9f",
    "\u200b",
]


def store(content, commenter=None):
    """Writes a comment's row the way a SQL console does: past the form and
    the model's save, without a time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO comments_comment (content, posted, commenter_id) "
            "VALUES (%s, NULL, %s)",
            [content, commenter.pk if commenter else None],
        )
    bump_board_version()
    return Comment.objects.latest("pk")


@pytest.mark.parametrize("content", STORED_TEXTS, ids=ascii)
def test_stored_text_never_breaks_a_page(bob, content):
    comment = store(content, commenter=bob)
    # Posted a minute ago, so that its author may open the edit page.
    Comment.objects.filter(pk=comment.pk).update(posted=timezone.now())
    # Rows of the Flask import are bulk-inserted, some without a time.
    Comment.objects.bulk_create([Comment(content=content, commenter=None)])
    store(content)
    client = Client(raise_request_exception=False)
    client.force_login(bob)
    for url in [
        LIST_URL,
        comment.get_absolute_url(),
        edit_url(comment),
        FEED_URL,
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.content[:500])
    assert Comment.objects.get(pk=comment.pk).content == content


def test_stored_text_is_shown_on_the_page_and_in_the_edit_box(bob_client, bob):
    comment = store("before\x1bafter", commenter=bob)
    Comment.objects.filter(pk=comment.pk).update(posted=timezone.now())
    assertContains(bob_client.get(LIST_URL), "before\x1bafter")
    assertContains(bob_client.get(edit_url(comment)), ">\nbefore\x1bafter</textarea>")
