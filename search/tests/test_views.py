"""/search/: what people find, and how it is shown.

Transactional tests: InnoDB adds a row to its FULLTEXT index when the row's
transaction commits, so a search inside a test's transaction, as
pytest-django runs each test by default, would find nothing on MariaDB.
"""

import re

import pytest
from django.db import InternalError, OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from comments.tests.hostile import INJECTIONS, SEARCH_SYNTAX
from search import backends
from search.query import parse

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = reverse("search:search")


def found(response):
    """The ids of the comments on the results page, in order."""
    return [
        int(pk) for pk in re.findall(r'id="comment-(\d+)"', response.content.decode())
    ]


def search(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response


def test_a_word_finds_the_comments_that_hold_it(client):
    cat = CommentFactory(content="My cat sleeps")
    CommentFactory(content="My dog barks")
    assert found(search(client, "cat")) == [cat.pk]


def test_a_word_finds_the_words_it_begins(client):
    comment = CommentFactory(content="Programming all day")
    assert found(search(client, "progr")) == [comment.pk]


def test_a_word_does_not_match_the_middle_of_a_word(client):
    CommentFactory(content="A diagram")
    assertContains(search(client, "gram"), "No comments match")


def test_every_word_must_be_found(client):
    both = CommentFactory(content="red apples and green pears")
    CommentFactory(content="red apples only")
    assert found(search(client, "apples pears")) == [both.pk]


def test_a_phrase_matches_its_words_in_that_order(client):
    phrase = CommentFactory(content="The cat sat on the mat.")
    CommentFactory(content="The mat sat on the cat.")
    assert found(search(client, '"cat sat on the mat"')) == [phrase.pk]


def test_a_quoted_word_matches_the_whole_word_only(client):
    cat = CommentFactory(content="a cat")
    CommentFactory(content="a catalogue")
    assert found(search(client, '"cat"')) == [cat.pk]


def test_case_and_accents_do_not_matter(client):
    comment = CommentFactory(content="Un CAFÉ crème")
    assert found(search(client, "cafe creme")) == [comment.pk]


def test_results_come_newest_first(client):
    older = CommentFactory(content="Tea time")
    newer = CommentFactory(content="More tea")
    assert found(search(client, "tea")) == [newer.pk, older.pk]


def test_each_result_has_its_line_and_permalink(client):
    bob = UserFactory(username="bob")
    comment = CommentFactory(content="Sunny weather", commenter=bob)
    response = search(client, "weather")
    assertContains(response, f'href="{comment.get_absolute_url()}"')
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))
    assert re.search(r"Posted \w+day, \d\d \w+ \d{4} at \d\d:\d\d by bob", text)


def test_the_words_found_are_marked(client):
    CommentFactory(content="Gardening in **spring**")
    response = search(client, "garden spring")
    assertContains(response, "<mark>Gardening</mark> in <strong><mark>spring</mark>")


def test_text_of_a_comment_is_escaped_around_the_marks(client):
    CommentFactory(content="<b>bold</b> claims", format=Comment.Format.PLAIN)
    response = search(client, "bold")
    assertContains(response, "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; claims")


def test_hidden_comments_are_never_found(client):
    CommentFactory(content="Rude words", hidden=timezone.now())
    assertContains(search(client, "rude"), "No comments match")


def test_deleted_comments_are_no_longer_found(client):
    comment = CommentFactory(content="Regrettable words")
    comment.delete()
    assertContains(search(client, "regrettable"), "No comments match")


def test_edited_text_is_found_at_once_and_the_old_text_no_more(client):
    comment = CommentFactory(content="Teh typo")
    comment.content = "The typewriter"
    comment.save()
    assert found(search(client, "typewriter")) == [comment.pk]
    assertContains(search(client, "teh"), "No comments match")


def test_by_limits_the_search_to_one_person(client):
    bob = UserFactory(username="bob")
    mine = CommentFactory(content="Bicycles", commenter=bob)
    CommentFactory(content="Bicycles too")
    response = search(client, "bicycles", by="bob")
    assert found(response) == [mine.pk]
    assertContains(response, "Search bob’s comments")


def test_by_an_unknown_name_finds_nothing(client):
    CommentFactory(content="Bicycles")
    assertContains(search(client, "bicycles", by="nobody"), "No comments match")


def test_results_come_fifty_a_page_with_a_link_to_the_older(client, settings):
    Comment.objects.bulk_create(
        CommentFactory.build(content=f"Matching comment {n}", commenter=None)
        for n in range(1, 121)
    )
    CommentFactory(content="Not this one")
    ids = list(
        Comment.objects.filter(content__startswith="Matching")
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    first = search(client, "matching")
    assert found(first) == ids[:50]
    assertNotContains(first, "Newest matches")
    second = client.get(first.context["older_url"])
    assert found(second) == ids[50:100]
    assertContains(second, "Newest matches")
    third = client.get(second.context["older_url"])
    assert found(third) == ids[100:]
    assert third.context["older_url"] is None


def test_older_results_keep_the_person_searched(client):
    bob = UserFactory(username="bob")
    Comment.objects.bulk_create(
        CommentFactory.build(content="Kites", commenter=bob) for _ in range(51)
    )
    response = search(client, "kites", by="bob")
    assert "by=bob" in response.context["older_url"]


def test_an_empty_search_shows_the_form_and_how_to_search(client):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assertContains(response, 'role="search"', count=2)
    assertContains(response, "a phrase in double quotes")
    assertNotContains(response, "No comments match")


def test_too_short_words_give_a_hint_not_an_error(client):
    CommentFactory(content="Go to it")
    response = search(client, "go it")
    assertContains(response, "Type a word of at least 3 letters")
    assertContains(
        response, "Left out, as too short or too common to search for: go, it."
    )
    assertNotContains(response, "No comments match")


def test_common_words_are_left_out_and_the_rest_searched(client):
    comment = CommentFactory(content="The weather is nice")
    response = search(client, "the weather")
    assert found(response) == [comment.pk]
    assertContains(response, "too common to search for: the.")


def test_no_match_says_so(client):
    CommentFactory(content="Something")
    assertContains(search(client, "nothing"), "No comments match")


@pytest.mark.parametrize("before", ["abc", "-1", "0", str(2**64)])
def test_a_position_that_is_no_comment_number_is_refused(client, before):
    response = client.get(SEARCH, {"q": "word", "before": before})
    assert response.status_code == 400
    assertContains(response, "“before” takes a comment number", status_code=400)


def test_a_page_of_results_is_a_query_and_one_for_their_replies(
    client, django_assert_num_queries
):
    Comment.objects.bulk_create(
        CommentFactory.build(content="Lemonade stand", commenter=None)
        for _ in range(60)
    )
    # On MySQL and MariaDB, the search's time limit is set and lifted.
    time_limit = 2 if connection.vendor == "mysql" else 0
    # Nobody called bob: no results, so no replies to bring.
    with django_assert_num_queries(1 + time_limit):
        search(client, "lemonade", by="bob")
    with django_assert_num_queries(2 + time_limit):
        search(client, '"lemonade stand"')


def test_the_navbar_has_a_search_box_on_every_page(client):
    response = client.get(reverse("comments:list"))
    assertContains(response, f'action="{SEARCH}"')
    assertContains(response, '<label for="navbar-search-q"')


def test_hostile_queries_find_the_comments_that_hold_them(client, settings):
    """The hostile corpus's search texts, each stored as a comment and
    searched for: a page every time, and the comment found whenever the
    text holds a word to search for."""
    # A reader's limit (search.limits) is tested on its own.
    settings.SEARCH_RATE_LIMIT = ((1000, 60),)
    texts = {**INJECTIONS, **SEARCH_SYNTAX}
    stored = {
        name: CommentFactory(content=text, format=Comment.Format.PLAIN)
        for name, text in texts.items()
        # What a comment cannot hold; and MariaDB indexes no letter outside
        # the Basic Multilingual Plane, which FTS5 does (README, Search).
        if len(text) <= 4096 and "\x00" not in text and name != "4-byte-letters"
    }
    for name, text in texts.items():
        response = client.get(SEARCH, {"q": text})
        assert response.status_code == 200, name
        if name in stored and parse(text):
            assert stored[name].pk in found(response), name


def session_time_limit():
    """The connection's own statement time limit (MySQL and MariaDB), or
    None."""
    if connection.vendor != "mysql":
        return None
    variable = (
        "max_statement_time" if connection.mysql_is_mariadb else "max_execution_time"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT @@SESSION.{variable}")
        return cursor.fetchone()[0]


@pytest.mark.mysql
@pytest.mark.parametrize(
    ("error", "code"), [(OperationalError, 1969), (InternalError, 188)]
)
def test_the_errors_of_a_search_stopped_in_time_are_a_search_too_slow(error, code):
    # 188 is what MariaDB gives when the time limit stops the full-text
    # index's part of the search (seen in CI), 1969 the query itself.
    with pytest.raises(backends.SearchTooSlow), backends.time_limit(connection, 1):
        raise error(code, "stopped")
    with pytest.raises(InternalError), backends.time_limit(connection, 1):
        raise InternalError(1205, "another error")


def test_a_search_too_broad_to_finish_in_time_asks_for_a_narrower_one(client, settings):
    alice = UserFactory()
    Comment.objects.bulk_create(
        Comment(content=f"The kettle, number {n}", commenter=alice) for n in range(2000)
    )
    limit_before = session_time_limit()
    # The database stops the search at once: its 2,000 matches take far
    # longer than a microsecond.
    settings.SEARCH_TIME_LIMIT = 0.000_001
    response = search(client, "kettle")
    assertContains(response, "This search matches too many comments to list in time")
    assert found(response) == []
    # The connection is whole, without the limit, and searches again.
    assert session_time_limit() == limit_before
    settings.SEARCH_TIME_LIMIT = 30
    response = search(client, "kettle")
    assertNotContains(response, "too many comments")
    assert len(found(response)) == 50
