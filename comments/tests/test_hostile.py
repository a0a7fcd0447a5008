"""
Every request of the hostile corpus (hostile.py), sent with a real CSRF
token: the answer is never a 5xx, and the database afterwards holds what it
held before, plus only what was valid.

The run's figure is printed at the end of pytest's output (conftest.py).
"""

from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.tests.factories import PASSWORD, UserFactory
from comments.models import Comment

from .factories import CommentFactory
from .hostile import (
    CORPUS,
    CREATE,
    FEED,
    KEPT,
    LIST,
    LOGIN,
    REFUSED,
    SHOWN,
    STAYS,
    hostile_summary,
    tally,
)

pytestmark = pytest.mark.django_db


def snapshot():
    """Every comment and every user, as rows."""
    comments = Comment.objects.order_by("pk").values_list(
        "pk", "content", "commenter_id", "posted", "edited"
    )
    # last_login is left out: a successful login may set it.
    users = (
        get_user_model()
        .objects.order_by("pk")
        .values_list("pk", "username", "password", "is_staff", "is_active")
    )
    return {"comments": list(comments), "users": list(users)}


@pytest.fixture
def board():
    bob = UserFactory(username="bob")
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    carol = UserFactory(username="carol")
    return {
        "users": {"bob": bob, "staff": staff},
        "mine": CommentFactory(commenter=bob, content="bob's own words"),
        "theirs": CommentFactory(commenter=carol, content="carol's words"),
    }


def client_for(user):
    """A client that checks CSRF as a browser meets it, holding a valid token."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    # A page with a form sets the CSRF cookie; its secret is a valid token.
    client.get(LOGIN if user is None else "/password/")
    return client, client.cookies["csrftoken"].value


def fill(text, board):
    return (
        text.replace("{mine}", str(board["mine"].pk))
        .replace("{theirs}", str(board["theirs"].pk))
        .replace("{password}", PASSWORD)
    )


def send(case, board):
    client, token = client_for(board["users"].get(case.user))
    url = fill(case.url, board)
    if case.body is not None and case.content_type.endswith("utf-16"):
        # The token's placeholder is in UTF-16 too.
        body = case.body.decode("utf-16").replace("{csrf}", token).encode("utf-16")
    elif case.body is not None:
        body = case.body.replace(b"{csrf}", token.encode())
    elif case.method in {"POST", "PUT"}:
        fields = [("csrfmiddlewaretoken", token)]
        fields += [(name, fill(value, board)) for name, value in case.fields]
        body = urlencode(fields).encode()
    else:
        body = b""
    response = client.generic(case.method, url, body, content_type=case.content_type)
    return client, response


def refused_cleanly(response) -> bool:
    """A 4xx, a form error shown on the page, or the way to the login page."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 302:
        return urlsplit(response["Location"]).path in {LOGIN, "/admin/login/"}
    if response.status_code == 200 and response.context:
        form = response.context.get("form")
        errors = [e for field in form.errors.values() for e in field] if form else []
        return bool(errors) and escape(errors[0]) in response.content.decode()
    return False


def stays_on_site(response) -> bool:
    """A redirect that a browser follows to this site, and nowhere else."""
    if response.status_code != 302:
        return False
    location = response["Location"]
    # "%2F%2Fevil.example" is a path on this site, relative to the page.
    target = urljoin(f"http://testserver{response.wsgi_request.path}", location)
    return urlsplit(target).netloc == "testserver" and url_has_allowed_host_and_scheme(
        location, allowed_hosts={"testserver"}
    )


def check_kept(case, before, after, board):
    """Exactly one change: the new comment, or bob's own one edited."""
    bob = board["users"]["bob"]
    assert after["users"] == before["users"]
    if "/edit/" in case.url:
        mine = board["mine"].pk
        others_before = [row for row in before["comments"] if row[0] != mine]
        others_after = [row for row in after["comments"] if row[0] != mine]
        assert others_after == others_before
        edited = next(row for row in after["comments"] if row[0] == mine)
        assert edited[1:3] == (case.stored, bob.pk)
        assert edited[4] is not None
    else:
        assert after["comments"][: len(before["comments"])] == before["comments"]
        added = after["comments"][len(before["comments"]) :]
        assert [row[1:3] for row in added] == [(case.stored, bob.pk)]


class Elements(HTMLParser):
    """Every element's tag and attributes in a piece of HTML."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_inert(html):
    """Nothing in the HTML runs: no script but the site's own files, no event
    attribute, no link or source to a script's URL."""
    for tag, attrs in Elements(html).found:
        attrs = dict(attrs)
        if tag == "script":
            src = attrs.get("src") or ""
            assert src.startswith("/") and not src.startswith("//"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                scheme = "".join((value or "").split()).lower().partition(":")[0]
                assert scheme not in {"javascript", "data", "vbscript"}, value


def check_shown_inert(text, client):
    """The stored text on the page and in the feed: escaped, never run."""
    page = client.get(LIST).content.decode()
    feed = client.get(FEED).content.decode()
    comment = Comment.objects.filter(content=text).latest("pk")
    target = client.get(comment.get_absolute_url(), follow=True)
    assert target.status_code == 200
    person = client.get(
        reverse("comments:user", args=[comment.commenter.get_username()])
    )
    assert person.status_code == 200
    person = person.content.decode()
    assert comment.html in page
    assert comment.html in target.content.decode()
    assert comment.html in person
    assert django_settings.SECRET_KEY not in page + feed + person
    entries = ElementTree.fromstring(feed).iter("{http://www.w3.org/2005/Atom}content")
    pages = [page, target.content.decode(), person]
    for html in [*pages, *(entry.text for entry in entries)]:
        assert_inert(html)
    if comment.mentions.exists():
        # A mention is a link to the person's page, and nothing more.
        for _tag, attrs in Elements(comment.html).found:
            if ("class", "mention") in attrs:
                assert attrs == [("href", "/users/bob/"), ("class", "mention")]
    if "<" in text:
        assert text not in page
    # The feed is XML: its titles are text, where only < and & are markup.
    if "<" in text:
        assert text not in feed


def count(request, what):
    counts = request.config.stash.setdefault(tally, {})
    counts[what] = counts.get(what, 0) + 1


def answered(case, board, request):
    """Sends the case: never a 5xx, the rows changed only as the case expects,
    and an error page in the site's style. Counted for the run's figure."""
    count(request, "tried")
    before = snapshot()
    client, response = send(case, board)
    after = snapshot()
    if response.status_code >= 500:
        count(request, "errors")
    if case.expect == KEPT:
        try:
            check_kept(case, before, after, board)
        except AssertionError:
            count(request, "rows changed")
            raise
    elif after != before:
        count(request, "rows changed")

    assert response.status_code < 500, response.content.decode(errors="replace")
    assert after == before or case.expect == KEPT
    if response.status_code in {400, 404, 403, 405}:
        # A page in the site's style.
        assert b"My scratchpad" in response.content
    return client, response


def corpus(expect):
    return pytest.mark.parametrize(
        "case", [case for case in CORPUS if case.expect == expect], ids=str
    )


@corpus(REFUSED)
def test_hostile_request_is_refused_cleanly_and_changes_nothing(case, board, request):
    client, response = answered(case, board, request)
    assert refused_cleanly(response), (response.status_code, response.content)
    count(request, REFUSED)


@corpus(KEPT)
def test_hostile_looking_text_is_stored_as_typed_and_shown_inert(case, board, request):
    client, response = answered(case, board, request)
    assert response.status_code == 302
    check_shown_inert(case.stored, client)
    count(request, KEPT)


@corpus(SHOWN)
def test_hostile_query_gets_its_page_and_changes_nothing(case, board, request):
    client, response = answered(case, board, request)
    assert response.status_code == 200
    page = response.content.decode()
    assert django_settings.SECRET_KEY not in page
    if case.never_shown:
        assert case.never_shown not in page
    assert_inert(page)
    count(request, SHOWN)


@corpus(STAYS)
def test_hostile_next_leads_only_within_the_site(case, board, request):
    client, response = answered(case, board, request)
    assert stays_on_site(response), response.get("Location")
    count(request, STAYS)


def test_figure_counts_refused_apart_from_accepted_as_intended():
    config = SimpleNamespace(stash=pytest.Stash())
    config.stash[tally] = {
        "tried": 9,
        REFUSED: 4,
        KEPT: 2,
        SHOWN: 1,
        STAYS: 1,
        "errors": 1,
        "rows changed": 1,
    }
    assert hostile_summary(config) == (
        "hostile inputs: 9 tried: 4 refused, 4 accepted as intended "
        "(2 stored as typed, 1 shown escaped, 1 redirected within the site), "
        "1 errors, 1 rows changed unexpectedly"
    )


def test_a_flood_of_posts_from_one_user_ends_in_429_storing_no_more(board):
    # The site's own limit (COMMENTS_RATE_LIMIT's default, 5 a minute), of
    # which the board's comment by bob, just posted, is one.
    client, token = client_for(board["users"]["bob"])
    before = Comment.objects.count()
    statuses = [
        client.post(CREATE, {"csrfmiddlewaretoken": token, "content": f"Flood {n}"})
        for n in range(20)
    ]
    assert [response.status_code for response in statuses] == [302] * 4 + [429] * 16
    assert all(refused_cleanly(response) for response in statuses[4:])
    assert Comment.objects.count() == before + 4


def test_the_same_post_sent_again_and_again_is_stored_once(board):
    client, token = client_for(board["users"]["bob"])
    before = Comment.objects.count()
    fields = {"csrfmiddlewaretoken": token, "content": "Again and again"}
    locations = {client.post(CREATE, fields)["Location"] for _ in range(20)}
    assert len(locations) == 1
    assert Comment.objects.count() == before + 1
