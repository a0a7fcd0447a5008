import datetime
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

FEED_URL = reverse("comments:feed")
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def parse(response):
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed):
    return feed.findall("atom:entry", ATOM)


# The feed is checked against RFC 4287 by a validator that is not this
# project's: Ruby's RSS library, which Debian's Ruby ships, parsing with its
# validation on (every required element there once, no element Atom does not
# define, dates in RFC 3339 form, an author for every entry). Unknown
# elements are errors, not ignored.
RUBY = os.environ.get("RUBY", "ruby")
VALIDATE_ATOM = """
require "rss"
begin
  feed = RSS::Parser.parse(STDIN.read.force_encoding(Encoding::UTF_8), true, false)
rescue RSS::Error => error
  abort "#{error.class}: #{error.message}"
end
abort "not an Atom feed document: #{feed.class}" unless feed.is_a?(RSS::Atom::Feed)
"""


@pytest.fixture(scope="session")
def validate_atom():
    """Checks an Atom document: the validator's complaint, or None.

    Without Ruby's RSS library the tests that use it are skipped on a
    developer's machine and fail in CI (CI set), as the browser tests do
    without Chromium.
    """
    problem = None
    if not shutil.which(RUBY):
        problem = f"Ruby not found ({RUBY})"
    elif subprocess.run([RUBY, "-e", 'require "rss"'], capture_output=True).returncode:
        problem = "Ruby has no rss library"
    if problem:
        install = "apt-get install ruby (Debian's Ruby ships the rss library)"
        if os.environ.get("CI"):
            pytest.fail(f"{problem}: CI must validate the feed. {install}")
        pytest.skip(f"{problem}: {install}")

    def validate(document: bytes) -> str | None:
        result = subprocess.run(
            [RUBY, "-e", VALIDATE_ATOM], input=document, capture_output=True
        )
        if result.returncode:
            return result.stderr.decode() or f"exit status {result.returncode}"
        return None

    return validate


def test_feed_is_at_its_address():
    assert FEED_URL == "/feed/"


def test_front_page_links_the_feed_for_feed_readers(client):
    assertContains(
        client.get(reverse("comments:list")),
        '<link rel="alternate" type="application/atom+xml" '
        f'title="My scratchpad: latest comments" href="{FEED_URL}">',
    )


def test_feed_describes_the_board(client):
    feed = parse(client.get(FEED_URL))
    assert feed.findtext("atom:title", namespaces=ATOM) == "My scratchpad"
    assert feed.find("atom:link[@rel='alternate']", ATOM).get("href") == (
        "http://testserver/"
    )


def test_entry_has_excerpt_author_time_and_permalink(client):
    comment = CommentFactory(
        content="A thought worth sharing with everyone who reads this board",
        commenter=UserFactory(username="bob"),
    )
    posted = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
    Comment.objects.filter(pk=comment.pk).update(posted=posted)

    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:title", namespaces=ATOM) == (
        "A thought worth sharing with everyone who reads t…"
    )
    assert entry.findtext("atom:author/atom:name", namespaces=ATOM) == "bob"
    assert entry.findtext("atom:published", namespaces=ATOM) == (
        "2017-10-13T16:36:00+00:00"
    )
    assert entry.findtext("atom:updated", namespaces=ATOM) == (
        "2017-10-13T16:36:00+00:00"
    )
    permalink = f"http://testserver/comments/{comment.pk}/"
    assert entry.find("atom:link", ATOM).get("href") == permalink
    assert entry.findtext("atom:id", namespaces=ATOM) == permalink
    assert entry.findtext("atom:content", namespaces=ATOM) == (
        f"<p>{comment.content}</p>"
    )


def test_comment_without_commenter_is_by_anonymous(client):
    CommentFactory(commenter=None)
    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:author/atom:name", namespaces=ATOM) == "anonymous"


def test_edited_comment_is_updated_when_edited(client):
    comment = CommentFactory()
    edited = timezone.now() + datetime.timedelta(minutes=5)
    Comment.objects.filter(pk=comment.pk).update(edited=edited)
    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:updated", namespaces=ATOM) == edited.isoformat()


def test_feed_holds_the_latest_50_newest_first(client, make_comments):
    comments = make_comments(51)
    links = [
        entry.find("atom:link", ATOM).get("href")
        for entry in entries(parse(client.get(FEED_URL)))
    ]
    expected = [f"http://testserver/comments/{c.pk}/" for c in comments[:0:-1]]
    assert links == expected


def test_html_in_a_comment_stays_text_in_readers(client):
    CommentFactory(content="<script>alert(1)</script>\nsecond line")
    (entry,) = entries(parse(client.get(FEED_URL)))
    # The title is Atom text: shown as typed.
    assert entry.findtext("atom:title", namespaces=ATOM) == (
        "<script>alert(1)</script>\nsecond line"
    )
    # The content is Atom HTML: the markup arrives escaped, line breaks kept.
    content = entry.find("atom:content", ATOM)
    assert content.get("type") == "html"
    assert content.text == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>\nsecond line</p>"
    )


def test_feed_runs_one_query_whatever_the_board(
    client, make_comments, django_assert_num_queries
):
    make_comments(300, commenters=150)
    with django_assert_num_queries(1):
        client.get(FEED_URL)


def test_comment_without_a_time_is_listed_without_dates(client):
    comment = CommentFactory(content="From before timestamps")
    Comment.objects.filter(pk=comment.pk).update(posted=None)
    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:title", namespaces=ATOM) == "From before timestamps"
    assert entry.find("atom:published", ATOM) is None


# Characters XML 1.0 cannot carry, and what the feed writes instead.
NOT_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", NOT_XML, ids=ascii)
def test_character_xml_cannot_carry_is_replaced(client, char):
    # Stored past the form, as an import or a SQL console does.
    Comment.objects.bulk_create([Comment(content=f"before{char}after")])
    response = client.get(FEED_URL)
    assert response.status_code == 200
    (entry,) = entries(parse(response))
    assert entry.findtext("atom:title", namespaces=ATOM) == "before\ufffdafter"
    assert entry.findtext("atom:content", namespaces=ATOM) == (
        "<p>before\ufffdafter</p>"
    )


def test_control_characters_xml_carries_are_kept(client):
    CommentFactory(content="tab\tDEL\x7fNEL\x85 and 👩\u200d💻")
    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:title", namespaces=ATOM) == (
        "tab\tDEL\x7fNEL\x85 and 👩\u200d💻"
    )


def test_comment_without_a_time_is_updated_when_the_feed_is(client):
    undated = CommentFactory(content="From before timestamps")
    Comment.objects.filter(pk=undated.pk).update(posted=None)
    dated = CommentFactory(content="Recent")
    posted = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
    Comment.objects.filter(pk=dated.pk).update(posted=posted)
    feed = parse(client.get(FEED_URL))
    assert feed.findtext("atom:updated", namespaces=ATOM) == posted.isoformat()
    updated = [
        entry.findtext("atom:updated", namespaces=ATOM) for entry in entries(feed)
    ]
    assert updated == [posted.isoformat()] * 2


def test_board_without_times_is_updated_now(client):
    comment = CommentFactory(content="From before timestamps")
    Comment.objects.filter(pk=comment.pk).update(posted=None)
    before = timezone.now()
    feed = parse(client.get(FEED_URL))
    updated = feed.findtext("atom:updated", namespaces=ATOM)
    (entry,) = entries(feed)
    assert entry.findtext("atom:updated", namespaces=ATOM) == updated
    assert before <= datetime.datetime.fromisoformat(updated) <= timezone.now()


# A feed with an entry that lacks atom:updated, as this site wrote one for a
# comment without a time.
ENTRY_WITHOUT_UPDATED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<link href="http://testserver/" rel="alternate"/><id>http://testserver/</id>
<updated>2017-10-13T16:36:00+00:00</updated>
<entry><title>From before timestamps</title>
<link href="http://testserver/comments/1/" rel="alternate"/>
<author><name>anonymous</name></author><id>http://testserver/comments/1/</id>
</entry></feed>"""


def test_validator_refuses_an_entry_without_updated(validate_atom):
    assert "tag <updated> is missing in tag <entry>" in validate_atom(
        ENTRY_WITHOUT_UPDATED
    )
    fixed = ENTRY_WITHOUT_UPDATED.replace(
        b"<author>", b"<updated>2017-10-13T16:36:00+00:00</updated><author>"
    )
    assert validate_atom(fixed) is None


def test_feed_is_valid_atom_whatever_the_board_holds(client, validate_atom):
    bob = UserFactory(username="bob")
    posted = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
    # Stored past the form, as the Flask import and a SQL console do.
    Comment.objects.bulk_create(
        [
            Comment(content="From before timestamps", commenter=bob),
            Comment(content="Nobody's, from before timestamps"),
            Comment(
                content="\x1b[31mred\x1b[0m, a bell\x07, \ufffe\x00", commenter=bob
            ),
            Comment(content="\u200b"),
        ]
    )
    Comment.objects.update(posted=None)
    CommentFactory(content="<b>Posted</b> & edited\nsince", commenter=bob)
    CommentFactory(content="Anonymous 👩\u200d💻", commenter=None)
    Comment.objects.filter(content__startswith="<b>").update(
        posted=posted, edited=posted + datetime.timedelta(minutes=5)
    )
    response = client.get(FEED_URL)
    assert response.status_code == 200
    # Well-formed XML (expat refuses any character outside XML 1.0's)...
    assert len(entries(parse(response))) == 6
    # ... and valid Atom.
    assert validate_atom(response.content) is None


def test_entry_title_is_the_text_without_markdown_and_content_its_html(client):
    CommentFactory(content="**Bold** and [a link](https://example.com)\n\n> quoted")
    (entry,) = entries(parse(client.get(FEED_URL)))
    assert entry.findtext("atom:title", namespaces=ATOM) == ("Bold and a link\nquoted")
    assert entry.findtext("atom:content", namespaces=ATOM) == (
        '<p><strong>Bold</strong> and <a href="https://example.com" '
        'rel="nofollow ugc noopener">a link</a></p>\n'
        "<blockquote>\n<p>quoted</p>\n</blockquote>"
    )
