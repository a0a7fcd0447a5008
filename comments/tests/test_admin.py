import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import UserFactory
from comments.models import Comment

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

CHANGELIST_URL = reverse("admin:comments_comment_changelist")


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def set_posted(comment, posted):
    # posted is set on creation only (auto_now_add).
    Comment.objects.filter(pk=comment.pk).update(posted=posted)


def test_changelist_shows_excerpt_commenter_and_time(staff_client):
    CommentFactory(content="A comment worth reading", commenter__username="carol")
    response = staff_client.get(CHANGELIST_URL)
    assertContains(response, "A comment worth reading")
    assertContains(response, "carol")
    assertContains(response, "column-posted")


def test_staff_see_when_a_comment_was_edited(staff_client):
    edited = datetime.datetime(2017, 10, 13, 16, 50, tzinfo=datetime.UTC)
    comment = CommentFactory(content="Changed since", edited=edited)
    assertContains(staff_client.get(CHANGELIST_URL), "column-edited_time")
    assertContains(staff_client.get(change_url(comment)), "13 Oct 2017, 16:50 UTC")


def test_changelist_shows_times_with_their_zone(staff_client):
    comment = CommentFactory(
        edited=datetime.datetime(2026, 11, 30, 9, 40, tzinfo=datetime.UTC)
    )
    set_posted(comment, datetime.datetime(2026, 11, 30, 9, 12, tzinfo=datetime.UTC))
    response = staff_client.get(CHANGELIST_URL)
    assertContains(response, "30 Nov 2026, 09:12 UTC")
    assertContains(response, "30 Nov 2026, 09:40 UTC")


def test_change_page_shows_times_with_their_zone(staff_client):
    comment = CommentFactory()
    set_posted(comment, datetime.datetime(2026, 11, 30, 9, 12, tzinfo=datetime.UTC))
    response = staff_client.get(change_url(comment))
    assertContains(response, "30 Nov 2026, 09:12 UTC")
    # Never edited: the admin's mark for no value, not "None".
    assertNotContains(response, "None")


def test_times_are_shown_in_the_sites_zone_and_name_it(staff_client, settings):
    # The change page only: the list's date navigation would need MySQL's
    # time zone tables for a zone other than UTC. The list's column is the
    # same method.
    settings.TIME_ZONE = "America/New_York"
    comment = CommentFactory()
    set_posted(comment, datetime.datetime(2026, 11, 30, 9, 12, tzinfo=datetime.UTC))
    assertContains(staff_client.get(change_url(comment)), "30 Nov 2026, 04:12 EST")


def test_changelist_lists_the_newest_comment_first(staff_client):
    CommentFactory(content="The oldest comment")
    CommentFactory(content="The middle comment")
    CommentFactory(content="The newest comment")
    page = staff_client.get(CHANGELIST_URL).content.decode()
    newest = page.index("The newest comment")
    assert newest < page.index("The middle comment") < page.index("The oldest comment")


def test_admin_pages_name_the_site(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assertContains(response, "My scratchpad administration")
    assertContains(response, "<title>Manage the board | My scratchpad admin</title>")
    assertNotContains(response, "Django administration")
    assertNotContains(response, "Django site admin")


def test_lockouts_are_managed_in_the_same_named_admin(staff_client):
    response = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    assertContains(response, "My scratchpad administration")


def test_admin_login_page_names_the_site(client):
    response = client.get(reverse("admin:login"))
    assertContains(response, "My scratchpad administration")
    assertNotContains(response, "Django administration")


def test_search_by_text_finds_the_comment(staff_client):
    CommentFactory(content="needle in here")
    CommentFactory(content="only hay")
    response = staff_client.get(CHANGELIST_URL, {"q": "needle"})
    assertContains(response, "needle in here")
    assertNotContains(response, "only hay")


def test_search_by_username_finds_the_comment(staff_client):
    CommentFactory(content="from dave", commenter__username="dave")
    CommentFactory(content="from erin", commenter__username="erin")
    response = staff_client.get(CHANGELIST_URL, {"q": "dave"})
    assertContains(response, "from dave")
    assertNotContains(response, "from erin")


def test_filter_by_commenter(staff_client):
    dave = UserFactory(username="dave")
    CommentFactory(content="from dave", commenter=dave)
    CommentFactory(content="from erin", commenter__username="erin")
    response = staff_client.get(CHANGELIST_URL, {"commenter__id__exact": dave.pk})
    assertContains(response, "from dave")
    assertNotContains(response, "from erin")


def test_change_form_shows_the_commenter_without_a_field_to_change_it(
    staff_client,
):
    comment = CommentFactory(commenter__username="bob")
    response = staff_client.get(change_url(comment))
    assertContains(response, "bob")
    assertNotContains(response, 'name="commenter"')
    assertNotContains(response, 'name="posted"')


def test_staff_edit_keeps_the_commenter_and_the_time(staff_client):
    posted = datetime.datetime(2026, 11, 30, 9, 12, tzinfo=datetime.UTC)
    bob = UserFactory(username="bob")
    comment = CommentFactory(content="Written by bob", commenter=bob)
    set_posted(comment, posted)
    mallory = UserFactory(username="mallory")
    response = staff_client.post(
        change_url(comment),
        {
            "content": "Written by bob",
            "commenter": mallory.pk,
            "posted_0": "2000-01-01",
            "posted_1": "00:00:00",
        },
    )
    assertRedirects(response, CHANGELIST_URL)
    comment.refresh_from_db()
    assert comment.commenter == bob
    assert comment.posted == posted


def post_change(client, comment, content):
    return client.post(change_url(comment), {"content": content})


def test_staff_edit_of_the_text_marks_the_comment_edited(staff_client, client):
    comment = CommentFactory(content="What bob said", commenter__username="bob")
    post_change(staff_client, comment, "Words bob never wrote")
    comment.refresh_from_db()
    assert comment.content == "Words bob never wrote"
    assert comment.edited is not None
    # The page says so, as it does for the author's own edits.
    client.logout()
    response = client.get(reverse("comments:list"))
    assertContains(response, "Words bob never wrote")
    assertContains(response, 'class="comment-edited"')


def test_staff_save_without_a_change_marks_nothing(staff_client):
    comment = CommentFactory(content="Left as it was")
    response = post_change(staff_client, comment, "Left as it was")
    assertRedirects(response, CHANGELIST_URL)
    comment.refresh_from_db()
    assert comment.edited is None


def test_staff_edit_of_the_text_is_in_the_comments_history(staff_client):
    comment = CommentFactory(content="What bob said")
    post_change(staff_client, comment, "Words bob never wrote")
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert entry.action_flag == CHANGE
    assert entry.user.username == "staff"
    assert entry.get_change_message() == "Changed Content."
    response = staff_client.get(
        reverse("admin:comments_comment_history", args=[comment.pk])
    )
    assertContains(response, "Changed Content.")


def test_comment_added_in_the_admin_is_by_the_staff_member(staff_client):
    bob = UserFactory(username="bob")
    response = staff_client.post(
        reverse("admin:comments_comment_add"),
        {"content": "Said by staff", "commenter": bob.pk},
    )
    assertRedirects(response, CHANGELIST_URL)
    comment = Comment.objects.get()
    assert comment.commenter == get_user_model().objects.get(username="staff")
    assert comment.edited is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("\u200b\u2060\ufeff", "This field is required."),
        ("bell\x07 and \x1b[31mred", "A comment cannot hold control characters"),
    ],
    ids=["shows-nothing", "control-characters"],
)
def test_the_admin_refuses_what_the_board_refuses(staff_client, text, error):
    comment = CommentFactory(content="Fine words")
    for url in [
        reverse("admin:comments_comment_add"),
        reverse("admin:comments_comment_change", args=[comment.pk]),
    ]:
        response = staff_client.post(url, {"content": text})
        assertContains(response, error)
    assert list(Comment.objects.values_list("content", flat=True)) == ["Fine words"]


def test_staff_can_delete_a_comment(staff_client):
    comment = CommentFactory()
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    response = staff_client.post(url, {"post": "yes"})
    assertRedirects(response, CHANGELIST_URL)
    assert not Comment.objects.exists()


def test_staff_can_add_a_comment_up_to_4096_characters(staff_client):
    url = reverse("admin:comments_comment_add")
    response = staff_client.post(url, {"content": "a" * 4097})
    assert response.status_code == 200
    assert not Comment.objects.exists()
    response = staff_client.post(url, {"content": "a" * 4096})
    assertRedirects(response, CHANGELIST_URL)
    assert len(Comment.objects.get().content) == 4096


def test_non_staff_is_sent_to_the_admin_login(bob_client):
    CommentFactory(content="private view")
    response = bob_client.get(CHANGELIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_cannot_delete(bob_client):
    comment = CommentFactory()
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    bob_client.post(url, {"post": "yes"})
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_staff_manage_users(staff_client):
    UserFactory(username="frank")
    response = staff_client.get(reverse("admin:auth_user_changelist"))
    assertContains(response, "frank")


def test_admin_login_refuses_an_over_long_username_before_authenticating(client):
    # authenticate() would have django-axes store the name in a column of
    # 255 characters, which MySQL refuses: a 500.
    response = client.post(
        reverse("admin:login"), {"username": "b" * 256, "password": "x"}
    )
    assertContains(response, "Ensure this value has at most 150 characters")
    assert not AccessAttempt.objects.exists()
