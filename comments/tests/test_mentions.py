"""@mentions: linked to the person's page, recorded on the comment."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments import formatting
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

BOB = '<a href="/users/bob/" class="mention">@bob</a>'


@pytest.fixture
def bob_exists(bob):
    return bob


@pytest.mark.parametrize("text_format", [formatting.MARKDOWN, formatting.PLAIN])
def test_mention_of_an_active_user_links_to_their_page(bob_exists, text_format):
    comment = CommentFactory(content="Thanks @bob.", format=text_format)
    assert f"Thanks {BOB}." in comment.html


def test_mention_of_no_user_stays_text(bob_exists):
    comment = CommentFactory(content="Ask @nobody")
    assert comment.html == "<p>Ask @nobody</p>"


def test_mention_of_an_inactive_user_stays_text():
    UserFactory(username="gone", is_active=False)
    assert "<a" not in CommentFactory(content="Ask @gone").html


def test_mention_matches_the_name_exactly_with_its_case(bob_exists):
    assert "<a" not in CommentFactory(content="Ask @BOB").html


@pytest.mark.parametrize(
    "text",
    [
        "`@bob`",
        "```\n@bob\n```",
        "    @bob",
        "[@bob](https://example.com)",
        "bob@bob.org",
    ],
)
def test_no_mention_inside_code_links_or_an_address(bob_exists, text):
    assert BOB not in CommentFactory(content=text).html


@pytest.mark.parametrize("name", ["j.doe", "a+b", "mary-jane", "x_y", "me@home"])
def test_names_with_the_characters_usernames_allow_are_linked(name):
    UserFactory(username=name)
    html = CommentFactory(content=f"Hi @{name}, and you").html
    assert (
        f'<a href="{reverse("comments:user", args=[name])}" class="mention">@{name}</a>, and you'
        in html
    )


def test_comment_records_whom_it_mentions(bob_exists):
    carol = UserFactory(username="carol")
    UserFactory(username="dave")
    comment = CommentFactory(content="@bob and @carol, not `@dave`")
    assert set(comment.mentions.all()) == {bob_exists, carol}


def test_mentions_are_there_when_the_transaction_commits(
    bob_exists, django_capture_on_commit_callbacks
):
    seen = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        comment = CommentFactory(content="Hey @bob")
        transaction.on_commit(
            lambda: seen.extend(Comment.objects.get(pk=comment.pk).mentions.all())
        )
    assert seen == [bob_exists]


def test_edit_records_the_mentions_again(bob_exists):
    carol = UserFactory(username="carol")
    comment = CommentFactory(content="Hey @bob")
    comment.content = "Hey @carol"
    comment.save(update_fields=["content"])
    assert list(comment.mentions.all()) == [carol]
    assert "/users/carol/" in Comment.objects.get(pk=comment.pk).html


def test_user_registered_later_is_not_linked_in_older_comments():
    comment = CommentFactory(content="Where is @latecomer?")
    UserFactory(username="latecomer")
    assert "<a" not in Comment.objects.get(pk=comment.pk).html


def test_mention_link_leads_to_the_persons_page(client, bob_exists):
    CommentFactory(content="Ping @bob")
    response = client.get("/users/bob/")
    assert response.status_code == 200


def test_preview_links_mentions(bob_client):
    response = bob_client.post(reverse("comments:preview"), {"content": "Hi @bob"})
    assert BOB in response.content.decode()


def test_thousands_of_at_signs_look_up_a_bounded_number_of_names(
    bob_exists, django_assert_max_num_queries
):
    text = " ".join(f"@user{n}" for n in range(800))[:4096]
    assert len(formatting.mention_candidates(text)) <= formatting.MAX_CANDIDATES
    comment = Comment(content="@" * 4096)
    with django_assert_max_num_queries(1):
        comment.render()
    assert comment.html == "<p>" + "@" * 4096 + "</p>"
