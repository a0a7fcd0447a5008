"""What a staff member does in Django's admin, in a browser."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.tests.factories import CommentFactory

CAROLS_PASSWORD = "carol's own long passphrase"


def test_staff_adds_a_user_who_then_logs_in_and_posts(
    new_context, staff_page, log_in, post_comment
):
    staff_page.get_by_role("link", name="Users").click()
    staff_page.get_by_role("link", name="Add user").click()
    staff_page.get_by_label("Username").fill("carol")
    staff_page.get_by_label("Password:", exact=True).fill(CAROLS_PASSWORD)
    staff_page.get_by_label("Password confirmation").fill(CAROLS_PASSWORD)
    staff_page.get_by_role("button", name="Save", exact=True).click()
    expect(staff_page.locator(".messagelist")).to_contain_text("was added successfully")

    # Carol, in her own browser.
    carols_tab = new_context().new_page()
    log_in(carols_tab, "carol", CAROLS_PASSWORD)
    post_comment(carols_tab, "Hello from carol")
    expect(carols_tab.locator(".comment")).to_contain_text(" by carol")

    carol = get_user_model().objects.get(username="carol")
    assert not carol.is_staff
    assert Comment.objects.get().commenter == carol


def test_staff_finds_a_comment_by_searching_and_deletes_it(staff_page):
    CommentFactory(content="A kind word", commenter__username="alice")
    CommentFactory(content="Cheap watches at spam.example", commenter__username="carol")
    CommentFactory(content="Another kind word", commenter=UserFactory(username="dave"))

    staff_page.get_by_role("rowheader", name="Comments", exact=True).get_by_role(
        "link"
    ).click()
    staff_page.get_by_role("textbox", name="Search").fill("watches")
    staff_page.get_by_role("button", name="Search").click()
    results = staff_page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link").first.click()
    staff_page.get_by_role("link", name="Delete", exact=True).click()
    staff_page.get_by_role("button", name="Yes, I’m sure").click()
    expect(staff_page.locator(".messagelist")).to_contain_text(
        "was deleted successfully"
    )

    staff_page.goto(reverse("comments:list"))
    expect(staff_page.locator(".comment-content")).to_have_text(
        ["A kind word", "Another kind word"]
    )
    assert list(Comment.objects.values_list("content", flat=True)) == [
        "A kind word",
        "Another kind word",
    ]
