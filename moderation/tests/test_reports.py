import pytest
from django.db import IntegrityError
from django.urls import get_script_prefix, reverse, set_script_prefix
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.tests.factories import CommentFactory
from moderation.models import Report

pytestmark = pytest.mark.django_db

LIST_URL = reverse("comments:list")


def report_url(comment):
    return reverse("moderation:report", args=[comment.pk])


@pytest.fixture
def carols(db):
    return CommentFactory(content="Buy cheap watches", commenter__username="carol")


def test_logged_in_reader_sees_report_on_others_comments_only(bob_client, bob, carols):
    own = CommentFactory(content="Bob's own", commenter=bob)
    response = bob_client.get(LIST_URL)
    assertContains(response, f'href="{report_url(carols)}"', count=1)
    assertNotContains(response, report_url(own))


def test_anonymous_reader_sees_no_report_link(client, carols):
    assertNotContains(client.get(LIST_URL), report_url(carols))


def test_report_form_asks_for_a_reason_and_a_note(bob_client, carols):
    response = bob_client.get(report_url(carols))
    assertContains(response, "Buy cheap watches")
    for reason in ["spam", "abuse", "off-topic", "other"]:
        assertContains(response, f'value="{reason}"')
    assertContains(response, 'name="note"')


def test_report_is_stored_and_the_reader_returns_to_the_comment(
    bob_client, bob, carols
):
    response = bob_client.post(report_url(carols), {"reason": "spam", "note": "Ads"})
    assertRedirects(response, carols.get_absolute_url(), fetch_redirect_response=False)
    report = Report.objects.get()
    assert (report.comment, report.reporter, report.reason, report.note) == (
        carols,
        bob,
        "spam",
        "Ads",
    )


def test_the_note_is_optional(bob_client, carols):
    bob_client.post(report_url(carols), {"reason": "off-topic"})
    assert Report.objects.get().note == ""


def test_a_report_without_a_reason_is_refused_with_the_form(bob_client, carols):
    response = bob_client.post(report_url(carols), {"note": "Just because"})
    assertContains(response, "This field is required.")
    assertContains(response, "Just because")
    assert not Report.objects.exists()


def test_an_unknown_reason_is_refused(bob_client, carols):
    bob_client.post(report_url(carols), {"reason": "boring"})
    assert not Report.objects.exists()


def test_a_second_report_says_it_was_already_made(bob_client, carols):
    bob_client.post(report_url(carols), {"reason": "spam"})
    response = bob_client.post(report_url(carols), {"reason": "abuse"}, follow=True)
    assertContains(response, "You already reported this comment")
    assert list(Report.objects.values_list("reason", flat=True)) == ["spam"]


def test_the_database_holds_one_report_per_reader_and_comment(bob, carols):
    Report.objects.create(comment=carols, reporter=bob, reason="spam")
    with pytest.raises(IntegrityError):
        Report.objects.create(comment=carols, reporter=bob, reason="abuse")


def test_after_reporting_the_board_says_so_instead_of_report(bob_client, carols):
    bob_client.post(report_url(carols), {"reason": "spam"})
    response = bob_client.get(LIST_URL)
    assertContains(response, "You reported this", count=1)
    assertNotContains(response, report_url(carols))


def test_reports_made_before_a_login_show_in_the_new_session(
    client, bob, carols, password
):
    Report.objects.create(comment=carols, reporter=bob, reason="spam")
    client.post(reverse("login"), {"username": "bob", "password": password})
    assertContains(client.get(LIST_URL), "You reported this", count=1)


def test_a_reader_who_never_reported_costs_the_board_no_query(
    bob_client, carols, django_assert_num_queries
):
    bob_client.get(LIST_URL)
    # The session with its user and the version, in one query: no question
    # about reports.
    with django_assert_num_queries(1):
        bob_client.get(LIST_URL)


def test_a_reader_who_reported_costs_the_board_one_query(
    bob_client, carols, django_assert_num_queries
):
    bob_client.post(report_url(carols), {"reason": "spam"})
    bob_client.get(LIST_URL)
    # One more than a reader who never reported: which comments they did.
    with django_assert_num_queries(2):
        bob_client.get(LIST_URL)


def test_another_readers_report_does_not_show(bob_client, carols):
    Report.objects.create(comment=carols, reporter=UserFactory(), reason="spam")
    bob_client.post(
        report_url(CommentFactory()), {"reason": "spam"}
    )  # bob has reported something
    response = bob_client.get(LIST_URL)
    assertContains(response, "You reported this", count=1)
    assertContains(response, report_url(carols))


def test_own_comment_cannot_be_reported(bob_client, bob):
    own = CommentFactory(commenter=bob)
    assert bob_client.post(report_url(own), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


def test_anonymous_report_goes_to_the_login(client, carols):
    response = client.post(report_url(carols), {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Report.objects.exists()


def test_a_hidden_comment_cannot_be_reported(bob_client, carols):
    carols.hidden = carols.posted
    carols.save()
    assert bob_client.post(report_url(carols), {"reason": "spam"}).status_code == 403


def test_reporting_too_fast_is_refused_with_retry_after(bob_client, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = ((2, 60),)
    first, second, third = CommentFactory.create_batch(3)
    bob_client.post(report_url(first), {"reason": "spam"})
    bob_client.post(report_url(second), {"reason": "spam"})
    response = bob_client.post(report_url(third), {"reason": "abuse", "note": "Kept"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assertContains(
        response, "You are reporting too fast. Try again in", status_code=429
    )
    assertContains(response, "Kept", status_code=429)
    assert Report.objects.count() == 2


def test_staff_are_not_limited_in_reporting(staff_client, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = ((1, 60),)
    for comment in CommentFactory.create_batch(3):
        staff_client.post(report_url(comment), {"reason": "spam"})
    assert Report.objects.count() == 3


def test_report_of_a_missing_comment_is_404(bob_client):
    assert bob_client.get(reverse("moderation:report", args=[999])).status_code == 404


def test_report_links_follow_the_sites_address_prefix(bob_client, carols):
    # The links are made once per address prefix (moderation.links). The
    # test client sets no prefix from SCRIPT_NAME: Django's WSGI handler does.
    bob_client.get(LIST_URL)
    previous = get_script_prefix()
    set_script_prefix("/board/")
    try:
        response = bob_client.get(LIST_URL)
    finally:
        set_script_prefix(previous)
    assertContains(response, f'href="/board{report_url(carols)}"')
    assertContains(bob_client.get(LIST_URL), f'href="{report_url(carols)}"')
