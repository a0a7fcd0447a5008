import datetime

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory
from moderation.models import Report

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:moderation_moderatedcomment_changelist")
LIST_URL = reverse("comments:list")


def report(comment, reason="spam", when=None, **kwargs):
    report = Report.objects.create(
        comment=comment, reporter=UserFactory(), reason=reason, **kwargs
    )
    if when is not None:
        Report.objects.filter(pk=report.pk).update(created=when)
    return report


def at(minute):
    return datetime.datetime(2026, 11, 30, 10, minute, tzinfo=datetime.UTC)


def act(client, action, *comments, url=QUEUE_URL):
    return client.post(
        url,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def rows(response):
    """The comments of the queue's page, in their order."""
    return [c.content for c in response.context["cl"].result_list]


def test_queue_lists_only_comments_with_open_reports(staff_client):
    reported = CommentFactory(content="Reported one")
    CommentFactory(content="Never reported")
    handled = CommentFactory(content="Handled already")
    report(reported)
    report(handled, resolved=at(1))
    assert rows(staff_client.get(QUEUE_URL)) == ["Reported one"]


def test_queue_puts_the_latest_reported_first(staff_client):
    first, second, third = (
        CommentFactory(content=content) for content in ["First", "Second", "Third"]
    )
    report(first, when=at(3))
    report(second, when=at(1))
    report(third, when=at(2))
    report(second, when=at(5), resolved=at(6))
    assert rows(staff_client.get(QUEUE_URL)) == ["First", "Third", "Second"]


def test_queue_shows_the_count_and_reasons(staff_client):
    comment = CommentFactory(content="Much reported")
    report(comment, "spam")
    report(comment, "spam")
    report(comment, "abuse")
    response = staff_client.get(QUEUE_URL)
    assertContains(response, '<td class="field-open_reports">3</td>', html=True)
    assertContains(response, "Spam ×2, Abuse")


def test_queue_filters_by_reason(staff_client):
    report(CommentFactory(content="Spammy"), "spam")
    report(CommentFactory(content="Rude"), "abuse")
    assert rows(staff_client.get(QUEUE_URL, {"reason": "abuse"})) == ["Rude"]


def test_queue_shows_handled_comments_when_asked(staff_client):
    report(CommentFactory(content="Handled already"), resolved=at(1))
    assert rows(staff_client.get(QUEUE_URL, {"reports": "all"})) == ["Handled already"]


def test_the_change_page_lists_each_report_with_its_note(staff_client):
    comment = CommentFactory()
    report(comment, "other", note="Posted the same link on every page")
    response = staff_client.get(
        reverse("admin:moderation_moderatedcomment_change", args=[comment.pk])
    )
    assertContains(response, "Posted the same link on every page")


def test_hide_action_hides_closes_the_reports_and_logs_it(client, staff_client):
    comment = CommentFactory(content="Nasty")
    report(comment)
    client.get(LIST_URL)
    response = act(staff_client, "hide", comment)
    assertContains(response, "Hid 1 comment.")
    assert Comment.objects.get(pk=comment.pk).hidden is not None
    assert not Report.objects.open().exists()
    entry = LogEntry.objects.get()
    assert (entry.action_flag, entry.object_id, entry.user.username) == (
        CHANGE,
        str(comment.pk),
        "staff",
    )
    assert entry.change_message == "Hid the comment from the reports queue."
    # The cached page changed at once.
    assertNotContains(staff_client.logout() or client.get(LIST_URL), "Nasty")


def test_restore_action_shows_the_comment_again(staff_client):
    comment = CommentFactory(content="Not so bad", hidden=at(1))
    report(comment, resolved=at(2))
    act(staff_client, "restore", comment, url=QUEUE_URL + "?reports=all")
    assert Comment.objects.get(pk=comment.pk).hidden is None
    assert LogEntry.objects.get().change_message == (
        "Restored the comment from the reports queue."
    )


def test_dismiss_action_closes_the_reports_and_keeps_the_comment(staff_client):
    comment = CommentFactory(content="Fine really")
    report(comment)
    report(comment)
    act(staff_client, "dismiss_reports", comment)
    assert not Report.objects.open().exists()
    assert Report.objects.count() == 2
    assert Comment.objects.get(pk=comment.pk).hidden is None
    assert LogEntry.objects.get().change_message == "Dismissed 2 reports."
    assert rows(staff_client.get(QUEUE_URL)) == []


def test_delete_action_deletes_the_comment_and_logs_it(staff_client):
    comment = CommentFactory(content="Gone")
    report(comment)
    response = staff_client.post(
        QUEUE_URL,
        {
            "action": "delete_selected",
            "_selected_action": [comment.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert LogEntry.objects.get().action_flag == DELETION


def test_staff_without_the_hide_permission_get_no_hide_action(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_moderatedcomment"))
    client.force_login(staff)
    response = client.get(QUEUE_URL)
    assertContains(response, "Reported comments")
    assertNotContains(response, "Hide selected comments")
    assertNotContains(response, "Delete selected")


def test_the_queue_has_no_add_button(staff_client):
    assertNotContains(staff_client.get(QUEUE_URL), "Add reported comment")
